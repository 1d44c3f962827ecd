import { AriError } from '../ari/ari-error.js';
import { HangupCause } from '../ari/models.js';
import type { OriginateResult, SwitchFault } from './call-control.js';

export type UnansweredResult = Exclude<OriginateResult, { kind: 'answered' } | { kind: 'cancelled' } | { kind: 'switch-fault' }>;

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

/**
 * The switch fault an originate request's failure amounts to, or null when
 * Asterisk refused the dial itself (4xx: a bad dial string, an unknown
 * endpoint), which is a failed ring, not a fault of the switch.
 */
export function switchFaultOf(err: unknown): SwitchFault | null {
  if (!(err instanceof AriError)) return 'connection';
  // Asterisk's 500 "Allocation failed": no channel could be made for this dial
  // string (unknown technology or endpoint). It is about the callee's address,
  // and trying again would fail the same way.
  if (err.ariStatus === 500 && /allocation failed/i.test(err.ariMessage)) return null;
  switch (err.code) {
    case 'ari-timeout': return 'timeout';
    case 'ari-connection-lost':
    case 'ari-unreachable': return 'connection';
    case 'ari-not-ready': return 'not-ready';
    case 'ari-server-error':
    case 'ari-bad-response': return 'server-error';
    default: return null;
  }
}
