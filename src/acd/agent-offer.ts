import type { Call, OriginateResult } from '../call-control/call-control.js';
import { NotFoundError } from '../errors.js';
import type { TierId } from '../routing/types.js';
import type { AcdContext } from './acd-context.js';
import { IllegalAgentTransitionError } from './acd-errors.js';
import { afterTalk } from './agent-after-talk.js';
import { SELF_ENDING_PAUSES, type AgentCommand, type RefusalResult } from './agent-state.js';
import type { AgentUpdate } from './agent-updater.js';
import type { LiveCall } from './live-call.js';
import type { CallOperation, QueuedCallRecord, QueuedCallState } from './redis-acd-store.js';

/** How the ACD treats the agent after an offer that did not connect. */
export interface OfferPolicy {
  /** How long a busy phone keeps the agent paused before they are offered calls again. */
  busyPauseMs: number;
  /**
   * After a switch fault, how long the agent stays held for the call before
   * both go back (agent available, call at the head of its queue), so a
   * switch that fails every request is not asked again in a tight loop.
   */
  switchFaultPauseMs: number;
}

/** The call being offered, as the agent side needs it (a live caller or a virtual place). */
export interface OfferedCall {
  id: string;
  queue: string;
  tier: TierId;
  callerNumber: string;
  enqueuedAt: number;
  virtual: boolean;
}

/** Where an offer stands in Redis. */
export type OfferState = Extract<QueuedCallState, 'reserved' | 'ringing' | 'bridged'>;

/**
 * What ringing the agent came to. Only what the switch reported about the
 * agent's phone (no answer, busy, a ChannelDestroyed cause, or Asterisk
 * refusing the agent's dial string) is put down to the agent; a request the
 * switch did not carry out (timeout, socket error, 5xx, not ready) is a
 * switch fault, and nobody's doing.
 */
export type RingVerdict =
  | { kind: 'answered'; call: Call }
  | { kind: 'refused'; result: RefusalResult; detail: string }
  | { kind: 'switch-fault'; detail: string }
  | { kind: 'cancelled' };

export function ringVerdict(result: OriginateResult): RingVerdict {
  switch (result.kind) {
    case 'answered':
      return result;
    case 'no-answer':
      return { kind: 'refused', result: 'no-answer', detail: `cause ${result.cause}` };
    case 'busy':
      return { kind: 'refused', result: 'busy', detail: `cause ${result.cause}` };
    case 'failed':
      // With a cause the phone could not be reached; without one Asterisk refused the agent's dial string.
      return { kind: 'refused', result: result.cause === null ? 'failed' : 'unreachable', detail: result.message };
    case 'switch-fault':
      return { kind: 'switch-fault', detail: result.message };
    case 'cancelled':
      return result;
  }
}

/** How a switch fault was followed up: both back in place, the pause cut short (`signal`), or the offer had changed. */
export type SwitchFaultOutcome = 'requeued' | 'interrupted' | 'changed';

export interface AgentOfferOptions {
  /** The live call whose listeners hear the offer's events; null for a virtual call. */
  listener?: LiveCall | null;
  /**
   * Runs right before a step that puts the call back in its queue: the same
   * script may give it the next agent at once, so the owner must be ready.
   */
  beforeRequeue?: () => void;
  state?: OfferState;
  leg?: string | null;
  bridge?: string | null;
  answeredAt?: number | null;
}

/**
 * The agent side of one offer of one call to one reserved agent, for live
 * callers and callbacks alike: the agent's state changes with the call's in
 * the same atomic step, the call record and the ACD events. The connector
 * using it does the caller side (bridge a live caller; whisper and dial a
 * callback's customer) and reports each step here:
 *
 * - `ringing(leg)`: the agent's phone is being rung on channel `leg`;
 * - `refused(result)`: no answer, busy, unreachable — the agent is paused
 *   (busy for busyPauseMs) and the call goes back to its place;
 * - `switchFault(detail, stage)`: the switch failed the ring, a callback's
 *   customer dial or the bridge — the agent is available again (not paused,
 *   nothing counted) and the call back at the head of its queue, after
 *   switchFaultPauseMs; `offer-failed` recorded;
 * - `release('requeue' | 'remove')`: the offer ends with nobody at fault —
 *   agent available keeping their place in the idle order, the call back in
 *   its place or out of the queue;
 * - `putBack()`: the agent is not held for the call any more; the call alone
 *   goes back to its place;
 * - `connected(bridge)`: agent and caller are talking: agent on-call;
 * - `ended(by)`: the conversation is over: wrap-up, handle time kept,
 *   `agent-ended` recorded and `ended` reported.
 *
 * Each step is guarded by the call's state and agent in Redis, so a step on
 * an offer someone else finished (another instance, a re-run job after a
 * crash) does nothing and says so (false).
 */
