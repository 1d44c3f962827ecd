import { randomUUID } from 'node:crypto';
import type { Call, OriginateResult } from '../call-control/call-control.js';
import type { AcdContext } from './acd-context.js';
import { IllegalAgentTransitionError } from './acd-errors.js';
import { SELF_ENDING_PAUSES, type RefusalResult } from './agent-state.js';
import type { LiveCall } from './live-call.js';
import { TRANSFER_VARIABLE } from './acd-event.js';
import type { QueuedCallRecord, Reservation } from './redis-acd-store.js';

export interface CallConnectorOptions {
  /** How long a busy phone or a failed dial keeps the agent paused before they are offered calls again. */
  busyPauseMs: number;
}

/**
 * Connects reserved agents to callers, and finishes calls:
 *
 * - ring the agent (originate with the caller's number and context variables,
 *   the queue's ring timeout); on answer bridge the two and stop the hold music;
 * - no answer: the agent is paused "no answer" and the call goes back to its
 *   place at the head of the queue (original enqueue time and priority), where
 *   the same script offers it to the next free agent at once;
 * - busy: the agent is paused "busy" for busyPauseMs (a phone in use for
 *   another line is transient), and the call goes to the next agent;
 * - unreachable (the switch gave a cause): paused "unreachable" until the agent
 *   or a supervisor sets ready — the phone is not registered, and offering it
 *   more calls would only delay callers; a failed dial request (no cause, e.g.
 *   the switch connection dropped) pauses "dial failed" for busyPauseMs;
 * - the caller hangs up (or the call is taken out) while the agent rings: the
 *   agent's leg is hung up and the agent released without penalty, keeping
 *   their place in the idle order;
 * - either side hangs up while bridged: the other leg is hung up, the agent
 *   goes to wrap-up for the queue's wrapUpSec, then is available again (which
 *   offers them the next call).
 */
export class CallConnector {
  constructor(private readonly ctx: AcdContext, private readonly options: CallConnectorOptions) {}

  /** Ring the agent reserved for the call. The originate request leaves before this returns. */
  offer(live: LiveCall, reservation: Reservation): void {
    const abort = new AbortController();
    let finished!: () => void;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    live.phase = 'offering';
    live.offer = { agent: reservation.agent, abort, done };
    live.agentId = reservation.agent;
    const leg = randomUUID();
    const originate = this.ctx.callControl.originate({
      endpoint: reservation.dial,
      callerId: live.callerNumber || undefined,
      timeoutSec: this.ctx.settings(live.queue).ringTimeoutSec,
      variables: live.variables,
      signal: abort.signal,
      channelId: leg,
    });
    this.runOffer(live, reservation.agent, leg, originate)
      .catch((err: unknown) => this.ctx.logger.error({ err, callId: live.id, agent: reservation.agent }, 'offering a call to an agent failed'))
      .finally(() => {
        if (live.offer?.abort === abort) live.offer = null;
        finished();
      });
  }

  /** Either side of a bridged call hung up. */
  async endBridged(live: LiveCall, by: 'caller' | 'agent' | 'system'): Promise<void> {
    if (live.phase !== 'bridged') return;
    live.phase = 'done';
    const { ctx } = this;
    const agent = live.agentId!;
    const endedAt = ctx.clock.now();
    const talkMs = Math.max(0, endedAt - (live.answeredAt ?? endedAt));
    const other = by === 'agent' ? live.call : live.agentCall;
    void other?.hangup().catch(() => {});
    void live.bridge?.destroy().catch(() => {});
    await this.afterTalk(live.id, live.queue, agent, talkMs, endedAt);
    ctx.record(live.id, { type: 'agent-ended', queue: live.queue, agent, talkMs }, endedAt);
    ctx.record(live.id, { type: 'ended', outcome: 'handled', durationMs: endedAt - live.arrivedAt }, endedAt);
    ctx.emit(live, { type: 'ended', callId: live.id, queue: live.queue, agent, talkMs, by, tier: live.tier, callerNumber: live.callerNumber, virtual: false });
    this.forget(live);
  }

