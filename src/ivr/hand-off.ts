import type { CallQueue, CallSettlement, QueuedCall } from '../acd/call-queue.js';
import { decideRoute } from '../routing/decide-route.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import type { Need, RouteDecision } from '../routing/types.js';
import { callerContextOf } from '../routing/caller-context-of.js';
import type { CallSession, SessionEnd } from './call-session.js';
import { publishOutcome, type PublishedOutcome } from './outcome-var.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import { recordSafely } from './step-context.js';

/** Keeps the caller company while queued (announcements, callback offer); resolves when the wait is over. */
export type HoldExperience = (session: CallSession, queued: QueuedCall, decision: RouteDecision) => Promise<SessionEnd | null>;

export interface HandOffDeps {
  policy: RoutingPolicy;
  queue: CallQueue;
  recorder: CallRecordLog;
  /** Optional: without it the caller hears music on hold only. */
  hold?: HoldExperience;
  /** Opens a complaint ticket (and tells the caller its deadline) for calls routed to the complaints queue. */
  complaints?: (session: CallSession, decision: RouteDecision) => Promise<unknown>;
  /**
   * Aborted when the service stops: a caller still waiting for an agent is
   * left to whichever instance recovers the call (a restart, or a survivor's
   * takeover) instead of holding the stop up until an agent answers.
   */
  stopping?: AbortSignal;
}

/**
 * The transfer step's target: decide the route from the current routing
 * snapshot (so a supervisor's change reaches the next call, never this one
 * once queued), announce it, and give the call to the ACD with the caller's
 * context. From `queued` on the ACD writes the call's record, including its end.
 */
export function createHandOff(deps: HandOffDeps) {
  return async (session: CallSession, need: Need | null): Promise<SessionEnd> => {
    const { call } = session;
    const routed = await routeCall(deps, session, need);
    if (!routed) return { outcome: 'caller-hangup' };
    const { decision, snapshot } = routed;

    const queuePrompt = snapshot.queues[decision.queue]?.namePrompt ?? 'queue/general';
    const announced = await call.play([mediaUri('route/connecting-to'), mediaUri(queuePrompt)], { bargeIn: false, language: session.lang });
    if (announced.kind === 'caller-gone') return { outcome: 'caller-hangup' };

    const result = await enqueueCaller(deps, session, decision, { musicOnHold: true });
    if (result.kind !== 'queued') return result.end;
    return waitForAgent(deps, session, result.queued, decision);
  };
}

/**
 * Decides the route from the current routing snapshot (so a supervisor's
 * change reaches the next call, never this one once queued), records it, and
 * opens a complaint ticket for the complaints queue. Null: the caller hung up.
 */
export async function routeCall(deps: HandOffDeps, session: CallSession, need: Need | null): Promise<{ decision: RouteDecision; snapshot: RoutingSnapshot } | null> {
  const snapshot = deps.policy.snapshot();
  const decision = decideRoute({
    dialled: session.dialled,
    need,
    tier: session.tier,
    customer: session.customer,
    policy: snapshot,
    transfer: session.transfer,
  });
  session.log.info({ queue: decision.queue, priority: decision.priority, minAgentLevel: decision.minAgentLevel, rules: decision.rules, reason: decision.reason }, 'route decided');
  await recordSafely(deps.recorder, session, {
    type: 'route', queue: decision.queue, skill: decision.skill, priority: decision.priority,
    minAgentLevel: decision.minAgentLevel, rules: decision.rules, reason: decision.reason, tier: decision.tier,
  });
  if (deps.complaints) {
    await deps.complaints(session, decision);
    if (session.call.gone) return null;
  }
  return { decision, snapshot };
}

/** Gives the call to the ACD; a full queue is told to the caller and ends the call. */
export async function enqueueCaller(
  deps: HandOffDeps, session: CallSession, decision: RouteDecision, options: { musicOnHold: boolean },
): Promise<{ kind: 'queued'; queued: QueuedCall } | { kind: 'ended'; end: SessionEnd }> {
  const { call, log } = session;
  const context = callerContextOf(session);
  const result = await deps.queue.enqueue(call, decision, context, { arrivedAt: session.arrivedAt, musicOnHold: options.musicOnHold });
  if (result.kind === 'full') {
    log.warn({ queue: result.queue, waiting: result.waiting }, 'queue full; caller turned away');
    await call.play([mediaUri('hold/queue-full')], { bargeIn: false, language: session.lang });
    await call.hangup('normal');
    return { kind: 'ended', end: { outcome: 'queue-full' } };
  }
  // From here the ACD owns the call and writes its end: nothing below may throw and end it a second time.
  await publishQuietly(session, { kind: 'queued', queue: decision.queue, priority: decision.priority, tier: decision.tier });
  return { kind: 'queued', queued: result };
}

/**
 * Keeps the queued caller company (the hold experience) until the ACD settles
 * the call: answered, abandoned, or taken out by the hold experience (a
 * callback), which then says how the call ends.
 */
export async function waitForAgent(deps: HandOffDeps, session: CallSession, queued: QueuedCall, decision: RouteDecision): Promise<SessionEnd> {
  // Awaited only if the call leaves the queue; a failure meanwhile must not become an unhandled rejection.
  const holdEnd = deps.hold
    ? deps.hold(session, queued, decision).catch((err: unknown) => {
      session.log.error({ err }, 'hold experience failed; the caller keeps waiting with music on hold');
      return null;
    })
    : null;
  const settlement = await settledOrStopping(queued, deps.stopping);
  if (settlement === null) {
    session.log.info({ queue: decision.queue }, 'service stopping: the waiting call is left to its recovery');
    // The ACD's record of the call stays open and its queue entry in place: not closed here.
    return { outcome: 'failed', recorded: true, detached: true };
  }
  if (settlement.kind === 'answered') {
    await publishQuietly(session, { kind: 'agent', agent: settlement.agent, queue: decision.queue, tier: decision.tier, waitMs: settlement.waitMs });
    return { outcome: 'handled', recorded: true };
  }
  if (settlement.kind === 'abandoned') return { outcome: 'abandoned', recorded: true };
  const end = holdEnd ? await holdEnd : null;
  return end ?? { outcome: 'failed' };
}

/** The call's settlement, or null once the service is stopping. */
function settledOrStopping(queued: QueuedCall, stopping: AbortSignal | undefined): Promise<CallSettlement | null> {
  if (!stopping) return queued.settled;
  if (stopping.aborted) return Promise.resolve(null);
  return new Promise((resolve) => {
    const stop = () => resolve(null);
    stopping.addEventListener('abort', stop, { once: true });
    void queued.settled.then((settlement) => {
      stopping.removeEventListener('abort', stop);
      resolve(settlement);
    });
  });
}

/**
 * The outcome published on the caller's channel once the call is queued: it
 * informs whoever watches the channel, so a switch that refuses it is logged
 * and the call goes on (a caller talking to an agent is never cut off for it).
 */
export async function publishQuietly(session: CallSession, outcome: PublishedOutcome): Promise<void> {
  try {
    await publishOutcome(session.call, outcome);
  } catch (err) {
    session.log.warn({ err, outcome: outcome.kind }, 'the call outcome could not be published on the channel');
  }
}
