import type { QueuedCall } from '../acd/call-queue.js';
import type { Call } from '../call-control/call-control.js';
import { CALLBACK_NUMBER_VAR, CALLBACK_TO_CALLER_NUMBER, CALLBACK_TO_ENTERED_NUMBER } from '../flows/callback-offer-flow.js';
import { dialogueFlows } from '../flows/all-flows.js';
import { runDialogue } from '../flows/run-dialogue.js';
import { validateFlows, type FlowSet } from '../flows/validate-flows.js';
import { placeInQueueIds } from '../prompts/place-in-queue.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import { sayDuration } from '../prompts/say-duration.js';
import type { Lang } from '../prompts/spoken.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { RouteDecision } from '../routing/types.js';
import type { CallSession, SessionEnd } from './call-session.js';
import { publishOutcome } from './outcome-var.js';
import { recordSafely } from './step-context.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import { systemClock, type Clock } from '../time/clock.js';

/** The dialogue flow a waiting caller hears when offered a callback. */
const CALLBACK_OFFER_FLOW = 'callback-offer';

/** The key a waiting caller presses to ask for a callback (said in hold/press-for-callback). */
export const CALLBACK_KEY = '5';

/** Books a callback that keeps the caller's place (src/callbacks). */
export interface CallbackBooking {
  book(request: {
    session: CallSession;
    queued: QueuedCall;
    decision: RouteDecision;
    number: string;
  }): Promise<{ callbackId: string; deadline: Date }>;
}

export interface HoldExperienceDeps {
  policy: RoutingPolicy;
  recorder: CallRecordLog;
  /** Without it no callback is offered and the callback key is ignored. */
  callbacks?: CallbackBooking;
  /**
   * The flows holding the callback offer dialogue: the service passes the set
   * it validated at start-up against the prompt manifest. Without it, the
   * shipped dialogues, checked for shape and targets only.
   */
  flows?: FlowSet;
  /** The time and the timer between announcements. */
  clock?: Clock;
  /** Multiplies intervals and caller timeouts (tests against a time-compressed simulator). */
  timeScale?: number;
}

/**
 * Keeps a queued caller company: music on hold (started by the ACD), position
 * and estimated wait at the tier's interval, the callback offer once the
 * estimated wait passes the tier's threshold, and the callback key at any
 * time. Stops the moment the ACD settles the call, and leaves the caller's
 * channel as the ACD expects (music on hold stopped once answered).
 */
export function createHoldExperience(deps: HoldExperienceDeps) {
  const clock = deps.clock ?? systemClock;
  const flows = deps.flows ?? validateFlows(dialogueFlows, { has: () => true });
  const now = () => clock.now();
  const scale = (ms: number) => Math.max(1, Math.round(ms * (deps.timeScale ?? 1)));
  return async (session: CallSession, queued: QueuedCall, decision: RouteDecision): Promise<SessionEnd | null> => {
    const { call } = session;
    const tierPolicy = deps.policy.snapshot().tiers[decision.tier];
    const queueSettings = deps.policy.snapshot().queues[decision.queue];
    const intervalMs = scale(tierPolicy.holdAnnouncementIntervalSec * 1000);
    const offerThresholdMs = tierPolicy.callbackOfferThresholdSec * 1000;

    const settledCtl = new AbortController();
    let settled = false;
    void queued.settled.then(() => { settled = true; settledCtl.abort(); });

    let offered = false;
    let nextAnnouncement = now() + Math.min(intervalMs, scale(15_000));
    const lang = session.lang;

    // Keys pressed while waiting: the callback key asks for a callback.
    let keyPressed: (() => void) | null = null;
    let wantsCallback = false;
    const offKey = call.on((event) => {
      if (event.type === 'key' && event.digit === CALLBACK_KEY && deps.callbacks) {
        wantsCallback = true;
        keyPressed?.();
      }
    });

    try {
      for (;;) {
        if (settled || call.gone) return null;
        if (wantsCallback) {
          const end = await offerCallback(session, queued, decision, deps, flows, lang, settledCtl.signal);
          if (end) return end;
          wantsCallback = false;
          continue;
        }
        const status = await queued.status();
        if (!status || settled) return null;

        if (!offered && deps.callbacks && status.estimatedWaitMs !== null && status.estimatedWaitMs > offerThresholdMs) {
          offered = true;
          const end = await offerCallback(session, queued, decision, deps, flows, lang, settledCtl.signal);
          if (end) return end;
          continue;
        }

        if (now() >= nextAnnouncement) {
          nextAnnouncement = now() + intervalMs;
          const ids: string[] = [];
          if (queueSettings?.announce.position && status.position > 0) {
            ids.push(...placeInQueueIds(status.position, lang));
          }
          if (queueSettings?.announce.estimatedWait && status.estimatedWaitMs !== null) {
            ids.push('hold/estimated-wait', ...sayDuration(Math.round(status.estimatedWaitMs / 1000), lang, { precision: 'minute' }).ids);
          }
          ids.push('hold/thanks-for-waiting');
          if (deps.callbacks) ids.push('hold/press-for-callback');
          await announce(call, queued, ids, lang, settledCtl.signal, () => settled);
          continue;
        }
        // Wait for the next announcement, a key, or the end of the wait.
        await new Promise<void>((resolve) => {
          const timer = clock.setTimeout(resolve, Math.max(0, nextAnnouncement - now()));
          const wake = () => { clock.clearTimeout(timer); resolve(); };
          keyPressed = wake;
          settledCtl.signal.addEventListener('abort', wake, { once: true });
          void call.ended.then(wake);
        });
        keyPressed = null;
      }
    } finally {
      offKey();
      keyPressed = null;
    }
  };
}

