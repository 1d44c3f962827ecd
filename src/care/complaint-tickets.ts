import type { Redis } from 'ioredis';
import { luaScripts } from '../infra/lua-scripts.js';
import type { TierId } from '../routing/types.js';
import { localDate } from '../time/time-zone.js';

export type ComplaintState = 'open' | 'resolved';

/** A complaint ticket, linked to the call that opened it. Times in ms since the epoch. */
export interface ComplaintTicket {
  /** Digits only, so it can be read out: YYYYMMDD + a 4-digit number of the day (e.g. 202601050007). */
  id: string;
  callId: string;
  tier: TierId;
  number: string;
  accountId: string | null;
  queue: string;
  openedAt: number;
  /** openedAt + the tier's complaintDeadlineSec. */
  dueAt: number;
  state: ComplaintState;
  resolvedAt: number | null;
  resolvedBy: string | null;
  note: string | null;
}

/**
 * Complaint tickets in Redis (`<prefix>:{care}`):
 *
 *   B:complaint:<id>            hash: the ticket
 *   B:complaints-open           open tickets, score = due time (overdue: score < now)
 *   B:complaints-resolved       resolved tickets, score = when resolved (also the retention index)
 *   B:complaint-call:<callId>   the ticket of a call: one ticket per call
 *   B:complaint-seq:<date>      the day's ticket counter
 */
export class ComplaintTickets {
  readonly base: string;

  constructor(private readonly redis: Redis, keyPrefix: string, private readonly timeZone: string) {
    this.base = `${keyPrefix}:{care}`;
    if (!defined.has(redis)) {
      redis.defineCommand('careComplaintOpen', { numberOfKeys: 1, lua: readLua('complaint-open.lua') });
      redis.defineCommand('careComplaintResolve', { numberOfKeys: 1, lua: readLua('complaint-resolve.lua') });
      redis.defineCommand('careComplaintPurge', { numberOfKeys: 1, lua: readLua('complaint-purge.lua') });
      defined.add(redis);
    }
  }

  /** Opens the call's ticket, or returns the one the call already has. */
  async open(input: Omit<ComplaintTicket, 'id' | 'state' | 'resolvedAt' | 'resolvedBy' | 'note'>): Promise<{ ticket: ComplaintTicket; created: boolean }> {
    const day = localDate(input.openedAt, this.timeZone).replace(/-/g, '');
    const fields = encode({ ...input, state: 'open', resolvedAt: null, resolvedBy: null, note: null });
    const fn = (this.redis as unknown as Record<string, (...a: string[]) => Promise<string>>).careComplaintOpen!;
    const raw = JSON.parse(await fn.call(this.redis, this.base, input.callId, day, JSON.stringify(fields), String(input.dueAt))) as { id: string; created: boolean };
    const ticket = await this.get(raw.id);
    if (!ticket) throw new Error(`complaint ticket ${raw.id} vanished`);
    return { ticket, created: raw.created };
  }

  async get(id: string): Promise<ComplaintTicket | null> {
    const h = await this.redis.hgetall(`${this.base}:complaint:${id}`);
    return Object.keys(h).length ? decode(h) : null;
  }

  async getMany(ids: readonly string[]): Promise<ComplaintTicket[]> {
    if (!ids.length) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(`${this.base}:complaint:${id}`);
    const rows = (await pipe.exec()) ?? [];
    return rows.map(([, h]) => h as Record<string, string>).filter((h) => h && Object.keys(h).length).map(decode);
  }

  /** Open tickets due before `before` (all open ones by default), soonest due first. */
  async openIds(before = Number.POSITIVE_INFINITY): Promise<string[]> {
    return this.redis.zrangebyscore(`${this.base}:complaints-open`, '-inf', before === Number.POSITIVE_INFINITY ? '+inf' : `(${before}`);
  }

  /** Resolved tickets, most recent first. */
  async resolvedIds(limit: number): Promise<string[]> {
    return this.redis.zrevrange(`${this.base}:complaints-resolved`, 0, limit - 1);
  }

  /** Resolves an open ticket: 'resolved', or why not. */
  async resolve(id: string, at: number, by: string, note: string): Promise<'resolved' | 'missing' | 'already-resolved'> {
    const fn = (this.redis as unknown as Record<string, (...a: string[]) => Promise<string>>).careComplaintResolve!;
    return (await fn.call(this.redis, this.base, id, String(at), by, note)) as 'resolved' | 'missing' | 'already-resolved';
  }

  /**
   * Deletes the tickets resolved before `cutoff` (ms), in batches through
   * `complaints-resolved`; returns how many. Open tickets are never deleted.
   */
  async purgeResolvedBefore(cutoff: number): Promise<number> {
    const fn = (this.redis as unknown as Record<string, (...a: string[]) => Promise<number>>).careComplaintPurge!;
    let total = 0;
    for (;;) {
      const before = await this.redis.zcount(`${this.base}:complaints-resolved`, '-inf', `(${cutoff}`);
      if (before === 0) return total;
      total += await fn.call(this.redis, this.base, String(cutoff), String(PURGE_BATCH));
    }
  }
}

const defined = new WeakSet<Redis>();

/** Tickets deleted by one script run: short enough not to hold Redis up. */
const PURGE_BATCH = 500;

// complaint-open.lua ARGV: call id, day (YYYYMMDD), fields JSON, due
// complaint-resolve.lua ARGV: id, at, by, note
// complaint-purge.lua ARGV: cutoff (ms), batch size
const readLua = luaScripts('care/lua');

function encode(t: Partial<ComplaintTicket>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) {
    if (v === undefined) continue;
    out[k] = v === null ? '' : String(v);
  }
  return out;
}

function decode(h: Record<string, string>): ComplaintTicket {
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  return {
    id: h.id ?? '',
    callId: h.callId ?? '',
    tier: (h.tier ?? 'standard') as TierId,
    number: h.number ?? '',
    accountId: h.accountId || null,
    queue: h.queue ?? '',
    openedAt: Number(h.openedAt ?? 0),
    dueAt: Number(h.dueAt ?? 0),
    state: (h.state ?? 'open') as ComplaintState,
    resolvedAt: num(h.resolvedAt),
    resolvedBy: h.resolvedBy || null,
    note: h.note || null,
  };
}
