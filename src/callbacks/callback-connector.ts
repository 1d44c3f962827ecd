import { ringVerdict } from '../acd/agent-offer.js';
import { SINGLE_SWITCH_ID } from '../acd/conversation-recorder.js';
import type { VirtualOffer } from '../acd/virtual-offer.js';
import type { Bridge, Call, OriginateResult } from '../call-control/call-control.js';
import { maskPhone } from '../log/mask.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import type { Logger } from '../log/logger.js';
import type { Callback, DialResult } from './callback.js';
import type { CallbackLifecycle } from './callback-lifecycle.js';
import type { CallbacksContext, DialJob } from './callbacks-context.js';
import { customerDialString } from '../outbound/dial-template.js';
import { hangUpLeftover, OUTBOUND_LEG_ARGS } from '../outbound/outbound-legs.js';
import { Postpone } from '../outbound/timed-jobs.js';
import type { TryLease } from '../outbound/try-lease.js';
import { dialTryId } from './callbacks-context.js';

/** How one run of a dial job ended (for logs and tests). */
export type ConnectorOutcome =
  | 'stale' | 'not-waiting' | 'quiet-hours' | 'agent-refused' | 'agent-leg-lost' | 'stopping'
  | 'connected' | 'not-connected' | 'agent-dropped' | 'switch-fault' | 'recovered'
  /** This run lost the dial's lease (it was too slow for too long) and left the dial to the run that took it over. */
  | 'taken-over';

/** The switch connection is down: the offer waits (its job is retried) rather than fail. */
export class SwitchNotReadyError extends Error {
  constructor() {
    super('the switch connection is not ready; the callback offer will be worked when it is');
    this.name = 'SwitchNotReadyError';
  }
}

/** The service is stopping: the attempt is left as it is in Redis for the next run to take over. */
export class ConnectorStoppingError extends Error {
  constructor() {
    super('the callback service is stopping; the attempt is left for the next run');
    this.name = 'ConnectorStoppingError';
  }
}

/**
 * The virtual-call connector: works one ACD offer of a callback's place to a
 * reserved agent, inside a BullMQ job (`dial-<callback>-<offeredAt>`):
 *
 * 1. ring the agent (the queue's ring timeout, the customer's number shown);
 *    no answer, busy or unreachable: the agent is paused as for any call and
 *    the callback goes back to its place in the queue;
 * 2. whisper to the agent: "callback customer", the tier, the reason (queue);
 * 3. claim the dial in Redis (once per offer: B:claim, see CallbackStore) —
 *    only then dial the customer, the agent hearing music meanwhile;
 * 4. answered: the customer hears cb/greeting, then the two are bridged and
 *    the callback is connected; the conversation is followed to its end
 *    (agent to wrap-up, `ended` reported for the follow-up survey);
 * 5. busy, no answer, failed, or the customer hung up on the greeting: the
 *    agent is released without penalty and the retry scheduled (or the
 *    callback ends after its last try).
 *
 * The agent side of each step is the ACD's AgentOffer, as for a live caller.
 * A switch fault (the ring, the customer's dial or the bridge failed without
 * a word from the phone) is nobody's fault: the agent is available again, not
 * paused, and the callback keeps its place with no try spent.
 *
 * One run at a time works an offer: each run first takes the offer's lease
 * (TryLeases). The job handed out again while its run is only slow (its
 * BullMQ lock lapsed under a starved event loop or a stalled Redis) finds the
 * lease held and comes back when it would lapse; the claim script refuses a
 * run that lost the lease. A run that takes over from a dead one finds the
 * claim, which tells that the customer was already dialled: no second dial. A
 * conversation still up is followed; anything else is hung up and the dial
 * counts as made ("interrupted"), to be retried after its delay.
 */
export class CallbackConnector {
  private readonly stopped: Promise<void>;