/** Plays over the hold music: pause it, speak, resume unless the wait ended meanwhile. */
async function announce(call: Call, queued: QueuedCall, ids: string[], lang: Lang, signal: AbortSignal, isSettled: () => boolean): Promise<void> {
  if (isSettled()) return;
  await call.stopMoh();
  await call.play(ids.map(mediaUri), { bargeIn: false, language: lang, signal });
  if (!isSettled() && !call.gone) await queued.startMusicOnHold();
}

/**
 * The callback dialogue (the `callback-offer` flow): this number, another
 * number entered and confirmed, or keep waiting. On success the call leaves
 * the queue with its place kept by the callback.
 */
async function offerCallback(
  session: CallSession, queued: QueuedCall, decision: RouteDecision, deps: HoldExperienceDeps, flows: FlowSet,
  lang: Lang, signal: AbortSignal,
): Promise<SessionEnd | null> {
  const { call } = session;
  if (signal.aborted) return null;
  await call.stopMoh();
  const resume = async () => { if (!signal.aborted && !call.gone) await queued.startMusicOnHold(); return null; };

  call.clearKeys();
  const dialogue = await runDialogue(session, flows, { flow: CALLBACK_OFFER_FLOW }, { timeScale: deps.timeScale ?? 1, signal });
  if (dialogue.kind !== 'done') return resume();
  let number: string;
  if (dialogue.result === CALLBACK_TO_CALLER_NUMBER) number = session.callerNumber;
  else if (dialogue.result === CALLBACK_TO_ENTERED_NUMBER && session.vars[CALLBACK_NUMBER_VAR]) number = session.vars[CALLBACK_NUMBER_VAR];
  else return resume();
  if (signal.aborted || call.gone) return null;

  // Leave the queue first: if an agent was reserved meanwhile, the caller stays for the agent.
  const left = await queued.leave('callback');
  if (!left) return null;
  let booking: { callbackId: string; deadline: Date };
  try {
    booking = await deps.callbacks!.book({ session, queued, decision, number });
  } catch (err) {
    // The caller has left the queue and nothing could be booked (Redis down):
    // say so rather than promise a call that will not come.
    session.log.error({ err }, 'callback could not be booked');
    await call.play([mediaUri('common/service-unavailable'), mediaUri('common/goodbye')], { bargeIn: false, language: lang });
    await call.hangup('normal');
    return { outcome: 'failed' };
  }
  await recordSafely(deps.recorder, session, { type: 'callback-requested', queue: decision.queue, callbackId: booking.callbackId, tier: decision.tier });
  await publishOutcome(call, { kind: 'callback', callbackId: booking.callbackId, deadline: booking.deadline.toISOString() });
  await call.play([mediaUri('cb/confirmed'), mediaUri('common/goodbye')], { bargeIn: false, language: lang });
  await call.hangup('normal');
  return { outcome: 'callback' };
}
