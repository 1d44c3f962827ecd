import type { QueuedCall } from '../acd/call-queue.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import type { Need } from '../routing/types.js';
import type { CallSession, StepResult } from './call-session.js';
import { enqueueCaller, publishQuietly, routeCall, waitForAgent, type HandOffDeps } from './hand-off.js';
import { recordSafely } from './step-context.js';

/** What the caller hears while the agent is already being rung, and the keys that take them elsewhere. */
export interface QueueAtOnceIntro {
  /** Prompt ids: the tier greeting, then a short menu. */
  prompts: readonly string[];
  /** Keys that take the call out of the queue, and where they lead. */
  options: Readonly<Record<string, { next: string; label?: string }>>;
  /** How long a key is still taken after the prompts (already scaled). */
  keyWindowMs: number;
  /** The flow and step, for the call record's menu event. */
  flow: string;
  step: string;
}

export type QueueAtOnce = (session: CallSession, need: Need | null, intro: QueueAtOnceIntro) => Promise<StepResult>;

/**
 * Queues the caller the moment the call is answered, so the ACD reserves and
 * rings an agent while the greeting plays: a caller with agents free talks to
 * one after the agent's ring, not after greeting, menu and announcement.
 *
 * The greeting is cut when the agent answers (joining the bridge stops the
 * caller's prompts). A key of the intro's options, pressed during the prompts
 * or within the key window after them, takes the call out of the queue (an
 * agent being rung is released without penalty: the caller changed their
 * mind, the agent did nothing wrong) and on to the option's target. Once the
 * intro is over the caller waits like any queued caller: music, announcements,
 * the callback offer.
 */
export function createQueueAtOnce(deps: HandOffDeps): QueueAtOnce {
  return async (session, need, intro) => {
    const { call } = session;
    const routed = await routeCall(deps, session, need);
    if (!routed) return { end: { outcome: 'caller-hangup' } };
    const { decision } = routed;
    const enqueued = await enqueueCaller(deps, session, decision, { musicOnHold: false });
    if (enqueued.kind !== 'queued') return { end: enqueued.end };
    const { queued } = enqueued;

    const key = await playIntro(session, queued, intro);
    const option = key === null ? undefined : intro.options[key];
    if (option) {
      // False when the agent answered (or the caller hung up) first: the call stays where it is.
      const left = await queued.leave(option.label ?? `key ${key}`);
      if (left) {
        call.clearKeys();
        await call.stopMoh();
        await publishQuietly(session, { kind: 'left-queue', queue: decision.queue, reason: option.label ?? `key ${key}` });
        session.menuPath.push(`${intro.flow}/${intro.step}:${option.label ?? key}`);
        await recordSafely(deps.recorder, session, { type: 'menu', flow: intro.flow, step: intro.step, choice: key! });
        return { next: option.next };
      }
    } else if (key !== null) {
      session.log.debug({ key }, 'a key with no meaning while queued; ignored');
      call.clearKeys();
    }
    return { end: await waitForAgent(deps, session, queued, decision) };
  };
}

/**
 * Plays the intro with barge-in, then gives the caller the key window with
 * music on hold. Returns the key pressed, or null: none, the call settled
 * (answered, abandoned) or the caller hung up.
 */
async function playIntro(session: CallSession, queued: QueuedCall, intro: QueueAtOnceIntro): Promise<string | null> {
  const { call } = session;
  const settledCtl = new AbortController();
  let settled = false;
  void queued.settled.then(() => {
    settled = true;
    settledCtl.abort();
  });
  const played = await call.play(intro.prompts.map(mediaUri), { bargeIn: true, language: session.lang, signal: settledCtl.signal });
  if (played.kind === 'caller-gone' || settled || call.gone) return null;
  if (played.kind === 'finished') await queued.startMusicOnHold();
  if (settled || call.gone) return null;
  const got = await call.collect({
    maxDigits: 1,
    terminator: null,
    // A key that cut the prompt is already buffered and read at once.
    firstKeyTimeoutMs: Math.max(1, intro.keyWindowMs),
    interKeyTimeoutMs: 1,
    signal: settledCtl.signal,
  });
  if (settled || got.kind !== 'digits') return null;
  if (played.kind === 'interrupted') await queued.startMusicOnHold();
  return got.digits;
}
