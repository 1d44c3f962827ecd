import { randomUUID } from 'node:crypto';
import type { Bridge, Call, OriginateResult } from '../call-control/call-control.js';
import { callerContextOrNull } from '../routing/stored-caller-context.js';
import type { CallerContext } from '../routing/types.js';
import type { AcdContext } from './acd-context.js';
import { TRANSFER_VARIABLE } from './acd-event.js';
import { AgentOffer, ringVerdict, type OfferedCall, type OfferPolicy } from './agent-offer.js';
import type { LiveCall } from './live-call.js';
import { SINGLE_SWITCH_ID } from './conversation-recorder.js';
import { DialRule } from './dial-rule.js';
import type { QueuedCallRecord, Reservation } from './redis-acd-store.js';

export type CallConnectorOptions = OfferPolicy;

/**
 * Connects reserved agents to live callers, and finishes calls. The agent
 * side of every step (ring, refuse, switch fault, release, answer, after-talk;
 * records and events) is the AgentOffer's; this is the caller's side:
 *
 * - ring the agent (originate with the caller's number and context variables,
 *   the queue's ring timeout); on answer bridge the two and stop the hold music;
 * - no answer, busy, unreachable (the switch gave a cause): the agent is
 *   paused as AgentOffer.refused says and the call goes back to its place at
 *   the head of the queue (original enqueue time and priority), where the same
 *   script offers it to the next free agent at once;
 * - a switch fault (the ring request failed without a word from the agent's
 *   phone, or bridging failed after the agent answered): the agent's leg is
 *   hung up, the agent is available again and the call keeps its place at the
 *   head of the queue, with music on hold again;
 * - the caller hangs up (or the call is taken out) while the agent rings: the
 *   agent's leg is hung up and the agent released without penalty, keeping
 *   their place in the idle order;
 * - either side hangs up while bridged: the other leg is hung up, the agent
 *   goes to wrap-up for the queue's wrapUpSec, then is available again (which
 *   offers them the next call).
 *
 * A leg that answers for an offer that is gone (the caller left, the offer
 * was taken back) is hung up at once: nobody answers into silence.
 */
export class CallConnector {
  constructor(
    private readonly ctx: AcdContext,
    private readonly policy: OfferPolicy,
    /** Checked again at ring time: a definition written by looser rules (an older release, another instance) is never dialled. */
    private readonly dialRule: DialRule = new DialRule(),
  ) {}

  /** Ring the agent reserved for the call. The originate request leaves before this returns. */
  offer(live: LiveCall, reservation: Reservation): void {
    const abort = new AbortController();
    let finished!: () => void;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    if (!live.startOffer({ agent: reservation.agent, abort, done })) return;
    const leg = randomUUID();
    // Rung on the caller's switch, where the bridge will be: an agent on
    // another switch through the pair's dial string (a trunk between them).
    const { switches } = this.ctx;
    const target = switches.dial.dialFor({ id: reservation.agent, dial: reservation.dial, switch: reservation.switch || undefined }, switches.switchOf(live.call));
    const refusal = 'problem' in target ? target.problem : this.dialRule.problem(target.dial);
    const originate: Promise<OriginateResult> = refusal !== null || 'problem' in target
      // Never sent to the switch; refused as Asterisk refuses a bad dial string (the agent is paused as for one).
      ? Promise.resolve({ kind: 'failed', cause: null, message: `dial ${refusal}` })
      : switches.controlOf(live.call).originate({
        endpoint: target.dial,
        callerId: live.callerNumber || undefined,
        timeoutSec: this.ctx.settings(live.queue).ringTimeoutSec,
        variables: live.variables,
        signal: abort.signal,
        channelId: leg,
      }).catch((err: unknown): OriginateResult => ({ kind: 'switch-fault', message: (err as Error).message }));
    this.runOffer(live, this.agentSide(live, reservation.agent), leg, originate, abort)
      .catch((err: unknown) => this.ctx.logger.error({ err, callId: live.id, agent: reservation.agent }, 'offering a call to an agent failed'))
      .finally(() => {
        if (live.offer?.abort === abort) live.offer = null;
        finished();
      });
  }

  /** Either side of a bridged call hung up. */
  async endBridged(live: LiveCall, by: 'caller' | 'agent' | 'system'): Promise<void> {
    if (live.phase !== 'bridged') return;
    live.done();
    const { ctx } = this;
    const other = by === 'agent' ? live.call : live.agentCall;
    void other?.hangup().catch(() => {});
    void live.bridge?.destroy().catch(() => {});
    let ended: { endedAt: number } | null = null;
    try {
      ended = await this.agentSide(live, live.agentId!).ended(by);
    } catch (err) {
      // The agent's side could not be finished (logged); the caller's call is over all the same.
      ctx.logger.error({ err, callId: live.id, agent: live.agentId }, 'could not finish the agent side of an ended call');
      ended = { endedAt: ctx.clock.now() };
    } finally {
      this.forget(live);
    }
    // Null: another flow finished the call in Redis and wrote its end.
    if (ended) ctx.record(live.id, { type: 'ended', outcome: 'handled', durationMs: ended.endedAt - live.arrivedAt }, ended.endedAt);
  }

