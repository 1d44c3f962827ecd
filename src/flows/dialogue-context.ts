import type { Logger } from 'pino';
import type { Call, PlayResult } from '../call-control/call-control.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import type { Lang } from '../prompts/spoken.js';
import type { Flow } from './flow-schema.js';

/**
 * The line a dialogue runs on: a caller in the IVR (whose call session has
 * all of these), or a customer the service called (the survey).
 */
export interface DialogueLine {
  readonly call: Call;
  readonly log: Logger;
  readonly callerNumber: string;
  lang: Lang;
  /** Digits kept by steps (`into`), by variable name. */
  vars: Record<string, string>;
}

/** What a step that only needs the line gets: the line, where it is in the flows, and how it may be stopped. */
export interface DialogueContext {
  readonly session: DialogueLine;
  readonly flow: Flow;
  readonly stepId: string;
  /** Multiplies every caller timeout: 1 in service, less against a time-compressed simulator. */
  readonly timeScale: number;
  /** Aborting ends the prompt or the wait for keys in progress (the caller's wait in the queue ended). */
  readonly signal?: AbortSignal;
}

/** How a step ends: on to a target (`step` or `flow:step`), or with the line gone. */
export type LineStepResult = { next: string } | { end: { outcome: 'caller-hangup' } };

export const LINE_GONE: { end: { outcome: 'caller-hangup' } } = { end: { outcome: 'caller-hangup' } };

/** A flow's timeout in ms, scaled for time-compressed runs. */
export function scaled(ctx: Pick<DialogueContext, 'timeScale'>, ms: number): number {
  return Math.max(1, Math.round(ms * ctx.timeScale));
}

/** Plays prompt ids (not media URIs) in the line's language. */
export function playPrompts(ctx: DialogueContext, ids: readonly string[], bargeIn = true): Promise<PlayResult> {
  return ctx.session.call.play(ids.map(mediaUri), { bargeIn, language: ctx.session.lang, ...(ctx.signal ? { signal: ctx.signal } : {}) });
}
