import { HangupCause } from '../ari/models.js';
import type { OriginateResult } from './call-control.js';

export type UnansweredResult = Exclude<OriginateResult, { kind: 'answered' } | { kind: 'cancelled' }>;

/**
 * What an originated leg that never entered Stasis amounts to, from the
 * ChannelDestroyed cause (Q.850) and, when the cause says little, the last
 * Dial status: 17 busy; 18/19 no answer (ringing timed out); anything else
 * (20 absent, 3 no route, 21 rejected, 34 congestion...) failed.
 */
export function originateOutcome(cause: number | null, dialStatus: string | null, causeText = ''): UnansweredResult {
  if (cause === HangupCause.UserBusy || (isVague(cause) && dialStatus === 'BUSY')) {
    return { kind: 'busy', cause: HangupCause.UserBusy };
  }
  if (cause === HangupCause.NoUserResponse || cause === HangupCause.NoAnswer) {
    return { kind: 'no-answer', cause };
  }
  if (isVague(cause) && dialStatus === 'NOANSWER') {
    return { kind: 'no-answer', cause: HangupCause.NoAnswer };
  }
  const parts = [cause === null ? '' : `cause ${cause}`, causeText, dialStatus ? `dial status ${dialStatus}` : ''].filter(Boolean);
  return { kind: 'failed', cause, message: `not answered${parts.length ? ` (${parts.join(', ')})` : ''}` };
}

/** Causes that do not tell why a leg was never answered. */
function isVague(cause: number | null): boolean {
  return cause === null || cause === 0 || cause === HangupCause.NormalClearing || cause === HangupCause.NormalUnspecified;
}
