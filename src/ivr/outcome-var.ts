import type { Call } from '../call-control/call-control.js';

/**
 * Where the call stands, published as a channel variable on the caller's
 * channel. The call tool (and anyone watching the channel, such as a real
 * Asterisk's dialplan or AMI) reads it from ChannelVarset events; it never
 * holds a PIN or a full account number.
 */
export const OUTCOME_VAR = 'HOTLINE_OUTCOME';

export type PublishedOutcome =
  | { kind: 'self-service'; item: 'balance' | 'bill' | 'points' | 'orders' }
  | { kind: 'queued'; queue: string; priority: number; tier: string }
  /** Taken back out of the queue into the IVR (a diamond caller pressing 1 for self-service). */
  | { kind: 'left-queue'; queue: string; reason: string }
  | { kind: 'agent'; agent: string; queue: string; tier: string; waitMs: number }
  | { kind: 'callback'; callbackId: string; deadline: string }
  | { kind: 'hangup'; reason: string };

export async function publishOutcome(call: Call, outcome: PublishedOutcome): Promise<void> {
  await call.setVar(OUTCOME_VAR, JSON.stringify(outcome));
}
