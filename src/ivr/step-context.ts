import type { PlayResult } from '../call-control/call-control.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import type { CustomerData } from '../customers/customer-data.js';
import type { PasswordGuard } from '../customers/password-guard.js';
import type { Flow } from '../flows/flow-schema.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import type { Need, TierId } from '../routing/types.js';
import type { CallSession, SessionEnd } from './call-session.js';

/** What the transfer step hands the caller to: routing + the ACD (hand-off.ts). */
export type HandOff = (session: CallSession, need: Need | null) => Promise<SessionEnd>;

export interface IvrServices {
  customers: CustomerData;
  passwords: PasswordGuard;
  recorder: CallRecordLog;
  handOff: HandOff;
  /** The greeting prompt of a tier, as the tier policy says at this moment. */
  tierGreeting: (tier: TierId) => string;
  now: () => number;
  /**
   * Multiplies every caller timeout (first key, between keys). 1 in service;
   * tests against a time-compressed simulator use less.
   */
  timeScale?: number;
}

/** A flow's timeout in ms, scaled for time-compressed runs. */
export function scaled(ctx: Pick<DialogueContext, 'timeScale'>, ms: number): number {
  return Math.max(1, Math.round(ms * ctx.timeScale));
}

/** The line a dialogue runs on: an IVR call, or a customer the service called (the survey). */
export type DialogueLine = Pick<CallSession, 'call' | 'log' | 'callerNumber' | 'lang' | 'vars'>;

/** What a dialogue step needs: the line, where it is in the flows, and how it may be stopped. */
export interface DialogueContext {
  readonly session: DialogueLine;
  readonly flow: Flow;
  readonly stepId: string;
  /** Multiplies every caller timeout (see IvrServices.timeScale). */
  readonly timeScale: number;
  /** Aborting ends the prompt or the wait for keys in progress (the call left the queue meanwhile). */
  readonly signal?: AbortSignal;
}

export interface StepContext extends DialogueContext {
  readonly session: CallSession;
  readonly services: IvrServices;
}

/** Plays prompt ids (not media URIs) in the caller's language. */
export function playPrompts(ctx: DialogueContext, ids: readonly string[], bargeIn = true): Promise<PlayResult> {
  return ctx.session.call.play(ids.map(mediaUri), { bargeIn, language: ctx.session.lang, ...(ctx.signal ? { signal: ctx.signal } : {}) });
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
