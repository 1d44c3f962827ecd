import { NotFoundError } from '../errors.js';
import type { TierId } from '../routing/types.js';
import type { AcdContext } from './acd-context.js';
import { IllegalAgentTransitionError } from './acd-errors.js';
import { SELF_ENDING_PAUSES, type AgentCommand, type RefusalResult } from './agent-state.js';
import type { AgentUpdate } from './agent-updater.js';
import { agentVariables } from './agent-variables.js';
import type { CallConnector } from './call-connector.js';
import type { CallOperation, QueuedCallRecord, QueuedCallState } from './redis-acd-store.js';

/** Where an offer of a virtual call stands in Redis when it is handed over (or taken over after a crash). */
export type VirtualOfferState = Extract<QueuedCallState, 'reserved' | 'ringing' | 'bridged'>;

/**
 * One agent reserved for one virtual call (a callback keeping a caller's
 * place), handed to the virtual-call connector. The connector rings the agent,
 * reaches the customer and bridges them; it reports each step here and the
 * offer makes the agent and queue changes the ACD makes for a live caller:
 *
 * - `ringing(leg)`: the agent's phone is being rung;
 * - `refused(result)`: the agent did not answer, was busy or unreachable — the
 *   agent is paused as for any call and the callback goes back to its place;
 * - `release('requeue')`: the offer ends with nobody at fault (the service is
 *   stopping, the agent's leg was lost in a restart): agent available again
 *   without penalty, the callback back in its place;
 * - `release('remove')`: the customer could not be reached (or the callback
 *   was cancelled): agent available again without penalty, the callback out
 *   of the queue (its retry, if any, puts it back later);
 * - `connected(bridge)`: agent and customer are talking: agent on-call;
 * - `ended(talkMs, by)`: the conversation is over: wrap-up, handle time kept,
 *   `ended` reported (which starts the care after the call).
 *
 * Each method is one atomic step in Redis guarded by the call's state and
 * agent, so a second connector working on the same offer after a crash finds
 * it changed and does nothing.
 */
export class VirtualOffer {
  readonly callId: string;
  readonly agent: string;
  readonly dial: string;
  readonly queue: string;
  readonly tier: TierId;
  /** The number to call back. */
  readonly number: string;
  readonly reason: string;
  readonly enqueuedAt: number;
  readonly offeredAt: number;
  /** Channel variables for the agent's leg (the caller's context, as for a live call). */
  readonly variables: Readonly<Record<string, string>>;
  readonly ringTimeoutSec: number;
  state: VirtualOfferState;
  /** The agent's leg once rung (channel id). */
  leg: string | null;
  bridge: string | null;
  answeredAt: number | null;

  constructor(
    private readonly ctx: AcdContext,
    private readonly connector: CallConnector,
    private readonly busyPauseMs: number,
    record: QueuedCallRecord,
    dial: string,
  ) {
    this.callId = record.id;
    this.agent = record.agent ?? '';
    this.dial = dial;
    this.queue = record.queue;
    this.tier = record.tier;
    this.number = record.callerNumber;
    this.reason = record.reason;
    this.enqueuedAt = record.enqueuedAt;
    this.offeredAt = record.offeredAt ?? 0;
    this.state = record.state as VirtualOfferState;
    this.leg = record.leg;
    this.bridge = record.bridge;
    this.answeredAt = record.answeredAt;
    this.ringTimeoutSec = ctx.settings(record.queue).ringTimeoutSec;
    this.variables = agentVariables({ callId: record.id, tier: record.tier, queue: record.queue, accountId: accountOf(record.context), reason: record.reason });
  }

  /** The agent's phone is about to be rung on channel `leg`; false when the offer is no longer this one. */
  async ringing(leg: string): Promise<boolean> {
    const { ctx } = this;
    ctx.emit(null, { type: 'assigned', callId: this.callId, queue: this.queue, agent: this.agent });
    ctx.record(this.callId, { type: 'offered', queue: this.queue, agent: this.agent });
    const outcome = await this.command({ type: 'ring' }, { call: () => ({ op: 'ring', call: this.callId, expect: ['reserved'], agent: this.agent, leg }) });
    if (outcome === 'illegal') {
      // The agent is no longer reserved for it (removed, or changed by a supervisor): the callback goes back to its place.
      await this.callOnly({ op: 'requeue', call: this.callId, expect: ['reserved'] });
      return false;
    }
    if (outcome !== 'ok') return false;
    this.state = 'ringing';
    this.leg = leg;
    ctx.emit(null, { type: 'ringing', callId: this.callId, queue: this.queue, agent: this.agent });
    return true;
  }

