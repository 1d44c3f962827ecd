import type { CallRecordLog } from '../call-records/call-record-log.js';
import type { CustomerData } from '../customers/customer-data.js';
import type { PasswordGuard } from '../customers/password-guard.js';
import type { DialogueContext } from '../flows/dialogue-context.js';
import type { Need, TierId } from '../routing/types.js';
import type { CallSession, SessionEnd } from './call-session.js';
import type { QueueAtOnce } from './queue-at-once.js';

/** What the transfer step hands the caller to: routing + the ACD (hand-off.ts). */
export type HandOff = (session: CallSession, need: Need | null) => Promise<SessionEnd>;

export interface IvrServices {
  customers: CustomerData;
  passwords: PasswordGuard;
  recorder: CallRecordLog;
  handOff: HandOff;
  /** Queues the caller while the greeting plays (the diamond path). */
  queueAtOnce: QueueAtOnce;
  /** The greeting prompt of a tier, as the tier policy says at this moment. */
  tierGreeting: (tier: TierId) => string;
  /** Said right after a tier's greeting ("calls may be recorded"), or null where nothing is recorded. */
  recordingNotice?: (tier: TierId) => string | null;
  now: () => number;
  /**
   * Multiplies every caller timeout (first key, between keys). 1 in service;
   * tests against a time-compressed simulator use less.
   */
  timeScale?: number;
}

export interface StepContext extends DialogueContext {
  readonly session: CallSession;
  readonly services: IvrServices;
}

type RecordedEvent = Parameters<CallRecordLog['append']>[1];

/** Records an event on the call; a failed write is logged, never allowed to break the call. */
export async function recordSafely(recorder: CallRecordLog, session: CallSession, event: RecordedEvent): Promise<void> {
  try {
    await recorder.append(session.callId, event);
  } catch (err) {
    session.log.error({ err: (err as Error).message, event: event.type }, 'could not write call record');
  }
}

export function record(ctx: Pick<StepContext, 'session' | 'services'>, event: RecordedEvent): Promise<void> {
  return recordSafely(ctx.services.recorder, ctx.session, event);
}

export const CALLER_GONE: { end: SessionEnd } = { end: { outcome: 'caller-hangup' } };
