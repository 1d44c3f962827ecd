import type { Call, CallControl } from '../call-control/call-control.js';
import { callerContextOrNull } from '../routing/stored-caller-context.js';
import type { AcdContext } from './acd-context.js';
import { afterTalk } from './agent-after-talk.js';
import { agentVariables } from './agent-variables.js';
import type { CallConnector } from './call-connector.js';
import { LiveCall } from './live-call.js';
import type { CallOperation, QueuedCallRecord } from './redis-acd-store.js';

export interface RecoveryDeps {
  ctx: AcdContext;
  connector: CallConnector;
  watchCaller(live: LiveCall): void;
}

/**
 * Which calls to recover, and where their channels are: by default the calls
 * this instance owns, in its own Stasis app (a restart); for a takeover, the
 * calls moved from a dead instance, adopted through the call control that
 * holds the dead instance's app.
 */
export interface RecoveryScope {
  callIds?: readonly string[];
  callControl?: CallControl;
}

export interface RecoveryReport {
  /** Calls whose caller was still in the Stasis app, back under this instance's control. */
  adopted: string[];
  /** Calls whose caller had gone while the service was down, closed in the call record. */
  closed: string[];
}

/**
 * After a restart, take back the calls this instance owned (same instance id).
 * For each, the caller's channel is looked up in the Stasis app:
 *
 * - waiting: the caller is still there → re-adopted, and keeps its place;
 *   gone → removed from the queue and recorded `abandoned` (stage queue) and
 *   `ended` (outcome abandoned): the caller hung up while waiting.
 * - an agent was reserved or ringing: the ring attempt died with the old
 *   process, so the agent is released without penalty (their phone stops at
 *   its own ring timeout; a leg they answered meanwhile is hung up). A caller
 *   still there goes back to its place in the queue (and is offered the next
 *   free agent at once); a caller gone is recorded `abandoned` (stage ringing
 *   or queue) and `ended`.
 * - bridged: both legs there → watched again until one hangs up. One leg gone
 *   → the other is hung up, the agent goes to wrap-up, and the call is
 *   recorded `agent-ended` and `ended` (handled). The moment the talk ended is
 *   not known; talk time runs to the recovery.
 *
 * Agents in wrap-up or a timed pause need nothing here: their timers are in
 * the shared timetable, which any instance serves.
 */
export async function recoverOwnedCalls(deps: RecoveryDeps, scope: RecoveryScope = {}): Promise<RecoveryReport> {
  const { ctx } = deps;
  const report: RecoveryReport = { adopted: [], closed: [] };
  const records = await ctx.store.getCalls([...(scope.callIds ?? (await ctx.store.ownedCalls()))]);
  const calls = scope.callControl ?? ctx.callControl;
  for (const rec of records) {
    // A call enqueued by this run while the recovery started is not a leftover.
    if (ctx.lives.has(rec.id)) continue;
    try {
      if (await recoverCall(deps, calls, rec)) report.adopted.push(rec.id);
      else report.closed.push(rec.id);
    } catch (err) {
      ctx.logger.error({ err, callId: rec.id }, 'could not recover a queued call');
    }
  }
  if (records.length) ctx.logger.info({ adopted: report.adopted.length, closed: report.closed.length }, 'recovered queued calls');
  return report;
}

async function recoverCall(deps: RecoveryDeps, calls: CallControl, rec: QueuedCallRecord): Promise<boolean> {
  const { ctx, connector } = deps;
  const caller = await calls.adopt(rec.id);
  const callerThere = caller !== null && !caller.gone;
  const live = callerThere ? liveFromRecord(ctx, rec, caller) : null;

  switch (rec.state) {
    case 'waiting':
      if (!live) {
        await connector.abandonOrphan(rec);
        return false;
      }
      ctx.lives.set(rec.id, live);
      deps.watchCaller(live);
      return true;

    case 'reserved':
    case 'ringing': {
      if (rec.leg) {
        const leg = await calls.adopt(rec.leg);
        if (leg) await leg.hangup();
      }
      if (!live) {
        await connector.abandonOrphan(rec);
        return false;
      }
      ctx.lives.set(rec.id, live);
      const requeue: CallOperation = { op: 'requeue', call: rec.id, expect: ['reserved', 'ringing'] };
      if (!rec.agent || !(await connector.offerOfRecord(rec).release('requeue'))) ctx.handleResult(await ctx.store.apply(null, requeue));
      deps.watchCaller(live);
      return true;
    }

    case 'bridged': {
      const agentLeg = rec.leg ? await calls.adopt(rec.leg) : null;
      const agentThere = agentLeg !== null && !agentLeg.gone;
      if (live && agentThere && rec.agent) {
        live.rejoinedBridge();
        live.agentId = rec.agent;
        live.agentCall = agentLeg;
        live.answeredAt = rec.answeredAt ?? ctx.clock.now();
        live.settle({ kind: 'answered', agent: rec.agent, waitMs: live.answeredAt - rec.enqueuedAt });
        ctx.lives.set(rec.id, live);
        deps.watchCaller(live);
        connector.watchAgent(live, agentLeg);
        return true;
      }
      if (caller && !caller.gone) await caller.hangup();
      if (agentLeg && !agentLeg.gone) await agentLeg.hangup();
      const now = ctx.clock.now();
      const talkMs = Math.max(0, now - (rec.answeredAt ?? now));
      const agent = rec.agent ?? '';
      if (agent) await afterTalk(ctx, rec.id, rec.queue, agent, talkMs, now);
      else ctx.handleResult(await ctx.store.apply(null, { op: 'remove', call: rec.id, expect: ['bridged'] }));
      ctx.record(rec.id, { type: 'agent-ended', queue: rec.queue, agent, talkMs }, now);
      ctx.record(rec.id, { type: 'ended', outcome: 'handled', durationMs: now - rec.arrivedAt }, now);
      return false;
    }
  }
}

function liveFromRecord(ctx: AcdContext, rec: QueuedCallRecord, caller: Call): LiveCall {
  const context = callerContextOrNull(rec.context, (problem) => ctx.logger.warn({ callId: rec.id, problem }, 'stored caller context is malformed; the agent is rung without it'));
  const accountId = context?.customer?.accountId ?? null;
  const variables = agentVariables({ callId: rec.id, tier: rec.tier, queue: rec.queue, accountId, reason: rec.reason, campaign: context?.campaign?.id ?? null });
  const live = new LiveCall(rec.id, caller, rec.queue, rec.tier, rec.enqueuedAt, rec.arrivedAt, variables);
  live.overflow = rec.overflow;
  live.overflowRecorded = rec.overflowed;
  return live;
}
