import { describe, expect, it } from 'vitest';
import { PatienceCurve } from '../../src/whatif/kaplan-meier.js';

describe('caller patience from abandons and answered waits (Kaplan–Meier)', () => {
  it('counts an answered caller as still patient at their wait, not as a caller who gave up', () => {
    // Abandons at 10 s and 30 s; answered at 20 s and 40 s.
    const curve = new PatienceCurve([
      { waitMs: 10_000, abandoned: true },
      { waitMs: 20_000, abandoned: false },
      { waitMs: 30_000, abandoned: true },
      { waitMs: 40_000, abandoned: false },
    ]);
    // At 10 s: 1 of 4 at risk gives up → 0.75. At 30 s: 1 of 2 at risk → 0.375.
    expect(curve.survival(5_000)).toBe(1);
    expect(curve.survival(10_000)).toBe(0.75);
    expect(curve.survival(29_999)).toBe(0.75);
    expect(curve.survival(30_000)).toBe(0.375);
  });

  it('draws a patience beyond the wait already observed, or none beyond the last abandon seen', () => {
    const curve = new PatienceCurve([
      { waitMs: 10_000, abandoned: true },
      { waitMs: 20_000, abandoned: false },
      { waitMs: 30_000, abandoned: true },
      { waitMs: 40_000, abandoned: false },
    ]);
    // Given more than 20 s: S = 0.75; half the callers (S ≤ 0.375) give up at 30 s, the rest never within what was seen.
    expect(curve.sampleBeyond(20_000, 0.1)).toBe(30_000);
    expect(curve.sampleBeyond(20_000, 0.5)).toBe(30_000);
    expect(curve.sampleBeyond(20_000, 0.51)).toBeNull();
    expect(curve.sampleBeyond(40_000, 0.9)).toBeNull();
  });
});
