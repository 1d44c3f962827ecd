/**
 * Caller patience from what was observed. A caller who gave up after waiting
 * w shows their patience was w; a caller answered (or called back) after w
 * shows only that it was more than w (censored). The Kaplan–Meier estimate
 * takes both into account:
 *
 *   S(t) = Π over abandon times tᵢ ≤ t of (1 − dᵢ / nᵢ)
 *
 * with dᵢ the callers who gave up at tᵢ and nᵢ those still waiting just
 * before (neither answered nor gone). Counting only the abandons would
 * underestimate patience: the patient callers are the ones who got answered.
 */
export interface PatienceObservation {
  waitMs: number;
  /** True when the caller gave up at waitMs; false when the wait ended otherwise. */
  abandoned: boolean;
}

export class PatienceCurve {
  /** Abandon times, ascending, with S(t) just after each. */
  private readonly steps: { t: number; survival: number }[] = [];

  constructor(observations: readonly PatienceObservation[]) {
    const sorted = [...observations].filter((o) => Number.isFinite(o.waitMs) && o.waitMs >= 0)
      .sort((a, b) => a.waitMs - b.waitMs || Number(b.abandoned) - Number(a.abandoned));
    let atRisk = sorted.length;
    let survival = 1;
    let i = 0;
    while (i < sorted.length) {
      const t = sorted[i]!.waitMs;
      let gaveUp = 0;
      let total = 0;
      while (i < sorted.length && sorted[i]!.waitMs === t) {
        if (sorted[i]!.abandoned) gaveUp += 1;
        total += 1;
        i += 1;
      }
      if (gaveUp > 0) {
        survival *= 1 - gaveUp / atRisk;
        this.steps.push({ t, survival });
      }
      atRisk -= total;
    }
  }

  /** S(t): the share of callers still willing to wait after t ms. */
  survival(t: number): number {
    let s = 1;
    for (const step of this.steps) {
      if (step.t > t) break;
      s = step.survival;
    }
    return s;
  }

  /**
   * A patience drawn from the curve given it is more than `waitedMs` (u uniform
   * in [0, 1)); null when it lies beyond the last abandon observed (the caller
   * would not have given up within anything seen).
   */
  sampleBeyond(waitedMs: number, u: number): number | null {
    const target = this.survival(waitedMs) * (1 - u);
    for (const step of this.steps) {
      if (step.t > waitedMs && step.survival <= target) return step.t;
    }
    return null;
  }
}