  /**
   * A blind transfer of a bridged call (DESIGN §3 rule 3): the agent's leg is
   * hung up and the agent goes to wrap-up as after any call, while the caller
   * stays in our Stasis app, out of the bridge, for the service to route again
   * with the context the call came with. The call's `ended` is not written
   * here: the call goes on.
   */
  async releaseForTransfer(live: LiveCall, toQueue: string, by: string): Promise<TransferRelease | null> {
    if (live.phase !== 'bridged' || live.callerGone) return null;
    live.phase = 'done';
    const { ctx } = this;
    const agent = live.agentId!;
    const rec = await ctx.store.getCall(live.id);
    const endedAt = ctx.clock.now();
    const talkMs = Math.max(0, endedAt - (live.answeredAt ?? endedAt));
    // Out of the bridge first, so the agent's hang-up does not reach the caller.
    await live.bridge?.remove(live.call).catch(() => {});
    void live.agentCall?.hangup().catch(() => {});
    void live.bridge?.destroy().catch(() => {});
    await this.afterTalk(live.id, live.queue, agent, talkMs, endedAt);
    ctx.record(live.id, { type: 'agent-ended', queue: live.queue, agent, talkMs }, endedAt);
    ctx.record(live.id, { type: 'transferred', fromQueue: live.queue, toQueue, by }, endedAt);
    ctx.emit(live, { type: 'ended', callId: live.id, queue: live.queue, agent, talkMs, by: 'system', tier: live.tier, callerNumber: live.callerNumber, virtual: false });
    this.forget(live);
    return {
      call: live.call,
      fromQueue: live.queue,
      fromAgent: agent,
      arrivedAt: live.arrivedAt,
      context: rec?.context ?? '{}',
    };
  }

  /**
   * The agent is done talking: wrap-up for the queue's time (then available via
   * the shared timetable), the call record removed and its handle time kept
   * for the estimated wait. False when the call had already been finished.
   */
  async afterTalk(callId: string, queue: string, agent: string, talkMs: number, endedAt: number): Promise<boolean> {
    const { ctx } = this;
    const wrapMs = ctx.settings(queue).wrapUpSec * 1000;
    try {
      const outcome = await ctx.updater.command(agent, { type: 'hangup', talkMs }, {
        call: () => ({ op: 'remove', call: callId, expect: ['bridged'], agent, handleMs: talkMs + wrapMs }),
        timer: (next) => (next.state === 'wrap-up' && wrapMs > 0 ? { member: `w:${agent}`, at: endedAt + wrapMs } : null),
      });
      if (outcome.kind === 'call-changed') {
        ctx.logger.warn({ callId, agent }, 'bridged call was already finished');
        return false;
      }
      if (wrapMs === 0) await this.wrapUpDone(agent);
      return true;
    } catch (err) {
      ctx.logger.error({ err, callId, agent }, 'could not put the agent in wrap-up; removing the call');
      const result = await ctx.store.apply(null, { op: 'remove', call: callId, expect: ['bridged'] });
      ctx.handleResult(result);
      return result.status === 'ok';
    }
  }

  /** End of wrap-up: available (or the pause/logout asked for during the call). */
  async wrapUpDone(agent: string): Promise<boolean> {
    try {
      await this.ctx.updater.command(agent, { type: 'wrap-up-done' });
      return true;
    } catch (err) {
      if (err instanceof IllegalAgentTransitionError) return false;
      throw err;
    }
  }

  /**
   * Finish a call of ours that is not being offered or talked to, after the
   * caller hung up or a `leave`: whatever state Redis has it in, take it out
   * (releasing an agent reserved for it by another instance) and close its
   * record. Runs once per call however many triggers ask.
   */
  finishUnserved(live: LiveCall): Promise<void> {
    live.finishing ??= this.runFinishUnserved(live)
      .catch((err: unknown) => {
        this.ctx.logger.error({ err, callId: live.id }, 'finishing a queued call failed');
      })
      .finally(() => {
        // Handed over to the offer flow (or failed): a later trigger must run it again.
        if (live.phase !== 'done') live.finishing = null;
      });
    return live.finishing;
  }