export class AgentOffer {
  state: OfferState;
  leg: string | null;
  bridge: string | null;
  answeredAt: number | null;
  private readonly listener: LiveCall | null;
  private readonly beforeRequeue: () => void;

  constructor(
    private readonly ctx: AcdContext,
    private readonly policy: OfferPolicy,
    readonly call: OfferedCall,
    readonly agent: string,
    options: AgentOfferOptions = {},
  ) {
    this.listener = options.listener ?? null;
    this.beforeRequeue = options.beforeRequeue ?? (() => {});
    this.state = options.state ?? 'reserved';
    this.leg = options.leg ?? null;
    this.bridge = options.bridge ?? null;
    this.answeredAt = options.answeredAt ?? null;
  }

  /** The offer a queued call's record holds (its agent, state and legs). */
  static ofRecord(ctx: AcdContext, policy: OfferPolicy, rec: QueuedCallRecord, options: AgentOfferOptions = {}): AgentOffer {
    const call: OfferedCall = { id: rec.id, queue: rec.queue, tier: rec.tier, callerNumber: rec.callerNumber, enqueuedAt: rec.enqueuedAt, virtual: rec.virtual };
    const state = rec.state === 'waiting' ? 'reserved' : rec.state;
    return new AgentOffer(ctx, policy, call, rec.agent ?? '', { state, leg: rec.leg, bridge: rec.bridge, answeredAt: rec.answeredAt, ...options });
  }

  /**
   * The agent's phone is about to be rung on channel `leg`. `changed`: the
   * call is no longer reserved for this offer (someone else works it);
   * `agent-changed`: the call still is, but the agent is not held for it any
   * more (removed, or changed by a supervisor) — put the call back.
   */
  async ringing(leg: string): Promise<'ringing' | 'changed' | 'agent-changed'> {
    const { ctx, call, agent } = this;
    ctx.emit(this.listener, { type: 'assigned', callId: call.id, queue: call.queue, agent });
    ctx.record(call.id, { type: 'offered', queue: call.queue, agent });
    const outcome = await this.command({ type: 'ring' }, { call: () => ({ op: 'ring', call: call.id, expect: ['reserved'], agent, leg }) });
    if (outcome === 'illegal') return 'agent-changed';
    if (outcome === 'changed') return 'changed';
    this.state = 'ringing';
    this.leg = leg;
    ctx.emit(this.listener, { type: 'ringing', callId: call.id, queue: call.queue, agent });
    return 'ringing';
  }

  /** The agent did not take the offer: paused as the result says, the call back in its place. */
  async refused(result: RefusalResult): Promise<boolean> {
    const { ctx, call, agent } = this;
    const now = ctx.clock.now();
    // Recorded first: the requeue below may offer the call to the next agent at once.
    ctx.record(call.id, result === 'no-answer'
      ? { type: 'agent-no-answer', queue: call.queue, agent }
      : { type: 'agent-unavailable', queue: call.queue, agent, result }, now);
    ctx.emit(this.listener, { type: 'no-answer', callId: call.id, queue: call.queue, agent, result: result === 'failed' ? 'unreachable' : result });
    this.beforeRequeue();
    const outcome = await this.command({ type: 'refuse', result }, {
      call: () => ({ op: 'requeue', call: call.id, expect: ['reserved', 'ringing'], agent }),
      timer: (next) =>
        next.state === 'paused' && next.pauseReason !== null && SELF_ENDING_PAUSES.has(next.pauseReason)
          ? { member: `u:${agent}`, at: now + this.policy.busyPauseMs }
          : null,
    });
    // The agent was changed meanwhile (e.g. removed by a supervisor): the call alone goes back.
    if (outcome === 'illegal') return this.callOnly({ op: 'requeue', call: call.id, expect: ['reserved', 'ringing'] });
    return outcome === 'ok';
  }

