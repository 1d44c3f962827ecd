import type { Redis } from 'ioredis';
import type { Role } from './roles.js';

/** Who made a change: the API key used, by id and name. */
export interface AuditActor {
  keyId: string;
  name: string;
  role: Role;
}

export interface AuditRecord {
  at: number;
  actor: AuditActor;
  /** What was done, e.g. queue.update, tier.update, routing.rollback, agent.state, key.revoke. */
  action: string;
  /** The queue, tier, agent or key changed; null for the routing as a whole. */
  target: string | null;
  before: unknown;
  after: unknown;
  /** Routing version the change produced, for routing changes. */
  routingVersion: number | null;
}

export interface AuditEntry extends AuditRecord {
  /** Stream id; pass it as `before` to page back. */
  id: string;
}

export interface AuditLogOptions {
  redis: Redis;
  keyPrefix: string;
  /** Approximate number of entries kept. Default 100,000. */
  maxEntries?: number;
}

/**
 * Every change made through the supervisor API — who, when, what, before and
 * after — in one Redis stream shared by all instances, newest read first.
 * Routing changes are appended by PolicySync in the same atomic step as the
 * change itself (see `encode`), so none is ever applied unaudited.
 */
export class AuditLog {
  readonly key: string;
  readonly maxEntries: number;

  constructor(private readonly options: AuditLogOptions) {
    this.key = `${options.keyPrefix}:audit`;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /** The stream field value of a record. */
  static encode(record: AuditRecord): string {
    return JSON.stringify(record);
  }

  async append(record: AuditRecord): Promise<string> {
    const id = await this.options.redis.xadd(this.key, 'MAXLEN', '~', String(this.maxEntries), '*', 'entry', AuditLog.encode(record));
    return id ?? '';
  }

  /** Newest first: `limit` entries older than the entry `before` (or the newest ones). */
  async list(limit: number, before?: string): Promise<AuditEntry[]> {
    const end = before === undefined ? '+' : `(${before}`;
    const rows = await this.options.redis.xrevrange(this.key, end, '-', 'COUNT', limit);
    const out: AuditEntry[] = [];
    for (const [id, fields] of rows) {
      const i = fields.indexOf('entry');
      if (i < 0 || i + 1 >= fields.length) continue;
      try {
        out.push({ id, ...(JSON.parse(fields[i + 1]!) as AuditRecord) });
      } catch {
        // An unreadable entry is skipped rather than hiding every other one.
      }
    }
    return out;
  }
}

/** How routing versions name who changed them: "alice (key 3f2a…)". */
export function actorLabel(actor: AuditActor): string {
  return `${actor.name} (key ${actor.keyId})`;
}