  /**
   * A call whose caller this instance cannot reach (it restarted and the
   * channel is gone, or the call was never ours to ring): out of the queue,
   * its agent released without penalty, recorded as abandoned.
   */
  async abandonOrphan(rec: QueuedCallRecord): Promise<boolean> {
    const { ctx } = this;
    const now = ctx.clock.now();
    let removed = false;
    if (rec.state === 'waiting') {
      const result = await ctx.store.apply(null, { op: 'remove', call: rec.id, expect: ['waiting'] });
      ctx.handleResult(result);
      removed = result.status === 'ok';
    } else if ((rec.state === 'reserved' || rec.state === 'ringing') && rec.agent) {
      removed = await this.releaseAgentAndRemove(rec.id, rec.agent);
    }
    if (removed) {
      const stage = rec.state === 'ringing' ? 'ringing' : 'queue';
      ctx.record(rec.id, { type: 'abandoned', queue: rec.queue, tier: rec.tier, waitMs: now - rec.enqueuedAt, stage }, now);
      ctx.record(rec.id, { type: 'ended', outcome: 'abandoned', durationMs: now - rec.arrivedAt }, now);
    }
    return removed;
  }

  private async runOffer(live: LiveCall, agent: string, leg: string, originate: Promise<OriginateResult>): Promise<void> {
    const { ctx } = this;
    ctx.emit(live, { type: 'assigned', callId: live.id, queue: live.queue, agent });
    ctx.record(live.id, { type: 'offered', queue: live.queue, agent });
    let rung = false;
    try {
      const ring = await ctx.updater.command(agent, { type: 'ring' }, {
        call: () => ({ op: 'ring', call: live.id, expect: ['reserved'], agent, leg }),
      });
      rung = ring.kind === 'ok';
    } catch (err) {
      ctx.logger.error({ err, callId: live.id, agent }, 'could not mark the agent ringing');
    }
    if (!rung) {
      // Only this instance touches a call it owns once an agent is reserved,
      // so this means the records disagree: stop ringing, put the call back.
      live.offer?.abort.abort();
      const result = await originate;
      if (result.kind === 'answered') void result.call.hangup().catch(() => {});
      live.phase = 'waiting';
      ctx.handleResult(await ctx.store.apply(null, { op: 'requeue', call: live.id, expect: ['reserved', 'ringing'] }));
      this.checkGone(live);
      return;
    }
    ctx.emit(live, { type: 'ringing', callId: live.id, queue: live.queue, agent });

    const result = await originate;
    if (live.callerGone || live.leaving !== null) {
      if (result.kind === 'answered') void result.call.hangup().catch(() => {});
      await this.releaseDuringOffer(live, agent);
      return;
    }
    switch (result.kind) {
      case 'answered':
        await this.connect(live, agent, result.call);
        return;
      case 'no-answer':
        await this.refused(live, agent, 'no-answer');
        return;
      case 'busy':
        await this.refused(live, agent, 'busy');
        return;
      case 'failed':
        ctx.logger.warn({ callId: live.id, agent, cause: result.cause, message: result.message }, 'agent could not be rung');
        await this.refused(live, agent, result.cause === null ? 'failed' : 'unreachable');
        return;
      case 'cancelled':
        // Aborted with neither hang-up nor leave: the service is stopping.
        // The agent did nothing wrong; the call goes back to its place.
        live.phase = 'waiting';
        await ctx.updater.command(agent, { type: 'release' }, {
          call: () => ({ op: 'requeue', call: live.id, expect: ['ringing', 'reserved'], agent }),
        });
        this.checkGone(live);
        return;
    }
  }

