import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/time/clock.js';

describe('virtual clock', () => {
  it('fires timers in time order, each at its own due time, only when time is advanced', async () => {
    const clock = new ManualClock(1_000);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 200);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['c', clock.now()]), 200);
    expect(fired).toEqual([]);
    await clock.advance(150);
    expect(fired).toEqual([['a', 1_100]]);
    await clock.advance(1_000);
    expect(fired).toEqual([['a', 1_100], ['b', 1_200], ['c', 1_200]]);
    expect(clock.now()).toBe(2_150);
  });

  it('a cleared timer never fires', async () => {
    const clock = new ManualClock(0);
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 10);
    clock.clearTimeout(handle);
    await clock.advance(100);
    expect(fired).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('a timer set for now fires without an advance, and time stands still', async () => {
    const clock = new ManualClock(500);
    const fired = await new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now()), -20));
    expect(fired).toBe(500);
  });

  it('refuses to go backwards', async () => {
    await expect(new ManualClock(0).advance(-1)).rejects.toThrow(RangeError);
  });
});