  constructor(
    private readonly ctx: CallbacksContext,
    private readonly lifecycle: CallbackLifecycle,
    private readonly stopping: AbortSignal,
  ) {
    this.stopped = new Promise((resolve) => {
      if (stopping.aborted) resolve();
      else stopping.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  async run(job: DialJob): Promise<ConnectorOutcome | Postpone> {
    const { ctx } = this;
    // Nothing can be rung without the switch: the job is retried (BullMQ backoff) rather than the agent blamed.
    if (!ctx.callControl.ready) throw new SwitchNotReadyError();
    // One run at a time works an offer: another run that still holds it is slow, not dead.
    const taken = await ctx.leases.takeOver(dialTryId(job.callbackId, job.offeredAt));
    if ('heldForMs' in taken) {
      ctx.logger.info({ callbackId: job.callbackId, offeredAt: job.offeredAt, heldForMs: taken.heldForMs }, 'callback offer still worked by another run; looking again when its lease would lapse');
      return new Postpone(ctx.clock.now() + taken.heldForMs + 1);
    }
    try {
      return await this.work(job, taken.lease);
    } finally {
      // Done, stopping or failed: whichever run comes next takes the offer over at once.
      await taken.lease.release();
    }
  }

  private async work(job: DialJob, lease: TryLease): Promise<ConnectorOutcome> {
    const { ctx } = this;
    const offer = await ctx.virtual.offer({ call: job.callbackId, offeredAt: job.offeredAt });
    const claimed = await ctx.store.claimOf(job.callbackId, job.offeredAt);
    const cb = await ctx.store.get(job.callbackId);
    if (claimed !== null) return this.resume(offer, cb, claimed);
    if (!offer) return 'stale';
    if (cb?.state !== 'waiting') {
      // Cancelled, rescheduled or parked while the agent was being reserved.
      await offer.release('remove');
      return 'not-waiting';
    }
    const now = ctx.clock.now();
    if (ctx.quiet.isQuiet(now)) {
      await offer.release('remove');
      await this.lifecycle.park(cb, 'quiet-hours', ctx.quiet.nextAllowed(now));
      return 'quiet-hours';
    }
    if (offer.state === 'ringing') {
      // An earlier run rang the agent and stopped: that leg is stale.
      await hangUpLeftover(ctx.callControl, offer.leg);
      await offer.release('requeue');
      return 'agent-leg-lost';
    }
    if (offer.state === 'bridged') {
      ctx.logger.error({ callbackId: cb.id }, 'callback bridged without a dial claimed; ending it');
      await hangUpLeftover(ctx.callControl, offer.leg);
      await offer.ended('system');
      return 'recovered';
    }
    return this.ringAgent(offer, cb, lease);
  }

  private async ringAgent(offer: VirtualOffer, cb: Callback, lease: TryLease): Promise<ConnectorOutcome> {
    const { ctx } = this;
    const log = ctx.logger.child({ callbackId: cb.id, agent: offer.agent });
    const leg = `${cb.id}-a${offer.offeredAt}`;
    if (!(await lease.held())) return 'taken-over';
    // A dial string stored before the rule (or around it) is never sent to the switch: refused as Asterisk refuses a bad one.
    const result = await offer.ring(leg, {
      callerId: cb.number,
      variables: { HOTLINE_CALLBACK_ID: cb.id, HOTLINE_CALLBACK_ATTEMPT: String(cb.attempts + 1) },
      args: [OUTBOUND_LEG_ARGS.callbackAgent, cb.id],
      signal: this.stopping,
    });
    // The agent is no longer reserved for it (removed, or changed by a supervisor): the callback is back in its place.
    if (result === 'stale') return 'stale';
    if (result.kind === 'switch-fault') log.warn({ detail: result.message }, 'could not ring the agent for a callback');
    const verdict = ringVerdict(result);
    switch (verdict.kind) {
      case 'cancelled':
        await offer.release('requeue');
        return 'stopping';
      case 'refused':
        await offer.refused(verdict.result);
        return 'agent-refused';
      case 'switch-fault':
        // Nothing dialled yet: the callback keeps its place, no try counted, the agent not blamed.
        if ((await offer.switchFault(verdict.detail, 'ring', this.stopping)) === 'interrupted') await offer.release('requeue');
        return 'switch-fault';
      case 'answered':
        return this.whisperAndDial(offer, cb, verdict.call, leg, lease);
    }
  }

  private async whisperAndDial(offer: VirtualOffer, cb: Callback, agentCall: Call, agentLeg: string, lease: TryLease): Promise<ConnectorOutcome> {
    const { ctx } = this;
    const queueName = ctx.policy.snapshot().queues[cb.queue]?.namePrompt ?? 'queue/general';
    const whisper = ['whisper/callback', `whisper/tier-${cb.tier}`, 'whisper/reason-prefix', queueName];
    await agentCall.play(whisper.map(mediaUri), { bargeIn: false });
    if (agentCall.gone) {
      // The agent hung up on the whisper: declined, as if not answered.
      await offer.refused('no-answer');
      return 'agent-refused';
    }

    const claim = await ctx.store.claim(cb.id, offer.offeredAt, ctx.clock.now(), offer.agent, agentLeg, lease.fence);
    if (claim.status === 'lease-lost') return this.takenOver(ctx.logger.child({ callbackId: cb.id }), agentCall, null);
    if (claim.status !== 'claimed') {
      await agentCall.hangup();
      await offer.release('remove');
      if (claim.status === 'exhausted') {
        await this.lifecycle.close(cb, ['waiting'], 'failed', { closeReason: `no answer after ${claim.attempts} tries` });
        ctx.record(cb, { type: 'callback-outcome', callbackId: cb.id, queue: cb.queue, tier: cb.tier, outcome: 'no-answer', attempts: claim.attempts });
      }
      return 'not-waiting';
    }
    return this.dialCustomer(offer, cb, agentCall, claim.attempt, claim.customerLeg, lease);
  }

  /** The claimed try: the customer dialled, greeted and bridged to the agent (the lease held throughout; run() lets it go). */
  private async dialCustomer(offer: VirtualOffer, cb: Callback, agentCall: Call, attempt: number, customerLeg: string, lease: TryLease): Promise<ConnectorOutcome> {
    const { ctx } = this;
    const log = ctx.logger.child({ callbackId: cb.id, agent: offer.agent, to: maskPhone(cb.number) });
    const dialling: Callback = { ...cb, state: 'dialling', attempts: attempt };
    ctx.record(cb, { type: 'callback-dialled', callbackId: cb.id, queue: cb.queue, tier: cb.tier, attempt, agent: offer.agent });
    log.info({ attempt }, 'dialling the customer for a callback');

    await agentCall.startMoh();
    const abort = new AbortController();
    const offAgent = agentCall.on((event) => {
      if (event.type === 'hangup' || event.type === 'end') abort.abort();
    });
    const onStop = () => abort.abort();
    this.stopping.addEventListener('abort', onStop, { once: true });
    let result: OriginateResult;
    try {
      // The customer is dialled out of the switch the agent's leg is on, where the bridge is.
      result = await offer.callControl.originate({
        endpoint: customerDialString(ctx.config.outbound.dialTemplate, cb.number),
        callerId: ctx.config.outbound.callerId,
        timeoutSec: ctx.config.outbound.ringSec,
        variables: { HOTLINE_CALLBACK_ID: cb.id },
        channelId: customerLeg,
        args: [OUTBOUND_LEG_ARGS.callbackCustomer, cb.id],
        signal: abort.signal,
      });
    } catch (err) {
      log.warn({ err }, 'could not dial the customer');
      result = { kind: 'switch-fault', message: (err as Error).message };
    } finally {
      offAgent();
      this.stopping.removeEventListener('abort', onStop);
    }

    if (!(await lease.held())) return this.takenOver(log, agentCall, result.kind === 'answered' ? result.call : null);
    const verdict = ringVerdict(result);
    if (verdict.kind === 'switch-fault' && !agentCall.gone) return this.switchFault(offer, dialling, attempt, agentCall, verdict.detail, 'dial');
    if (result.kind !== 'answered') {
      const why: DialResult = result.kind === 'cancelled'
        ? (agentCall.gone ? 'agent-dropped' : 'interrupted')
        : result.kind === 'busy' ? 'busy' : result.kind === 'no-answer' ? 'no-answer' : 'failed';
      return this.notConnected(offer, dialling, attempt, agentCall, why);
    }
    const customer = result.call;
    await customer.play([mediaUri('cb/greeting')], { bargeIn: false, language: cb.lang });
    if (!(await lease.held())) return this.takenOver(log, agentCall, customer);
    if (customer.gone) return this.notConnected(offer, dialling, attempt, agentCall, 'hung-up');
    if (agentCall.gone) {
      await customer.hangup();
      return this.notConnected(offer, dialling, attempt, agentCall, 'agent-dropped');
    }

    let bridge: Bridge | null = null;
    try {
      bridge = await offer.callControl.createBridge(`callback-${cb.id}`);
      await agentCall.stopMoh();
      await bridge.add(agentCall);
      await bridge.add(customer);
    } catch (err) {
      log.error({ err }, 'could not bridge the agent and the customer');
      void bridge?.destroy().catch(() => {});
      await customer.hangup();
      return this.switchFault(offer, dialling, attempt, agentCall, (err as Error).message, 'bridge');
    }
    if (!(await offer.connected(bridge.id))) {
      // The agent was taken away meanwhile (removed, logged out by a supervisor): this dial cannot go on.
      log.error('callback offer changed while bridging; hanging up');
      await Promise.allSettled([customer.hangup(), bridge.destroy()]);
      return this.notConnected(offer, dialling, attempt, agentCall, 'failed');
    }
    await ctx.store.updateAttempt(cb.id, attempt, { stage: 'bridged', result: 'connected' });
    await this.connected(dialling, attempt);
    log.info({ attempt }, 'callback connected');
    ctx.conversations.bridged({
      callId: cb.callId,
      agent: offer.agent,
      queue: offer.call.queue,
      tier: offer.call.tier,
      kind: 'callback',
      switchId: agentCall.switchId ?? SINGLE_SWITCH_ID,
      callerNumber: cb.number,
    }, bridge, offer.callControl);
    await this.converse(offer, agentCall, customer, bridge);
    await ctx.store.updateAttempt(cb.id, attempt, { stage: 'ended', endedAt: ctx.clock.now() });
    return 'connected';
  }

  /**
   * This run was silent longer than the dial's lease and another run took the
   * dial over (it hung up the legs it knew of and recorded the try). Whatever
   * this run still holds goes too; the records are the other run's.
   */
  private async takenOver(log: Logger, agentCall: Call, customer: Call | null): Promise<ConnectorOutcome> {
    log.warn('callback dial taken over by another run while this one was stalled; leaving it');
    await Promise.allSettled([agentCall.hangup(), customer?.hangup()]);
    return 'taken-over';
  }

  /** The dial reached no conversation: the agent free again, the retry (or the end) of the callback. */
  private async notConnected(offer: VirtualOffer, cb: Callback, attempt: number, agentCall: Call, why: DialResult): Promise<ConnectorOutcome> {
    const { ctx } = this;
    await agentCall.hangup();
    // Written first: a run taking over after a crash from here on knows how the dial ended.
    await ctx.store.updateAttempt(cb.id, attempt, { stage: 'failed', result: why, endedAt: ctx.clock.now() });
    if (why === 'agent-dropped') {
      // Not the customer's doing: the place back in the queue at once, the agent paused as for a declined call.
      await this.lifecycle.backToQueue(cb, why);
      await offer.refused('no-answer');
      return 'agent-dropped';
    }
    await offer.release('remove');
    await this.lifecycle.dialFailed(cb, attempt, why);
    return 'not-connected';
  }

  /**
   * The switch failed the customer's dial or the bridge: no fault of the
   * customer nor the agent. The agent's leg goes, the callback is back in its
   * place at once with the try given back (its tries left are as before), and
   * the agent is available again after the offer's pause.
   */
  private async switchFault(offer: VirtualOffer, cb: Callback, attempt: number, agentCall: Call, detail: string, stage: 'dial' | 'bridge'): Promise<ConnectorOutcome> {
    const { ctx } = this;
    await agentCall.hangup();
    await ctx.store.updateAttempt(cb.id, attempt, { stage: 'failed', result: 'switch-fault', endedAt: ctx.clock.now() });
    await this.lifecycle.backToQueue(cb, 'switch-fault', { maxAttempts: cb.maxAttempts + 1 });
    if ((await offer.switchFault(detail, stage, this.stopping)) === 'interrupted') await offer.release('requeue');
    return 'switch-fault';
  }

  private async connected(cb: Callback, attempt: number): Promise<void> {
    const closed = await this.lifecycle.close(cb, ['dialling'], 'connected', { lastResult: null });
    if (closed) this.ctx.record(cb, { type: 'callback-outcome', callbackId: cb.id, queue: cb.queue, tier: cb.tier, outcome: 'connected', attempts: attempt });
  }

  /** Follows the conversation to its end; on stop, leaves it to the next run (the job is not completed). */
  private async converse(offer: VirtualOffer, agentCall: Call, customer: Call, bridge: Bridge | null): Promise<void> {
    const by = await Promise.race([
      agentCall.ended.then(() => 'agent' as const),
      customer.ended.then(() => 'caller' as const),
      this.stopped.then(() => 'stopping' as const),
    ]);
    if (by === 'stopping') throw new ConnectorStoppingError();
    await Promise.allSettled([by === 'agent' ? customer.hangup() : agentCall.hangup(), bridge?.destroy()]);
    await offer.ended(by);
  }

  /**
   * The job ran before for this offer and the customer was dialled (that run
   * died or stopped: this one holds the offer's lease): never dial again;
   * finish what is left.
   */
  private async resume(offer: VirtualOffer | null, cb: Callback | null, attempt: number): Promise<ConnectorOutcome> {
    const { ctx } = this;
    if (!cb) return 'stale';
    const record = await ctx.store.attempt(cb.id, attempt);
    const log = ctx.logger.child({ callbackId: cb.id, attempt });
    // The run that dialled finished the try (a conversation over): nothing is left to do.
    if (record?.stage === 'ended' && !offer) return 'stale';
    if (offer?.state === 'bridged') {
      const agentCall = offer.leg ? await ctx.callControl.adopt(offer.leg) : null;
      const customer = record ? await ctx.callControl.adopt(record.customerLeg) : null;
      if (cb.state === 'dialling') await this.connected(cb, attempt);
      if (agentCall && customer && !agentCall.gone && !customer.gone) {
        log.info('taking over a callback conversation');
        await this.converse(offer, agentCall, customer, null);
      } else {
        await Promise.allSettled([agentCall?.hangup(), customer?.hangup()]);
        await offer.ended('system');
      }
      await ctx.store.updateAttempt(cb.id, attempt, { stage: 'ended', endedAt: ctx.clock.now() });
      return 'recovered';
    }
    // The dial was claimed but never bridged: whatever is left of its legs goes.
    await hangUpLeftover(ctx.callControl, record?.customerLeg ?? null);
    await hangUpLeftover(ctx.callControl, offer?.leg ?? record?.agentLeg ?? null);
    const why: DialResult = record?.stage === 'failed' && record.result && record.result !== 'connected' ? record.result : 'interrupted';
    if (record?.stage !== 'failed') await ctx.store.updateAttempt(cb.id, attempt, { stage: 'failed', result: why, endedAt: ctx.clock.now() });
    if (offer) await offer.release('remove');
    if (cb.state === 'dialling' && cb.attempts === attempt) {
      log.warn({ result: why }, 'callback dial interrupted; not dialled again');
      if (why === 'agent-dropped') {
        await this.lifecycle.backToQueue(cb, why);
      } else if (why === 'switch-fault') {
        await this.lifecycle.backToQueue(cb, why, { maxAttempts: cb.maxAttempts + 1 });
      } else {
        await this.lifecycle.dialFailed(cb, attempt, why);
      }
    }
    return 'recovered';
  }
}