  private async connect(live: LiveCall, agent: string, agentCall: Call): Promise<void> {
    const { ctx } = this;
    const answeredAt = ctx.clock.now();
    let bridge;
    try {
      bridge = await ctx.callControl.createBridge(`acd-${live.id}`);
      await live.moh;
      await live.call.stopMoh();
      await bridge.add(live.call);
      await bridge.add(agentCall);
    } catch (err) {
      ctx.logger.error({ err, callId: live.id, agent }, 'could not bridge the caller and the agent');
      void agentCall.hangup().catch(() => {});
      void bridge?.destroy().catch(() => {});
      if (live.callerGone || live.leaving !== null) {
        await this.releaseDuringOffer(live, agent);
      } else {
        live.phase = 'waiting';
        await ctx.updater.command(agent, { type: 'release' }, {
          call: () => ({ op: 'requeue', call: live.id, expect: ['ringing'], agent }),
        });
        this.checkGone(live);
      }
      return;
    }
    if (live.callerGone || live.leaving !== null) {
      void agentCall.hangup().catch(() => {});
      void bridge.destroy().catch(() => {});
      await this.releaseDuringOffer(live, agent);
      return;
    }
    const outcome = await ctx.updater.command(agent, { type: 'answer' }, {
      call: () => ({ op: 'answer', call: live.id, expect: ['ringing'], agent, bridge: bridge.id }),
    });
    if (outcome.kind === 'call-changed') {
      ctx.logger.error({ callId: live.id, agent }, 'answered call is no longer ringing this agent; hanging up the agent');
      void agentCall.hangup().catch(() => {});
      void bridge.destroy().catch(() => {});
      return;
    }
    live.phase = 'bridged';
    live.agentCall = agentCall;
    live.bridge = bridge;
    live.answeredAt = answeredAt;
    const waitMs = answeredAt - live.enqueuedAt;
    ctx.record(live.id, { type: 'answered', queue: live.queue, agent, tier: live.tier, waitMs }, answeredAt);
    live.settle({ kind: 'answered', agent, waitMs });
    ctx.emit(live, { type: 'answered', callId: live.id, queue: live.queue, agent, waitMs });
    // An agent who hangs up the moment they answer ends the call like any other hang-up.
    this.watchAgent(live, agentCall);
    if (live.callerGone) await this.endBridged(live, 'caller');
  }

  /** Re-attach to a bridged call found after a restart. */
  watchAgent(live: LiveCall, agentCall: Call): void {
    const stop = agentCall.on((event) => {
      if (event.type === 'hangup' || event.type === 'end') void this.endBridged(live, 'agent');
      if (event.type === 'var' && event.name === TRANSFER_VARIABLE && event.value.trim() !== '' && live.phase === 'bridged') {
        this.ctx.report({ type: 'transfer-requested', callId: live.id, queue: live.queue, agent: live.agentId!, toQueue: event.value.trim() });
      }
    });
    live.addCleanup(stop);
    if (agentCall.gone) void this.endBridged(live, 'agent');
  }

  private async refused(live: LiveCall, agent: string, result: RefusalResult): Promise<void> {
    const { ctx } = this;
    const now = ctx.clock.now();
    live.phase = 'waiting';
    live.agentId = null;
    // Recorded first: the requeue below may offer the call to the next agent at once.
    ctx.record(live.id, result === 'no-answer'
      ? { type: 'agent-no-answer', queue: live.queue, agent }
      : { type: 'agent-unavailable', queue: live.queue, agent, result }, now);
    ctx.emit(live, { type: 'no-answer', callId: live.id, queue: live.queue, agent, result: result === 'failed' ? 'unreachable' : result });
    await ctx.updater.command(agent, { type: 'refuse', result }, {
      call: () => ({ op: 'requeue', call: live.id, expect: ['ringing', 'reserved'], agent }),
      timer: (next) =>
        next.state === 'paused' && next.pauseReason !== null && SELF_ENDING_PAUSES.has(next.pauseReason)
          ? { member: `u:${agent}`, at: now + this.options.busyPauseMs }
          : null,
    });
    this.checkGone(live);
  }

