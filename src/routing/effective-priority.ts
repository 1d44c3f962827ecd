/**
 * Rule 5, aging: a waiting call's priority grows linearly with its wait, so a
 * lower tier is never held forever behind a stream of higher tiers.
 *
 *   effective = basePriority + agingPerMinute × waitedMs / 60 000
 *
 * With the shipped defaults (gold 80, standard 20, aging 10 a minute) a
 * standard call that has waited more than 6 minutes is ahead of a gold call
 * that has just arrived. Aging is continuous (no steps), and a negative wait
 * (clocks of two instances slightly apart) counts as no wait.
 */
export function effectivePriority(basePriority: number, agingPerMinute: number, waitedMs: number): number {
  assertFinite(basePriority, agingPerMinute, waitedMs);
  return basePriority + (agingPerMinute * Math.max(0, waitedMs)) / 60_000;
}

/**
 * A time-independent key that orders the calls of one queue exactly as their
 * effective priorities do at any moment (higher key first).
 *
 * All calls of a queue age at the same rate, so the difference between two
 * effective priorities does not change while both wait: the order is fixed
 * when a call joins. The ACD can therefore keep a queue sorted once (e.g. a
 * Redis sorted set) instead of re-scoring every waiting call as time passes.
 * When a queue's aging rate is changed, keys of calls already waiting keep the
 * old rate; new calls use the new one.
 */
export function queueRank(basePriority: number, agingPerMinute: number, enqueuedAtMs: number): number {
  assertFinite(basePriority, agingPerMinute, enqueuedAtMs);
  return basePriority - (agingPerMinute * enqueuedAtMs) / 60_000;
}

function assertFinite(...values: number[]): void {
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`priority inputs must be finite numbers, got ${value}`);
  }
}
