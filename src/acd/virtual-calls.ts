import { DialRule } from './dial-rule.js';
import { NotFoundError } from '../errors.js';
import { serializeCallerContext } from '../routing/stored-caller-context.js';
import type { CallerContext, QueuePlacement, RouteDecision } from '../routing/types.js';
import type { AcdContext, AcdQueueSettings } from './acd-context.js';
import type { OfferPolicy } from './agent-offer.js';
import { checkDecision } from './check-decision.js';
import { VIRTUAL_OWNER, type QueuedCallRecord, type QueuedCallState } from './redis-acd-store.js';
import { VirtualOffer } from './virtual-offer.js';
import { waitingMember } from './waiting-score.js';

/**
 * Base priority a virtual call is given when its deadline draws near
 * (`prioritize`, used by the callbacks): above any tier's queue priority
 * (at most 100 000) and the transfer priority, and beyond what aging adds in
 * any realistic wait (10 points a minute would need about 190 years), so the
 * call is the next one served in its queue. Several such calls keep their
 * original order among themselves (oldest enqueue time first).
 */
export const DEADLINE_PRIORITY = 1_000_000_000;

/** A place kept in a queue for a caller who is not on the line. */
export interface VirtualEntry extends QueuePlacement {
  /** Call id in the ACD, unique among queued calls (e.g. the callback id). */
  id: string;
  /** The caller's original enqueue time: with the priority it fixes the place. */
  enqueuedAt: number;
  arrivedAt: number;
  /** The number to call back. */
  number: string;
  context: CallerContext | null;
  reason: string;
}

export type VirtualEnqueueResult =
  | { status: 'queued'; position: number }
  | { status: 'exists'; state: QueuedCallState };

/** A virtual call that was given an agent and waits for the connector. */
export interface VirtualReservation {
  call: string;
  offeredAt: number;
}

const RESERVATION_BATCH = 500;

/**
 * Which feature a virtual call belongs to: the part of its id before the
 * first '-' (`cb` for a callback, `cmp` for an agent-assisted campaign try).
 */
export function virtualKindOf(id: string): string {
  const dash = id.indexOf('-');
  return dash < 0 ? '' : id.slice(0, dash);
}

/**
 * The ACD's side of virtual calls: places kept in the skill queues for
 * callers who are not on the line (callbacks) or not yet dialled (the tries
 * of an agent-assisted campaign). They are ordered, aged,
 * overflowed and assigned by the same scripts and rules as live calls, so a
 * callback neither jumps ahead because it is new nor falls behind; when one
 * is given an agent, the reservation waits in Redis (B:vres) until a
 * virtual-call connector takes it (`reservations`, `acknowledge`) and works
 * it through a VirtualOffer. Nothing here dials: the connector does.
 */