  /** The caller left (or the call was taken out) while an agent was being offered it. */
  private async releaseDuringOffer(live: LiveCall, agent: string): Promise<void> {
    if (await this.releaseAgentAndRemove(live.id, agent)) {
      this.closeUnserved(live, 'ringing');
    } else {
      live.phase = 'waiting';
      await this.finishUnserved(live);
    }
  }

  /** Agent back to available without penalty and the call out of the ACD, in one step. */
  private async releaseAgentAndRemove(callId: string, agent: string): Promise<boolean> {
    try {
      const outcome = await this.ctx.updater.command(agent, { type: 'release' }, {
        call: () => ({ op: 'remove', call: callId, expect: ['reserved', 'ringing'], agent }),
      });
      return outcome.kind === 'ok';
    } catch (err) {
      if (!(err instanceof IllegalAgentTransitionError)) throw err;
      // The agent is not held for this call any more; the call alone goes.
      this.ctx.logger.warn({ callId, agent, err }, 'agent was not reserved for the call being removed');
      const result = await this.ctx.store.apply(null, { op: 'remove', call: callId, expect: ['reserved', 'ringing'] });
      this.ctx.handleResult(result);
      return result.status === 'ok';
    }
  }

  private async runFinishUnserved(live: LiveCall): Promise<void> {
    const { ctx } = this;
    for (let attempt = 0; attempt < 10; attempt++) {
      const rec = await ctx.store.getCall(live.id);
      if (!rec) {
        this.forget(live);
        return;
      }
      if (rec.state === 'bridged') return;
      if (rec.state === 'waiting') {
        const result = await ctx.store.apply(null, { op: 'remove', call: live.id, expect: ['waiting'] });
        ctx.handleResult(result);
        if (result.status === 'ok') {
          this.closeUnserved(live, 'queue');
          return;
        }
        continue;
      }
      // Reserved or ringing: if our own offer flow holds it, that flow finishes it.
      if (live.phase === 'offering') {
        live.offer?.abort.abort();
        return;
      }
      if (rec.agent && (await this.releaseAgentAndRemove(live.id, rec.agent))) {
        this.closeUnserved(live, rec.state === 'ringing' ? 'ringing' : 'queue');
        return;
      }
    }
    ctx.logger.error({ callId: live.id }, 'could not take the call out of the queue');
  }

  /** Close the record of a call that left without an agent, and tell the IVR. */
  private closeUnserved(live: LiveCall, stage: 'queue' | 'ringing'): void {
    const { ctx } = this;
    const now = ctx.clock.now();
    const waitMs = now - live.enqueuedAt;
    if (live.leaving !== null && !live.callerGone) {
      const reason = live.leaving;
      ctx.record(live.id, { type: 'left-queue', queue: live.queue, tier: live.tier, waitMs, reason }, now);
      live.settle({ kind: 'removed', reason, waitMs });
      ctx.emit(live, { type: 'removed', callId: live.id, queue: live.queue, reason });
    } else {
      ctx.record(live.id, { type: 'abandoned', queue: live.queue, tier: live.tier, waitMs, stage }, now);
      ctx.record(live.id, { type: 'ended', outcome: 'abandoned', durationMs: now - live.arrivedAt }, now);
      live.settle({ kind: 'abandoned', waitMs, stage });
      ctx.emit(live, { type: 'abandoned', callId: live.id, queue: live.queue, waitMs, stage });
    }
    this.forget(live);
  }

  /** A hang-up or leave that came while the call was between two local flows. */
  private checkGone(live: LiveCall): void {
    if (live.phase === 'waiting' && (live.callerGone || live.leaving !== null)) void this.finishUnserved(live);
  }

  private forget(live: LiveCall): void {
    live.close();
    if (this.ctx.lives.get(live.id) === live) this.ctx.lives.delete(live.id);
  }
}

/** What a transferred caller takes to the next queue. */
export interface TransferRelease {
  call: Call;
  fromQueue: string;
  fromAgent: string;
  arrivedAt: number;
  /** The caller's context (CallerContext as JSON) as it was queued. */
  context: string;
}
