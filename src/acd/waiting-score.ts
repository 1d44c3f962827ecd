/**
 * How waiting calls are ordered in Redis (the Lua scripts compute the same).
 *
 *   score = agingPerMinute × (enqueuedAt − EPOCH) / 60 000 − priority     (lower first)
 *
 * A call's effective priority (routing/effective-priority.ts) is
 * priority + agingPerMinute × minutes waited, which equals
 * agingPerMinute × (now − EPOCH) / 60 000 − score. Calls of one queue age at
 * the same rate, so their order by score never changes while they wait: a
 * sorted set keeps a queue in order without re-scoring as time passes. Calls of
 * different queues (different rates) are compared at the moment of a decision.
 * EPOCH only keeps the numbers small, for precision.
 */
export const SCORE_EPOCH_MS = Date.UTC(2024, 0, 1);

export function waitingScore(priority: number, agingPerMinute: number, enqueuedAt: number): number {
  return (agingPerMinute * (enqueuedAt - SCORE_EPOCH_MS)) / 60_000 - priority;
}

/** Effective priority at `now` of a call with this score. */
export function effectiveFromScore(score: number, agingPerMinute: number, now: number): number {
  return (agingPerMinute * (now - SCORE_EPOCH_MS)) / 60_000 - score;
}

/** Sorted-set member of a waiting call: equal scores fall back to the oldest call. */
export function waitingMember(enqueuedAt: number, callId: string): string {
  if (!Number.isInteger(enqueuedAt) || enqueuedAt < 0) throw new RangeError(`enqueue time ${enqueuedAt} is not a time in ms`);
  return `${String(enqueuedAt).padStart(15, '0')}:${callId}`;
}

/** The call id inside a waiting member. */
export function callIdOfMember(member: string): string {
  return member.slice(16);
}

/** Fewest-calls order of available agents: calls today first, then longest idle (idleSince < 2^42 ms, year 2109). */
export const CALLS_WEIGHT = 2 ** 42;