  /** The agent did not take the offer: paused as for a live call, the callback back in its place. */
  async refused(result: RefusalResult): Promise<boolean> {
    const { ctx } = this;
    const now = ctx.clock.now();
    ctx.record(this.callId, result === 'no-answer'
      ? { type: 'agent-no-answer', queue: this.queue, agent: this.agent }
      : { type: 'agent-unavailable', queue: this.queue, agent: this.agent, result }, now);
    ctx.emit(null, { type: 'no-answer', callId: this.callId, queue: this.queue, agent: this.agent, result: result === 'failed' ? 'unreachable' : result });
    const outcome = await this.command({ type: 'refuse', result }, {
      call: () => ({ op: 'requeue', call: this.callId, expect: ['reserved', 'ringing'], agent: this.agent }),
      timer: (next) =>
        next.state === 'paused' && next.pauseReason !== null && SELF_ENDING_PAUSES.has(next.pauseReason)
          ? { member: `u:${this.agent}`, at: now + this.busyPauseMs }
          : null,
    });
    // The agent was changed meanwhile (e.g. logged out by a supervisor): the callback alone goes back.
    if (outcome === 'illegal') return this.callOnly({ op: 'requeue', call: this.callId, expect: ['reserved', 'ringing'] });
    return outcome === 'ok';
  }

  /**
   * The agent back to available without penalty, keeping their place in the
   * idle order; the callback back in its place (`requeue`) or out of the
   * queue (`remove`). False when the offer had already changed.
   */
  async release(then: 'requeue' | 'remove'): Promise<boolean> {
    const expect: QueuedCallState[] = ['reserved', 'ringing'];
    const op: CallOperation = then === 'requeue'
      ? { op: 'requeue', call: this.callId, expect }
      : { op: 'remove', call: this.callId, expect };
    const outcome = await this.command({ type: 'release' }, { call: () => ({ ...op, agent: this.agent }) });
    // The agent is no longer held for this call (changed by a supervisor): the call alone moves.
    if (outcome === 'illegal') return this.callOnly(op);
    return outcome === 'ok';
  }

  /** Agent and customer are bridged: the agent is on the call. */
  async connected(bridge: string): Promise<boolean> {
    const { ctx } = this;
    const outcome = await this.command({ type: 'answer' }, { call: () => ({ op: 'answer', call: this.callId, expect: ['ringing'], agent: this.agent, bridge }) });
    if (outcome !== 'ok') return false;
    const answeredAt = ctx.clock.now();
    this.state = 'bridged';
    this.bridge = bridge;
    this.answeredAt = answeredAt;
    ctx.emit(null, { type: 'answered', callId: this.callId, queue: this.queue, agent: this.agent, waitMs: answeredAt - this.enqueuedAt });
    return true;
  }

  /** The conversation is over: the agent to wrap-up, the callback out of the ACD. False when it was already ended. */
  async ended(by: 'caller' | 'agent' | 'system'): Promise<boolean> {
    const { ctx } = this;
    const endedAt = ctx.clock.now();
    const talkMs = Math.max(0, endedAt - (this.answeredAt ?? endedAt));
    if (!(await this.connector.afterTalk(this.callId, this.queue, this.agent, talkMs, endedAt))) return false;
    ctx.record(this.callId, { type: 'agent-ended', queue: this.queue, agent: this.agent, talkMs }, endedAt);
    ctx.emit(null, { type: 'ended', callId: this.callId, queue: this.queue, agent: this.agent, talkMs, by, tier: this.tier, callerNumber: this.number, virtual: true });
    return true;
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
}

function accountOf(context: string): string | null {
  try {
    const parsed = JSON.parse(context) as { customer?: { accountId?: unknown } | null };
    return typeof parsed.customer?.accountId === 'string' ? parsed.customer.accountId : null;
  } catch {
    return null;
  }
}