  /**
   * The switch failed the offer (the ring request, or bridging after the
   * agent answered): `offer-failed` is recorded, and after switchFaultPauseMs
   * the agent is available again — not paused, no missed ring counted — and
   * the call back at the head of its queue (original enqueue time and
   * priority). An abort of `signal` during the pause ends it early without
   * releasing anything (`interrupted`): the connector decides what follows.
   */
  async switchFault(detail: string, stage: 'ring' | 'dial' | 'bridge', signal?: AbortSignal): Promise<SwitchFaultOutcome> {
    const { ctx, call, agent } = this;
    ctx.logger.warn({ callId: call.id, agent, stage, detail }, 'the switch failed an offer; the agent is not blamed and the call keeps its place');
    ctx.record(call.id, { type: 'offer-failed', queue: call.queue, agent, reason: 'switch-fault', stage, detail });
    if (await this.pause(this.policy.switchFaultPauseMs, signal)) return 'interrupted';
    return (await this.release('requeue')) ? 'requeued' : 'changed';
  }

  /**
   * The agent back to available without penalty, keeping their place in the
   * idle order; the call back in its place (`requeue`) or out of the queue
   * (`remove`). False when the offer had already changed.
   */
  async release(then: 'requeue' | 'remove'): Promise<boolean> {
    const expect: QueuedCallState[] = ['reserved', 'ringing'];
    const op: CallOperation = then === 'requeue'
      ? { op: 'requeue', call: this.call.id, expect }
      : { op: 'remove', call: this.call.id, expect };
    if (then === 'requeue') this.beforeRequeue();
    const outcome = await this.command({ type: 'release' }, { call: () => ({ ...op, agent: this.agent }) });
    if (outcome === 'illegal') {
      // The agent is not held for this call any more (changed by a supervisor): the call alone moves.
      this.ctx.logger.warn({ callId: this.call.id, agent: this.agent }, 'agent was not reserved for the call being released');
      return this.callOnly(op);
    }
    return outcome === 'ok';
  }

  /** The call alone back in its place (the agent is not held for it, or the ring was never marked). */
  async putBack(): Promise<boolean> {
    this.beforeRequeue();
    return this.callOnly({ op: 'requeue', call: this.call.id, expect: ['reserved', 'ringing'], agent: this.agent });
  }

  /**
   * Agent and caller are bridged: the agent is on the call. `onConnected`
   * runs once the change is made, before `answered` is reported. False when
   * the offer had changed meanwhile.
   */
  async connected(bridge: string, answeredAt: number = this.ctx.clock.now(), onConnected: () => void = () => {}): Promise<boolean> {
    const { ctx, call, agent } = this;
    const outcome = await this.command({ type: 'answer' }, { call: () => ({ op: 'answer', call: call.id, expect: ['ringing'], agent, bridge }) });
    if (outcome !== 'ok') return false;
    this.state = 'bridged';
    this.bridge = bridge;
    this.answeredAt = answeredAt;
    onConnected();
    ctx.emit(this.listener, { type: 'answered', callId: call.id, queue: call.queue, agent, waitMs: answeredAt - call.enqueuedAt });
    return true;
  }

  /** The conversation is over: the agent to wrap-up, the call out of the ACD. Null when it was already ended. */
  async ended(by: 'caller' | 'agent' | 'system'): Promise<{ talkMs: number; endedAt: number } | null> {
    const { ctx, call, agent } = this;
    const endedAt = ctx.clock.now();
    const talkMs = Math.max(0, endedAt - (this.answeredAt ?? endedAt));
    if (!(await afterTalk(ctx, call.id, call.queue, agent, talkMs, endedAt))) return null;
    ctx.record(call.id, { type: 'agent-ended', queue: call.queue, agent, talkMs }, endedAt);
    ctx.emit(this.listener, { type: 'ended', callId: call.id, queue: call.queue, agent, talkMs, by, tier: call.tier, callerNumber: call.callerNumber, virtual: call.virtual });
    return { talkMs, endedAt };
  }

  /** One agent command with its call change: ok, the call changed meanwhile, or the agent is not (or no longer) in a state for it. */
  private async command(command: AgentCommand, update: AgentUpdate): Promise<'ok' | 'changed' | 'illegal'> {
    try {
      const outcome = await this.ctx.updater.command(this.agent, command, update);
      return outcome.kind === 'ok' ? 'ok' : 'changed';
    } catch (err) {
      if (err instanceof IllegalAgentTransitionError || err instanceof NotFoundError) return 'illegal';
      throw err;
    }
  }

  private async callOnly(op: CallOperation): Promise<boolean> {
    const result = await this.ctx.store.apply(null, op);
    this.ctx.handleResult(result);
    return result.status === 'ok';
  }

  /** Waits `ms` on the ACD's clock; true when `signal` aborted first. */
  private pause(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(true);
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.ctx.clock.clearTimeout(timer);
        resolve(true);
      };
      const timer = this.ctx.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(false);
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
