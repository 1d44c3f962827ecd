/**
 * Estimated wait of a queued call, announced to the caller and used for the
 * callback offer.
 *
 *   estimate = position × averageHandleMs / staffedAgents
 *
 * - position: the call's 1-based place among the queue's waiting calls;
 * - staffedAgents: agents logged in with a skill and level that can take the
 *   call (available, reserved, ringing, talking or in wrap-up — paused and
 *   offline agents do not serve the queue);
 * - averageHandleMs: the mean handle time (talk + wrap-up) of the queue's
 *   recent calls, or the default when the queue has no history yet.
 *
 * The staffed agents together finish a call every averageHandleMs /
 * staffedAgents on average, and the caller is reached once `position` calls
 * ahead of and including them have been taken. The estimate errs long rather
 * than short (a caller told 2 minutes who waits 1 is pleased; the reverse is a
 * complaint). With nobody staffed there is no basis for an estimate: null,
 * "unknown", and the IVR says so instead of a number.
 */
export interface EstimatedWaitInput {
  position: number;
  staffedAgents: number;
  /** Recent handle times of the queue in ms (see averageHandleTime). */
  averageHandleMs: number | null;
}

export function estimateWait(input: EstimatedWaitInput): number | null {
  const { position, staffedAgents, averageHandleMs } = input;
  if (!Number.isFinite(position) || position < 0) throw new RangeError(`position must be >= 0, got ${position}`);
  if (!Number.isFinite(staffedAgents) || staffedAgents < 0) throw new RangeError(`staffed agents must be >= 0, got ${staffedAgents}`);
  if (staffedAgents === 0 || averageHandleMs === null) return null;
  if (position === 0) return 0;
  return Math.round((position * averageHandleMs) / staffedAgents);
}

/**
 * Mean of the most recent handle times (newest first), at most `window` of
 * them; `fallbackMs` while there is no history (null: unknown).
 */
export function averageHandleTime(recentMs: readonly number[], window: number, fallbackMs: number | null): number | null {
  const usable = recentMs.slice(0, Math.max(1, window)).filter((ms) => Number.isFinite(ms) && ms >= 0);
  if (!usable.length) return fallbackMs;
  return usable.reduce((sum, ms) => sum + ms, 0) / usable.length;
}
