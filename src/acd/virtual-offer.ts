import type { CallControl, OriginateResult } from '../call-control/call-control.js';
import { callerContextOrNull } from '../routing/stored-caller-context.js';
import type { AcdContext } from './acd-context.js';
import { AgentOffer, type OfferPolicy } from './agent-offer.js';
import { agentVariables } from './agent-variables.js';
import type { QueuedCallRecord } from './redis-acd-store.js';

/**
 * One agent reserved for one virtual call (a callback keeping a caller's
 * place), handed to the virtual-call connector: the agent side of the offer
 * is the same AgentOffer as for a live caller (ring, refuse, switch fault,
 * release, connected, ended; records and events), with what the connector
 * needs to ring the agent and reach the customer.
 */
export class VirtualOffer extends AgentOffer {
  /** The dial string reaching the agent from the switch the callback is dialled on. */
  readonly dial: string;
  /**
   * The switch the callback is dialled on — the agent's own when this
   * instance serves it, else its first switch (the agent through the pair's
   * dial string): the agent's leg, the customer's and their bridge.
   */
  readonly callControl: CallControl;
  /** Why the dial string must not be rung (not one of `acd.allowedDialStrings`); null when it may. */
  readonly dialRefusal: string | null;
  /** The number to call back. */
  readonly number: string;
  readonly reason: string;
  readonly offeredAt: number;
  /** Channel variables for the agent's leg (the caller's context, as for a live call). */
  readonly variables: Readonly<Record<string, string>>;
  readonly ringTimeoutSec: number;

  constructor(ctx: AcdContext, policy: OfferPolicy, record: QueuedCallRecord, dial: string, dialRefusal: string | null = null, callControl: CallControl = ctx.callControl) {
    const call = { id: record.id, queue: record.queue, tier: record.tier, callerNumber: record.callerNumber, enqueuedAt: record.enqueuedAt, virtual: true };
    const state = record.state === 'waiting' ? 'reserved' : record.state;
    super(ctx, policy, call, record.agent ?? '', { state, leg: record.leg, bridge: record.bridge, answeredAt: record.answeredAt });
    this.dial = dial;
    this.dialRefusal = dialRefusal;
    this.callControl = callControl;
    this.number = record.callerNumber;
    this.reason = record.reason;
    this.offeredAt = record.offeredAt ?? 0;
    this.ringTimeoutSec = ctx.settings(record.queue).ringTimeoutSec;
    const context = callerContextOrNull(record.context, (problem) => ctx.logger.warn({ callId: record.id, problem }, 'stored caller context is malformed; ringing the agent without it'));
    this.variables = agentVariables({ callId: record.id, tier: record.tier, queue: record.queue, accountId: context?.customer?.accountId ?? null, reason: record.reason, campaign: context?.campaign?.id ?? null });
  }

  /**
   * Rings the agent on `leg` (the queue's ring timeout, the offer's channel
   * variables with `variables` over them), the offer marked ringing first;
   * 'stale' when the agent is no longer reserved for the call (removed, or
   * changed by a supervisor: the call goes back to its place). A dial string
   * refused by the rule is never sent to the switch: it fails as Asterisk
   * fails a bad one. The switch failing the request is a switch fault, as
   * `ringVerdict` reads it.
   */
  async ring(leg: string, options: { callerId: string; variables?: Record<string, string>; args: string[]; signal?: AbortSignal }): Promise<OriginateResult | 'stale'> {
    const marked = await this.ringing(leg);
    if (marked !== 'ringing') {
      if (marked === 'agent-changed') await this.putBack();
      return 'stale';
    }
    if (this.dialRefusal !== null) return { kind: 'failed', cause: null, message: `dial ${this.dialRefusal}` };
    try {
      return await this.callControl.originate({
        endpoint: this.dial, callerId: options.callerId, timeoutSec: this.ringTimeoutSec, variables: { ...this.variables, ...options.variables },
        channelId: leg, args: options.args, ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      return { kind: 'switch-fault', message: (err as Error).message };
    }
  }

  /** The callback's id in the ACD. */
  get callId(): string {
    return this.call.id;
  }
}