  /**
   * A blind transfer of a bridged call (routing rule 3, decide-route.ts): the agent's leg is
   * hung up and the agent goes to wrap-up as after any call, while the caller
   * stays in our Stasis app, out of the bridge, for the service to route again
   * with the context the call came with. The call's `ended` is not written
   * here: the call goes on.
   */
  async releaseForTransfer(live: LiveCall, toQueue: string, by: string): Promise<TransferRelease | null> {
    if (live.phase !== 'bridged' || live.callerGone) return null;
    live.done();
    const { ctx } = this;
    // From here the caller is handed on whatever fails: the resumed session closes the record.
    const rec = await ctx.store.getCall(live.id).catch((err: unknown) => {
      ctx.logger.error({ err, callId: live.id }, 'could not read the transferred call; transferring without its context');
      return null;
    });
    // Out of the bridge first, so the agent's hang-up does not reach the caller.
    await live.bridge?.remove(live.call).catch(() => {});
    void live.agentCall?.hangup().catch(() => {});
    void live.bridge?.destroy().catch(() => {});
    const agent = live.agentId!;
    const ended = await this.agentSide(live, agent).ended('system').catch((err: unknown) => {
      ctx.logger.error({ err, callId: live.id, agent }, 'could not finish the agent side of a transferred call');
      return null;
    });
    ctx.record(live.id, { type: 'transferred', fromQueue: live.queue, toQueue, by }, ended?.endedAt ?? ctx.clock.now());
    this.forget(live);
    return {
      call: live.call,
      fromQueue: live.queue,
      fromAgent: agent,
      arrivedAt: live.arrivedAt,
      context: callerContextOrNull(rec?.context, (problem) => ctx.logger.warn({ callId: live.id, problem }, 'stored caller context is malformed; transferring without it')),
    };
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
      removed = await this.offerOfRecord(rec).release('remove');
    }
    if (removed) {
      const stage = rec.state === 'ringing' ? 'ringing' : 'queue';
      ctx.record(rec.id, { type: 'abandoned', queue: rec.queue, tier: rec.tier, waitMs: now - rec.enqueuedAt, stage }, now);
      ctx.record(rec.id, { type: 'ended', outcome: 'abandoned', durationMs: now - rec.arrivedAt }, now);
    }
    return removed;
  }

  /** The agent side of the offer a queued call's record holds (e.g. one left by a previous run). */
  offerOfRecord(rec: QueuedCallRecord): AgentOffer {
    return AgentOffer.ofRecord(this.ctx, this.policy, rec);
  }

  /** The agent side of the call's offer to `agent`. */
  private agentSide(live: LiveCall, agent: string): AgentOffer {
    const call: OfferedCall = { id: live.id, queue: live.queue, tier: live.tier, callerNumber: live.callerNumber, enqueuedAt: live.enqueuedAt, virtual: false };
    return new AgentOffer(this.ctx, this.policy, call, agent, {
      listener: live,
      // Back to waiting before the script that may give the call its next agent at once.
      beforeRequeue: () => {
        live.backToWaiting();
        live.agentId = null;
      },
      answeredAt: live.answeredAt,
    });
  }

  private async runOffer(live: LiveCall, offer: AgentOffer, leg: string, originate: Promise<OriginateResult>, abort: AbortController): Promise<void> {
    const { ctx } = this;
    const { agent } = offer;
    let rung = false;
    try {
      rung = (await offer.ringing(leg)) === 'ringing';
    } catch (err) {
      ctx.logger.error({ err, callId: live.id, agent }, 'could not mark the agent ringing');
    }
    if (!rung) {
      // Only this instance touches a call it owns once an agent is reserved,
      // so this means the records disagree: stop ringing, put the call back.
      abort.abort();
      const result = await originate;
      if (result.kind === 'answered') void result.call.hangup().catch(() => {});
      await offer.putBack();
      this.checkGone(live);
      return;
    }

    const result = await originate;
    if (live.callerGone || live.leaving !== null) {
      if (result.kind === 'answered') void result.call.hangup().catch(() => {});
      await this.releaseDuringOffer(live, offer);
      return;
    }
    const verdict = ringVerdict(result);
    switch (verdict.kind) {
      case 'answered':
        await this.connect(live, offer, verdict.call, abort.signal);
        return;
      case 'refused':
        if (verdict.result === 'unreachable' || verdict.result === 'failed') ctx.logger.warn({ callId: live.id, agent, detail: verdict.detail }, 'agent could not be rung');
        await offer.refused(verdict.result);
        this.checkGone(live);
        return;
      case 'switch-fault':
        await this.afterSwitchFault(live, offer, verdict.detail, 'ring', abort.signal);
        return;
      case 'cancelled':
        // Aborted with neither hang-up nor leave: the service is stopping.
        // The agent did nothing wrong; the call goes back to its place.
        await offer.release('requeue');
        this.checkGone(live);
        return;
    }
  }

  private async connect(live: LiveCall, offer: AgentOffer, agentCall: Call, signal: AbortSignal): Promise<void> {
    const { ctx } = this;
    const { agent } = offer;
    const answeredAt = ctx.clock.now();
    let bridge: Bridge | undefined;
    live.connecting = true;
    try {
      bridge = await ctx.switches.controlOf(live.call).createBridge(`acd-${live.id}`);
      await live.moh;
      await live.call.stopMoh();
      await bridge.add(live.call);
      await bridge.add(agentCall);
    } catch (err) {
      // The agent answered but cannot be put through: their leg goes at once
      // rather than leave them listening to nothing.
      ctx.logger.error({ err, callId: live.id, agent }, 'could not bridge the caller and the agent');
      void agentCall.hangup().catch(() => {});
      void bridge?.destroy().catch(() => {});
      if (live.callerGone || live.leaving !== null) {
        await this.releaseDuringOffer(live, offer);
        return;
      }
      this.resumeMoh(live);
      await this.afterSwitchFault(live, offer, (err as Error).message, 'bridge', signal);
      return;
    }
    if (live.callerGone || live.leaving !== null) {
      void agentCall.hangup().catch(() => {});
      void bridge.destroy().catch(() => {});
      await this.releaseDuringOffer(live, offer);
      return;
    }
    if (agentCall.gone) {
      // The agent hung up before joining (we were slow to put the caller
      // through and they heard nothing): nobody talked to the caller, who
      // keeps their place; the agent, who did answer, is released unblamed.
      ctx.logger.warn({ callId: live.id, agent }, 'the agent left before the caller was put through; the caller keeps their place');
      await bridge.destroy().catch(() => {});
      this.resumeMoh(live);
      await offer.release('requeue');
      this.checkGone(live);
      return;
    }
    const connected = await offer.connected(bridge.id, answeredAt, () => {
      live.answered();
      live.agentCall = agentCall;
      live.bridge = bridge!;
      live.answeredAt = answeredAt;
      const waitMs = answeredAt - live.enqueuedAt;
      ctx.record(live.id, { type: 'answered', queue: live.queue, agent, tier: live.tier, waitMs }, answeredAt);
      live.settle({ kind: 'answered', agent, waitMs });
    });
    if (!connected) {
      ctx.logger.error({ callId: live.id, agent }, 'answered call is no longer ringing this agent; hanging up the agent');
      void agentCall.hangup().catch(() => {});
      void bridge.destroy().catch(() => {});
      if (await offer.putBack()) this.resumeMoh(live);
      this.checkGone(live);
      return;
    }
    // An agent who hangs up the moment they answer ends the call like any other hang-up.
    this.watchAgent(live, agentCall);
    if (live.callerGone) {
      await this.endBridged(live, 'caller');
      return;
    }
    ctx.conversations.bridged({
      callId: live.id,
      agent,
      queue: live.queue,
      tier: live.tier,
      kind: 'live',
      switchId: live.call.switchId ?? SINGLE_SWITCH_ID,
      callerNumber: live.callerNumber,
    }, bridge, ctx.switches.controlOf(live.call));
  }

  /**
   * The switch failed the offer: after the offer's pause, agent available and
   * the call at the head of its queue; a caller who left meanwhile is closed
   * instead, and a stop leaves the call in its place.
   */
  private async afterSwitchFault(live: LiveCall, offer: AgentOffer, detail: string, stage: 'ring' | 'bridge', signal: AbortSignal): Promise<void> {
    const outcome = await offer.switchFault(detail, stage, signal);
    if (outcome === 'interrupted') {
      if (live.callerGone || live.leaving !== null) {
        await this.releaseDuringOffer(live, offer);
        return;
      }
      await offer.release('requeue');
    }
    this.checkGone(live);
  }

  /** Music on hold again for a caller back in the queue after its music was stopped for a bridge. */
  private resumeMoh(live: LiveCall): void {
    live.connecting = false;
    live.moh = live.call.startMoh().catch((err: unknown) => this.ctx.logger.warn({ err, callId: live.id }, 'music on hold did not start again'));
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

  /** The caller left (or the call was taken out) while an agent was being offered it. */
  private async releaseDuringOffer(live: LiveCall, offer: AgentOffer): Promise<void> {
    if (await offer.release('remove')) {
      this.closeUnserved(live, 'ringing');
    } else {
      live.backToWaiting();
      await this.finishUnserved(live);
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
      if (rec.agent && (await this.agentSide(live, rec.agent).release('remove'))) {
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
  /** The caller's context as it was queued; null when none was stored (or it was unreadable, logged). */
  context: CallerContext | null;
}
