import { describe, expect, it } from 'vitest';
import { effectivePriority, queueRank } from '../../src/routing/effective-priority.js';

describe('effective priority', () => {
  it.each([
    [20, 10, 0, 20],
    [20, 10, 60_000, 30],
    [20, 10, 90_000, 35],
    [80, 10, 6 * 60_000, 140],
    [1000, 10, 0, 1000],
    [20, 0, 3_600_000, 20],
  ])('base %i aging %i/min after %i ms is %i', (base, aging, waited, expected) => {
    expect(effectivePriority(base, aging, waited)).toBe(expected);
  });

  it('counts a negative wait (clocks slightly apart) as no wait', () => {
    expect(effectivePriority(60, 10, -500)).toBe(60);
  });

  it('refuses inputs that are not finite numbers', () => {
    expect(() => effectivePriority(Number.NaN, 10, 0)).toThrow(RangeError);
    expect(() => effectivePriority(20, 10, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('queue rank', () => {
  it('orders the calls of a queue as their effective priorities do, at every moment', () => {
    const aging = 10;
    const start = 1_750_000_000_000;
    const calls = [
      { id: 'standard-early', base: 20, at: start },
      { id: 'gold-late', base: 80, at: start + 6 * 60_000 + 1_000 },
      { id: 'diamond-mid', base: 100, at: start + 3 * 60_000 },
      { id: 'silver-early', base: 60, at: start + 30_000 },
      { id: 'transfer-late', base: 1000, at: start + 20 * 60_000 },
    ];
    const byRank = [...calls].sort((a, b) => queueRank(b.base, aging, b.at) - queueRank(a.base, aging, a.at)).map((c) => c.id);
    expect(byRank).toEqual(['transfer-late', 'diamond-mid', 'silver-early', 'standard-early', 'gold-late']);
    for (const now of [start + 20 * 60_000, start + 45 * 60_000, start + 5 * 3_600_000]) {
      const byEffective = [...calls]
        .sort((a, b) => effectivePriority(b.base, aging, now - b.at) - effectivePriority(a.base, aging, now - a.at))
        .map((c) => c.id);
      expect(byEffective).toEqual(byRank);
    }
  });
});
