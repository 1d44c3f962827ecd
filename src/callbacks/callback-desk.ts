import type { Acd } from '../acd/acd.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { maskPhone } from '../log/mask.js';
import type { CallbackCounts, CallbacksNow } from '../stats/live-stats-provider.js';
import { OPEN_STATES, type Callback, type CallbackState, type DialResult, type ScheduledBecause } from './callback.js';
import { CallbackBusyError, CallbackClosedError } from './callback-errors.js';
import type { CallbackService } from './callback-service.js';

/** A callback as a supervisor sees it. Times are ms since the epoch. */
export interface CallbackView {
  id: string;
  queue: string;
  tier: string;
  /** Masked: 138****0001. */
  number: string;
  /** `offered`: waiting, with an agent already reserved for it (about to be dialled). */
  state: CallbackState | 'offered';
  scheduledBecause: ScheduledBecause | null;
  requestedAt: number;
  /** When the caller first joined the queue: the place the callback keeps. */
  enqueuedAt: number;
  deadline: number;
  /** Pending and not yet dialled past its deadline. */
  overdue: boolean;
  /** At the head of its queue because its deadline is near. */
  promoted: boolean;
  /** 1-based place among the queue's waiting calls; null unless waiting. */
  position: number | null;
  attempts: number;
  maxAttempts: number;
  /** When the next dial may be made: a scheduled callback's time; null while waiting (as soon as an agent is free) and once closed. */
  nextAttemptAt: number | null;
  lastResult: DialResult | null;
  /** Further requests merged into it. */
  merged: number;
  closedAt: number | null;
  closedBy: string | null;
  closeReason: string | null;
}

export interface CallbackFilter {
  /** pending (default): not yet done; overdue: pending past the deadline, never dialled; closed: done recently. */
  status?: 'pending' | 'overdue' | 'closed';
  queue?: string;
  tier?: string;
  /** Most rows returned (default 500). */
  limit?: number;
}

const MAX_REASON = 200;

/**
 * Supervisor operations on callbacks (GET/PATCH/DELETE /v1/callbacks):
 * list pending, overdue or closed callbacks; reschedule one to a time; cancel
 * one with a reason. Every change is checked against the callback as it is
 * in Redis at that moment, so a callback being dialled is never changed under
 * the connector (409 callback-busy).
 */
export class CallbackDesk {
  constructor(private readonly service: CallbackService, private readonly acd: Acd) {}

  async list(filter: CallbackFilter = {}): Promise<CallbackView[]> {
    const status = filter.status ?? 'pending';
    const limit = filter.limit ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new ValidationError('limit: a whole number from 1 to 10000', { field: 'limit' });
    const { store } = this.service;
    const now = this.service.now();
    let ids: string[];
    if (status === 'closed') ids = await store.closedIds(0, now - this.service.config.keepClosedSec * 1000, limit * 4);
    else if (status === 'overdue') ids = await store.overdueIds(now);
    else ids = await store.openIds();
    const callbacks = (await store.getMany(ids))
      .filter((cb) => (filter.queue === undefined || cb.queue === filter.queue) && (filter.tier === undefined || cb.tier === filter.tier))
      .filter((cb) => status !== 'overdue' || isOverdue(cb, now))
      .slice(0, limit);
    return this.views(callbacks, now);
  }

  async get(id: string): Promise<CallbackView> {
    const cb = await this.service.store.get(id);
    if (!cb) throw new NotFoundError('callback', id);
    return (await this.views([cb], this.service.now()))[0]!;
  }

  /**
   * Moves a pending callback to a time (e.g. when the customer asked to be
   * called): out of its queue until `at`, then back at its original place and
   * first in its queue at once, since its new deadline is `at` plus the
   * dispatch margin. `at` must be in the future, outside quiet hours, and no
   * later than maxRescheduleSec after the request.
   */
  async reschedule(id: string, change: { at: number; by: string }): Promise<CallbackView> {
    const by = checkActor(change.by);
    const cb = await this.pending(id);
    const { config, quiet } = this.service;
    const now = this.service.now();
    const at = change.at;
    if (typeof at !== 'number' || !Number.isFinite(at)) throw new ValidationError('at: a time is required', { field: 'at' });
    if (at <= now) throw new ValidationError('at: must be in the future', { field: 'at', now });
    if (quiet.isQuiet(at)) throw new ValidationError('at: falls in quiet hours, when customers are not called', { field: 'at', earliest: quiet.nextAllowed(at) });
    const latest = cb.requestedAt + config.maxRescheduleSec * 1000;
    if (at > latest) throw new ValidationError(`at: must be within ${config.maxRescheduleSec} s of the request`, { field: 'at', latest });
    const place = await this.acd.virtual.get(cb.id);
    if (place && place.state !== 'waiting') throw new CallbackBusyError(id);
    const deadline = at + config.dispatchMarginSec * 1000;
    const moved = await this.service.lifecycle.park(cb, 'rescheduled', at, {
      promoteAt: at,
      promoted: false,
      expiresAt: deadline + config.expireAfterSec * 1000,
    }, deadline);
    if (!moved) throw await this.conflict(id);
    this.service.record(cb, { type: 'callback-rescheduled', callbackId: cb.id, queue: cb.queue, tier: cb.tier, notBefore: at, by });
    return this.get(id);
  }

