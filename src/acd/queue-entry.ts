import type { Call } from '../call-control/call-control.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { serializeCallerContext } from '../routing/stored-caller-context.js';
import type { CallerContext, RouteDecision } from '../routing/types.js';
import type { AcdContext, AcdQueueSettings } from './acd-context.js';
import { CallAlreadyQueuedError } from './acd-errors.js';
import type { AcdEvents } from './acd-events.js';
import { agentVariables } from './agent-variables.js';
import type { CallConnector } from './call-connector.js';
import type { EnqueueOptions, EnqueueResult, QueuedCall, WaitStatus } from './call-queue.js';
import { checkDecision } from './check-decision.js';
import { LiveCall } from './live-call.js';
import type { QueuedCallRecord, ScriptResult } from './redis-acd-store.js';
import { waitingMember } from './waiting-score.js';

export interface QueueEntryDeps {
  ctx: AcdContext;
  connector: CallConnector;
  events: AcdEvents;
  queues: () => Readonly<Record<string, Readonly<AcdQueueSettings>>>;
  /** Whether the ACD is started (not stopped). */
  running: () => boolean;
  status: (callId: string) => Promise<WaitStatus | null>;
}

/**
 * A caller's way into a queue and out of it: enqueue, leave, and the
 * caller's hang-up, each handed to the local flow driving the call at the
 * time (waiting, being offered, bridged).
 */
export class QueueEntry {
  private readonly ctx: AcdContext;

  constructor(private readonly deps: QueueEntryDeps) {
    this.ctx = deps.ctx;
  }

  /** See Acd.enqueue. */
  async enqueue(call: Call, decision: RouteDecision, context: CallerContext, options: EnqueueOptions = {}): Promise<EnqueueResult> {
    const { ctx } = this;
    if (!this.deps.running()) throw new Error('the ACD is not started');
    const settings = this.deps.queues()[decision.queue];
    if (!settings) throw new NotFoundError('queue', decision.queue);
    checkDecision(decision);
    if (ctx.lives.has(call.id)) throw new CallAlreadyQueuedError(call.id);
    const now = Math.floor(ctx.clock.now());
    const live = new LiveCall(call.id, call, decision.queue, decision.tier, now, options.arrivedAt ?? now, agentVariables({ callId: call.id, tier: decision.tier, queue: decision.queue, accountId: context.customer?.accountId ?? null, reason: decision.reason, campaign: context.campaign?.id ?? null }));
    const record: QueuedCallRecord = {
      id: call.id,
      queue: decision.queue,
      skill: decision.skill,
      minLevel: decision.minAgentLevel,
      priority: decision.priority,
      preferHighestLevel: decision.preferHighestLevel,
      overflow: decision.overflow,
      overflowed: false,
      enqueuedAt: now,
      arrivedAt: live.arrivedAt,
      state: 'waiting',
      agent: null,
      owner: ctx.store.instanceId,
      member: waitingMember(now, call.id),
      tier: decision.tier,
      callerNumber: call.callerNumber,
      context: serializeCallerContext(context),
      reason: decision.reason,
      leg: null,
      bridge: null,
      offeredAt: null,
      answeredAt: null,
      virtual: false,
    };
    live.overflow = decision.overflow;
    ctx.lives.set(call.id, live);
    let result: ScriptResult;
    try {
      result = await ctx.store.enqueue(record, settings.maxWaiting);
    } catch (err) {
      ctx.lives.delete(call.id);
      throw err;
    }
    if (result.status === 'exists') {
      ctx.lives.delete(call.id);
      throw new CallAlreadyQueuedError(call.id);
    }
    if (result.status === 'full') {
      ctx.lives.delete(call.id);
      return { kind: 'full', queue: decision.queue, waiting: result.waiting ?? settings.maxWaiting, maxWaiting: settings.maxWaiting };
    }
    const position = result.position ?? 0;
    // In call order: queued is written before anything the reservation below leads to.
    ctx.record(call.id, { type: 'queued', queue: decision.queue, tier: decision.tier, priority: decision.priority, position }, now);
    this.deps.events.emit(live, { type: 'queued', callId: call.id, queue: decision.queue, position });
    ctx.handleResult(result);
    if (options.musicOnHold !== false) {
      live.moh = call.startMoh().catch((err: unknown) => ctx.logger.warn({ err, callId: call.id }, 'music on hold did not start'));
    }
    this.watchCaller(live);
    // The call is queued and its end is the ACD's to write: an estimate that cannot be read is unknown, not a failure.
    const estimatedWaitMs = position > 0
      ? ((await this.deps.status(call.id).catch((err: unknown) => {
        ctx.logger.warn({ err, callId: call.id }, 'could not estimate the wait of a queued call');
        return null;
      }))?.estimatedWaitMs ?? null)
      : 0;
    return this.handle(live, decision.priority, position, estimatedWaitMs);
  }

  /** Hands the caller's hang-up to the flow driving the call (also for calls recovered after a restart). */
  watchCaller(live: LiveCall): void {
    const stop = live.call.on((event) => {
      if (event.type === 'hangup' || event.type === 'end') this.callerGone(live);
    });
    live.addCleanup(stop);
    if (live.call.gone) this.callerGone(live);
  }

  private handle(live: LiveCall, priority: number, position: number, estimatedWaitMs: number | null): QueuedCall {
    return {
      kind: 'queued',
      callId: live.id,
      queue: live.queue,
      position,
      estimatedWaitMs,
      enqueuedAt: live.enqueuedAt,
      priority,
      settled: live.settled,
      status: () => this.deps.status(live.id),
      leave: (reason) => this.leave(live, reason),
      startMusicOnHold: () => this.startMusicOnHold(live),
      onEvent: (listener) => live.onEvent(listener),
    };
  }

  private startMusicOnHold(live: LiveCall): Promise<void> {
    if (live.connecting || live.callerGone || live.phase === 'bridged' || live.phase === 'done') return Promise.resolve();
    live.moh = live.call.startMoh().catch((err: unknown) => this.deps.ctx.logger.warn({ err, callId: live.id }, 'music on hold did not start again'));
    return live.moh;
  }

  private async leave(live: LiveCall, reason: string): Promise<boolean> {
    if (typeof reason !== 'string' || !reason.trim()) throw new ValidationError('reason: say why the call leaves the queue', { field: 'reason' });
    if (live.phase === 'done' || live.phase === 'bridged' || live.callerGone) return false;
    live.leaving ??= reason.trim();
    if (live.phase === 'offering') {
      live.offer?.abort.abort();
      await live.offer?.done;
    } else {
      await this.deps.connector.finishUnserved(live);
    }
    return live.settlement?.kind === 'removed';
  }

  private callerGone(live: LiveCall): void {
    if (live.callerGone) return;
    live.callerGone = true;
    switch (live.phase) {
      case 'offering':
        live.offer?.abort.abort();
        return;
      case 'bridged':
        void this.deps.connector.endBridged(live, 'caller');
        return;
      case 'waiting':
        void this.deps.connector.finishUnserved(live);
        return;
      case 'done':
        return;
    }
  }
}