export class VirtualCalls {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly ctx: AcdContext,
    private readonly options: { policy: OfferPolicy; queues: () => Readonly<Record<string, Readonly<AcdQueueSettings>>>; dialRule?: DialRule },
  ) {}

  /**
   * Put a virtual call in its queue, at the place its enqueue time and
   * priority give it (a qualified free agent is reserved at once). A queue's
   * most-waiting limit does not apply: the caller already had this place.
   */
  async enqueue(entry: VirtualEntry): Promise<VirtualEnqueueResult> {
    if (!this.options.queues()[entry.queue]) throw new NotFoundError('queue', entry.queue);
    const decision: RouteDecision = {
      queue: entry.queue, skill: entry.skill, priority: entry.priority, minAgentLevel: entry.minAgentLevel,
      preferHighestLevel: entry.preferHighestLevel, overflow: entry.overflow, tier: entry.tier,
      agingPerMinute: 0, policyVersion: 0, rules: [], reason: entry.reason,
    };
    checkDecision(decision);
    const record: QueuedCallRecord = {
      id: entry.id,
      queue: entry.queue,
      skill: entry.skill,
      minLevel: entry.minAgentLevel,
      priority: entry.priority,
      preferHighestLevel: entry.preferHighestLevel,
      overflow: entry.overflow,
      overflowed: false,
      enqueuedAt: entry.enqueuedAt,
      arrivedAt: entry.arrivedAt,
      state: 'waiting',
      agent: null,
      owner: VIRTUAL_OWNER,
      member: waitingMember(entry.enqueuedAt, entry.id),
      tier: entry.tier,
      callerNumber: entry.number,
      context: serializeCallerContext(entry.context),
      reason: entry.reason,
      leg: null,
      bridge: null,
      offeredAt: null,
      answeredAt: null,
      virtual: true,
    };
    const result = await this.ctx.store.enqueue(record, Number.MAX_SAFE_INTEGER);
    if (result.status === 'exists') {
      const existing = await this.ctx.store.getCall(entry.id);
      return { status: 'exists', state: existing?.state ?? 'waiting' };
    }
    this.ctx.handleResult(result);
    const position = result.position ?? 0;
    this.ctx.emit(null, { type: 'queued', callId: entry.id, queue: entry.queue, position });
    return { status: 'queued', position };
  }

  /**
   * Change the base priority of a virtual call, keeping its enqueue time
   * (e.g. DEADLINE_PRIORITY as its deadline draws near). A waiting call is
   * re-placed at once; one being offered keeps it if it comes back.
   */
  async prioritize(id: string, priority: number): Promise<boolean> {
    const result = await this.ctx.store.apply(null, { op: 'prioritize', call: id, expect: ['waiting', 'reserved', 'ringing'], priority });
    this.ctx.handleResult(result);
    return result.status === 'ok';
  }

  /**
   * Take a waiting virtual call out of its queue. `offered` when an agent is
   * already reserved for it (the connector is about to dial: it decides).
   */
  async remove(id: string): Promise<'removed' | 'missing' | 'offered'> {
    const result = await this.ctx.store.apply(null, { op: 'remove', call: id, expect: ['waiting'] });
    this.ctx.handleResult(result);
    if (result.status === 'ok') return 'removed';
    return result.status === 'call-missing' ? 'missing' : 'offered';
  }

  async get(id: string): Promise<QueuedCallRecord | null> {
    const rec = await this.ctx.store.getCall(id);
    return rec?.virtual ? rec : null;
  }

  /** Every virtual call in the ACD, whatever its state; with `kind`, only the ids of that kind (see virtualKindOf). */
  async all(kind?: string): Promise<QueuedCallRecord[]> {
    const ids = await this.ctx.store.ownedCalls(VIRTUAL_OWNER);
    return this.ctx.store.getCalls(kind === undefined ? ids : ids.filter((id) => virtualKindOf(id) === kind));
  }

  /**
   * Reservations not yet taken by a connector, oldest first. Several features
   * keep virtual calls (callbacks, agent-assisted campaigns): each connector
   * asks for its own `kind` and never takes, acknowledges or releases
   * another's.
   */
  async reservations(kind?: string): Promise<VirtualReservation[]> {
    const all = await this.ctx.store.virtualReservations(RESERVATION_BATCH);
    return kind === undefined ? all : all.filter((r) => virtualKindOf(r.call) === kind);
  }

  /** The connector has taken this reservation (durably: it will be worked even if this process dies). */
  async acknowledge(reservation: VirtualReservation): Promise<void> {
    await this.ctx.store.ackVirtualReservation(reservation.call, reservation.offeredAt);
  }

  /**
   * The offer of a virtual call to its agent, as it stands in Redis; null
   * when the call is no longer offered to that agent at that time (it was
   * worked already, or taken back).
   */
  async offer(reservation: VirtualReservation & { agent?: string }): Promise<VirtualOffer | null> {
    const rec = await this.ctx.store.getCall(reservation.call);
    if (!rec?.virtual || !rec.agent || rec.offeredAt !== reservation.offeredAt) return null;
    if (reservation.agent !== undefined && rec.agent !== reservation.agent) return null;
    if (rec.state !== 'reserved' && rec.state !== 'ringing' && rec.state !== 'bridged') return null;
    const agent = await this.ctx.store.getAgent(rec.agent);
    const { switches } = this.ctx;
    // Dialled on the agent's switch when this instance serves it, else on its first.
    const agentSwitch = agent ? switches.dial.agentSwitch(agent) : '';
    const on = switches.serves(agentSwitch) ? agentSwitch : switches.served[0]!;
    const target = agent ? switches.dial.dialFor(agent, on) : { dial: '' };
    const dial = 'dial' in target ? target.dial : '';
    const refusal = 'problem' in target ? target.problem : (this.options.dialRule ?? new DialRule()).problem(dial);
    return new VirtualOffer(this.ctx, this.options.policy, rec, dial, refusal, switches.control(on)!);
  }

  /** Called whenever a virtual call may have been given an agent (the connector then reads `reservations`). */
  onReservation(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A script reserved an agent for a virtual call (or the inbox connection came back). */
  notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (err) {
        this.ctx.logger.error({ err }, 'virtual reservation listener failed');
      }
    }
  }
}