  /** Cancels a pending callback; the reason and who cancelled are recorded. */
  async cancel(id: string, change: { reason: string; by: string }): Promise<CallbackView> {
    const by = checkActor(change.by);
    const reason = typeof change.reason === 'string' ? change.reason.trim() : '';
    if (!reason || reason.length > MAX_REASON) throw new ValidationError(`reason: say why, in 1 to ${MAX_REASON} characters`, { field: 'reason' });
    const cb = await this.pending(id);
    const place = await this.acd.virtual.get(cb.id);
    if (place && place.state !== 'waiting') throw new CallbackBusyError(id);
    const closed = await this.service.lifecycle.close(cb, ['scheduled', 'waiting'], 'cancelled', { closedBy: by, closeReason: reason });
    if (!closed) throw await this.conflict(id);
    this.service.record(cb, { type: 'callback-outcome', callbackId: cb.id, queue: cb.queue, tier: cb.tier, outcome: 'cancelled', attempts: cb.attempts, by, reason });
    return this.get(id);
  }

  /** Pending and overdue callbacks by queue and by tier, for the realtime statistics. */
  async counts(): Promise<CallbacksNow> {
    const now = this.service.now();
    const out: CallbacksNow = { queues: {}, tiers: {} };
    const bump = (map: Record<string, CallbackCounts>, key: string, overdue: boolean) => {
      const c = (map[key] ??= { pending: 0, overdue: 0 });
      c.pending += 1;
      if (overdue) c.overdue += 1;
    };
    for (const cb of await this.service.store.getMany(await this.service.store.openIds())) {
      const overdue = isOverdue(cb, now);
      bump(out.queues, cb.queue, overdue);
      bump(out.tiers, cb.tier, overdue);
    }
    return out;
  }

  private async pending(id: string): Promise<Callback> {
    const cb = await this.service.store.get(id);
    if (!cb) throw new NotFoundError('callback', id);
    if (cb.state === 'dialling') throw new CallbackBusyError(id);
    if (!OPEN_STATES.includes(cb.state)) throw new CallbackClosedError(id, cb.state);
    return cb;
  }

  /** The callback changed between the read and the write: say how it is now. */
  private async conflict(id: string): Promise<Error> {
    const cb = await this.service.store.get(id);
    if (!cb) return new NotFoundError('callback', id);
    return cb.state === 'dialling' || OPEN_STATES.includes(cb.state) ? new CallbackBusyError(id) : new CallbackClosedError(id, cb.state);
  }

  private async views(callbacks: Callback[], now: number): Promise<CallbackView[]> {
    const places = new Map((await this.acd.virtual.all()).map((p) => [p.id, p]));
    const positions = new Map<string, number>();
    for (const queue of new Set(callbacks.filter((cb) => cb.state === 'waiting').map((cb) => cb.queue))) {
      for (const w of await this.acd.waiting(queue)) if (w.virtual) positions.set(w.callId, w.position);
    }
    return callbacks.map((cb) => {
      const place = places.get(cb.id);
      const offered = cb.state === 'waiting' && place !== undefined && place.state !== 'waiting';
      return {
        id: cb.id,
        queue: cb.queue,
        tier: cb.tier,
        number: maskPhone(cb.number),
        state: offered ? 'offered' : cb.state,
        scheduledBecause: cb.state === 'scheduled' ? cb.scheduledBecause : null,
        requestedAt: cb.requestedAt,
        enqueuedAt: cb.enqueuedAt,
        deadline: cb.deadline,
        overdue: isOverdue(cb, now),
        promoted: cb.promoted,
        position: positions.get(cb.id) ?? null,
        attempts: cb.attempts,
        maxAttempts: cb.maxAttempts,
        nextAttemptAt: cb.state === 'scheduled' ? cb.notBefore : null,
        lastResult: cb.lastResult,
        merged: cb.merged,
        closedAt: cb.closedAt,
        closedBy: cb.closedBy,
        closeReason: cb.closeReason,
      };
    });
  }
}

/** Pending, never dialled, and past its deadline. */
export function isOverdue(cb: Callback, now: number): boolean {
  return (cb.state === 'scheduled' || cb.state === 'waiting') && cb.attempts === 0 && now > cb.deadline;
}

function checkActor(by: unknown): string {
  if (typeof by !== 'string' || !by.trim()) throw new ValidationError('by: say who makes the change', { field: 'by' });
  return by.trim();
}
