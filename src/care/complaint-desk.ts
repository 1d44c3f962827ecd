import { systemClock, type Clock } from '../time/clock.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import { AppError, NotFoundError, ValidationError } from '../errors.js';
import { maskAccount, maskPhone } from '../log/mask.js';
import type { ComplaintState, ComplaintTicket, ComplaintTickets } from './complaint-tickets.js';

/** A complaint ticket as a supervisor sees it (number and account masked). Times in ms since the epoch. */
export interface ComplaintView {
  id: string;
  callId: string;
  tier: string;
  number: string;
  account: string;
  queue: string;
  openedAt: number;
  dueAt: number;
  state: ComplaintState;
  /** Open past its due time, or resolved after it. */
  overdue: boolean;
  resolvedAt: number | null;
  resolvedBy: string | null;
  note: string | null;
}

/** The ticket was resolved already. */
export class ComplaintResolvedError extends AppError {
  constructor(id: string) {
    super(409, 'complaint-resolved', `complaint ticket ${id} is already resolved`, { id });
  }
}

const MAX_NOTE = 2000;

/**
 * Supervisor operations on complaint tickets: list open, overdue (open past
 * the tier's deadline) or resolved tickets; resolve one with a note, saying
 * who did (recorded as `complaint-resolved` on the call's record).
 */
export class ComplaintDesk {
  private readonly clock: Clock;

  constructor(private readonly tickets: ComplaintTickets, private readonly recorder: CallRecordLog, clock?: Clock) {
    this.clock = clock ?? systemClock;
  }

  async list(filter: { status?: 'open' | 'overdue' | 'resolved'; tier?: string; limit?: number } = {}): Promise<ComplaintView[]> {
    const status = filter.status ?? 'open';
    const limit = filter.limit ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new ValidationError('limit: a whole number from 1 to 10000', { field: 'limit' });
    const now = this.clock.now();
    const ids = status === 'resolved'
      ? await this.tickets.resolvedIds(limit * 4)
      : await this.tickets.openIds(status === 'overdue' ? now : Number.POSITIVE_INFINITY);
    return (await this.tickets.getMany(ids))
      .filter((t) => filter.tier === undefined || t.tier === filter.tier)
      .slice(0, limit)
      .map((t) => view(t, now));
  }

  async get(id: string): Promise<ComplaintView> {
    const ticket = await this.tickets.get(id);
    if (!ticket) throw new NotFoundError('complaint', id);
    return view(ticket, this.clock.now());
  }

  async resolve(id: string, change: { note: string; by: string }): Promise<ComplaintView> {
    const by = typeof change.by === 'string' ? change.by.trim() : '';
    if (!by) throw new ValidationError('by: say who resolved it', { field: 'by' });
    const note = typeof change.note === 'string' ? change.note.trim() : '';
    if (!note || note.length > MAX_NOTE) throw new ValidationError(`note: say how it was resolved, in 1 to ${MAX_NOTE} characters`, { field: 'note' });
    const now = this.clock.now();
    const result = await this.tickets.resolve(id, now, by, note);
    if (result === 'missing') throw new NotFoundError('complaint', id);
    if (result === 'already-resolved') throw new ComplaintResolvedError(id);
    const ticket = (await this.tickets.get(id))!;
    await this.recorder.append(ticket.callId, { type: 'complaint-resolved', ticketId: id, tier: ticket.tier, by, overdue: now > ticket.dueAt }, now);
    return view(ticket, now);
  }
}

function view(t: ComplaintTicket, now: number): ComplaintView {
  return {
    id: t.id,
    callId: t.callId,
    tier: t.tier,
    number: maskPhone(t.number),
    account: maskAccount(t.accountId),
    queue: t.queue,
    openedAt: t.openedAt,
    dueAt: t.dueAt,
    state: t.state,
    overdue: t.state === 'open' ? now > t.dueAt : (t.resolvedAt ?? 0) > t.dueAt,
    resolvedAt: t.resolvedAt,
    resolvedBy: t.resolvedBy,
    note: t.note,
  };
}
