import type { Redis } from 'ioredis';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors.js';
import { luaScripts } from '../infra/lua-scripts.js';
import { systemClock, type Clock } from '../time/clock.js';
import { API_KEY_FORMAT, generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key.js';
import { ApiKeyConflictError, UnauthorizedError } from './auth-errors.js';
import { roleSchema, type Role } from './roles.js';
import { StreamTickets } from './stream-tickets.js';
import { AgentSessions, isSessionId, isSessionToken } from './agent-sessions.js';

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  /** Last authenticated request, to within `lastUsedResolutionMs`; null if never used. */
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** From this time on the key is refused (401 api-key-expired); null if it does not expire. */
  expiresAt: number | null;
  /** The one agent an `agent` key (or desk session) works for; null for every other role. */
  agentId: string | null;
}

export interface CreateKeyInput {
  role: Role;
  name: string;
  /** Use this key instead of generating one (the demo's IVR_DEMO_KEY); must have the key format. */
  key?: string;
  /** When the key expires (ms since the epoch); in the future. At most one of this and `expiresInDays`. */
  expiresAt?: number;
  /** The key expires this many days after it is created. */
  expiresInDays?: number;
  /** The agent an `agent` key is bound to; required for that role and refused for the others. */
  agentId?: string;
}

export interface ApiKeyStoreOptions {
  redis: Redis;
  keyPrefix: string;
  /** Where creation, use and revocation times are read; the wall clock by default. */
  clock?: Clock;
  /** Last-used times are written at most this often per key, not on every request. Default 60 s. */
  lastUsedResolutionMs?: number;
  /** How long an agent's desk sign-in lasts. Default 8 hours. */
  sessionTtlMs?: number;
}

/**
 * A key's name is shown in lists, logs and the audit trail, so it must read
 * as what it is: printable characters only. Refused: control characters,
 * format characters (bidi overrides and isolates such as U+202E and U+2066,
 * zero-width spaces and joiners, soft hyphens, byte-order marks), line and
 * paragraph separators, private-use, unassigned and lone surrogate code
 * points — anything that could make "invoice\u202Egnp.exe" read as
 * "invoiceexe.png".
 */
export const apiKeyNameSchema = z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters')
  .regex(/^[^\p{C}\p{Zl}\p{Zp}]*$/u, 'must contain printable characters only (no control, bidi, zero-width or other format characters)');

const DAY_MS = 86_400_000;
/** Ten years: a longer life is no expiry at all. */
export const MAX_KEY_LIFE_DAYS = 3650;

/** An agent id as the ACD spells it (agent-schema.ts): the extension, usually. */
export const agentIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, 'must be an agent id: 1-32 letters, digits, _ . -');

export const expiresInDaysSchema = z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_KEY_LIFE_DAYS, `must be at most ${MAX_KEY_LIFE_DAYS}`);

const createSchema = z.object({
  role: roleSchema,
  name: apiKeyNameSchema,
  key: z.string().optional(),
  expiresAt: z.number().int('must be a time in whole milliseconds').optional(),
  expiresInDays: expiresInDaysSchema.optional(),
  agentId: agentIdSchema.optional(),
}).strict().refine((input) => input.expiresAt === undefined || input.expiresInDays === undefined, {
  message: 'give expiresAt or expiresInDays, not both',
  path: ['expiresAt'],
}).refine((input) => (input.role === 'agent') === (input.agentId !== undefined), {
  message: 'an agent key names its agent (agentId); other roles take none',
  path: ['agentId'],
});

// create-key.lua creates the key unless its id is taken; returns 1, or the stored hash and revocation of the key in the way.
const readLua = luaScripts('auth/lua');
/** Read on the first key created, then kept: later keys read no file. */
let createScript: string | undefined;

/**
 * API keys in Redis, shared by every instance, so a key created or revoked
 * anywhere counts everywhere from the next request. A revoked key is kept
 * (listed as revoked) so the audit trail can still name it.
 */
export class ApiKeyStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly clock: Clock;
  private readonly resolutionMs: number;
  /** Single-use tickets that stand for a key when opening /v1/stream. */
  readonly tickets: StreamTickets;
  /** Agents' desk sign-ins (agent id and PIN): short-lived sessions that stand for an agent key. */
  readonly sessions: AgentSessions;

  constructor(options: ApiKeyStoreOptions) {
    this.redis = options.redis;
    this.prefix = `${options.keyPrefix}:api-key`;
    this.clock = options.clock ?? systemClock;
    this.resolutionMs = options.lastUsedResolutionMs ?? 60_000;
    this.tickets = new StreamTickets({ redis: options.redis, keyPrefix: options.keyPrefix, clock: this.clock });
    this.sessions = new AgentSessions({ redis: options.redis, keyPrefix: options.keyPrefix, clock: this.clock, ...(options.sessionTtlMs ? { ttlMs: options.sessionTtlMs } : {}) });
  }

  /** The pub/sub channel a revoked key's id is published on, so every instance ends what the key holds open. */
  get revocationChannel(): string {
    return `${this.prefix}:revocations`;
  }

  /**
   * A new key; the key itself is returned only here. Creating again with the
   * same given key is harmless (the demo restarting on the same Redis): the
   * name and role are updated, unless the key was revoked.
   */
  async create(input: CreateKeyInput): Promise<{ key: string; record: ApiKeyRecord }> {
    const parsed = createSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(input)', message: i.message }));
      throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues });
    }
    const { role, name } = parsed.data;
    const createdAt = this.clock.now();
    const expiresAt = this.expiryOf(parsed.data, createdAt);
    let parts: { key: string; id: string; secret: string };
    if (parsed.data.key !== undefined) {
      const given = parseApiKey(parsed.data.key);
      if (!given) throw new ValidationError(`key: must have the form ${API_KEY_FORMAT}`, { field: 'key' });
      parts = { ...given, key: parsed.data.key };
    } else {
      parts = generateApiKey();
    }
    const hash = hashSecret(parts.secret);
    const agentId = parsed.data.agentId ?? '';
    const result = await this.redis.eval(createScript ??= readLua('create-key.lua'), 2, this.keyOf(parts.id), this.indexKey, name, role, hash, String(createdAt), parts.id, expiresAt === null ? '' : String(expiresAt), agentId) as 1 | [string | null, string | null];
    if (result !== 1) {
      const [storedHash, revokedAt] = result;
      if (parsed.data.key === undefined || !storedHash || !secretMatches(parts.secret, storedHash)) {
        throw new ApiKeyConflictError(parts.id, 'already exists');
      }
      if (revokedAt) throw new ApiKeyConflictError(parts.id, 'was revoked and cannot be created again');
      await this.redis.hset(this.keyOf(parts.id), 'name', name, 'role', role);
      if (agentId === '') await this.redis.hdel(this.keyOf(parts.id), 'agentId');
      else await this.redis.hset(this.keyOf(parts.id), 'agentId', agentId);
      if (expiresAt === null) await this.redis.hdel(this.keyOf(parts.id), 'expiresAt');
      else await this.redis.hset(this.keyOf(parts.id), 'expiresAt', String(expiresAt));
    }
    return { key: parts.key, record: (await this.get(parts.id))! };
  }

  /** Every key, revoked ones included, oldest first. */
  async list(): Promise<ApiKeyRecord[]> {
    const ids = await this.redis.smembers(this.indexKey);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is ApiKeyRecord => r !== null).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    const fields = await this.redis.hgetall(this.keyOf(id));
    return toRecord(id, fields);
  }

  /** Revokes a key at once on every instance; revoking twice keeps the first time. */
  async revoke(id: string): Promise<ApiKeyRecord> {
    if (!/^[0-9a-f]{12}$/.test(id)) throw new NotFoundError('api-key', id);
    const key = this.keyOf(id);
    if (!(await this.redis.exists(key))) throw new NotFoundError('api-key', id);
    await this.redis.hsetnx(key, 'revokedAt', String(this.clock.now()));
    await this.redis.publish(this.revocationChannel, id);
    return (await this.get(id))!;
  }

  /** The record of a presented key, or UnauthorizedError saying what is wrong with it. */
  async verify(presented: string): Promise<ApiKeyRecord> {
    if (isSessionToken(presented)) return this.sessions.verify(presented);
    const parts = parseApiKey(presented);
    if (!parts) throw new UnauthorizedError('malformed-api-key', `the API key is not of the form ${API_KEY_FORMAT}`);
    const fields = await this.redis.hgetall(this.keyOf(parts.id));
    const record = toRecord(parts.id, fields);
    if (!record || !fields.hash || !secretMatches(parts.secret, fields.hash)) {
      throw new UnauthorizedError('invalid-api-key', 'unknown API key');
    }
    const now = this.clock.now();
    refuseIfInactive(record, now);
    if (record.lastUsedAt === null || now - record.lastUsedAt >= this.resolutionMs) {
      record.lastUsedAt = now;
      await this.redis.hset(this.keyOf(parts.id), 'lastUsedAt', String(now));
    }
    return record;
  }

  /**
   * The record of a key named by id, if it may still be used: for a stream
   * ticket, which stands for a key already verified, and for open streams
   * checking that their key still holds.
   */
  async active(id: string): Promise<ApiKeyRecord> {
    if (isSessionId(id)) return this.sessions.active(id);
    const record = /^[0-9a-f]{12}$/.test(id) ? await this.get(id) : null;
    if (!record) throw new UnauthorizedError('invalid-api-key', 'unknown API key');
    refuseIfInactive(record, this.clock.now());
    return record;
  }

  private expiryOf(input: { expiresAt?: number | undefined; expiresInDays?: number | undefined }, now: number): number | null {
    if (input.expiresInDays !== undefined) return now + input.expiresInDays * DAY_MS;
    if (input.expiresAt === undefined) return null;
    if (input.expiresAt <= now) throw new ValidationError('expiresAt: must be in the future', { issues: [{ field: 'expiresAt', message: 'must be in the future' }] });
    if (input.expiresAt > now + MAX_KEY_LIFE_DAYS * DAY_MS) {
      throw new ValidationError(`expiresAt: must be at most ${MAX_KEY_LIFE_DAYS} days away`, { issues: [{ field: 'expiresAt', message: `must be at most ${MAX_KEY_LIFE_DAYS} days away` }] });
    }
    return input.expiresAt;
  }

  private get indexKey(): string {
    return `${this.prefix}s`;
  }

  private keyOf(id: string): string {
    return `${this.prefix}:${id}`;
  }
}

function refuseIfInactive(record: ApiKeyRecord, now: number): void {
  if (record.revokedAt !== null) throw new UnauthorizedError('revoked-api-key', `API key ${record.id} was revoked`);
  if (record.expiresAt !== null && now >= record.expiresAt) {
    throw new UnauthorizedError('api-key-expired', `API key ${record.id} expired at ${new Date(record.expiresAt).toISOString()}`);
  }
}

function toRecord(id: string, fields: Record<string, string>): ApiKeyRecord | null {
  const role = roleSchema.safeParse(fields.role);
  if (!role.success || fields.name === undefined || fields.createdAt === undefined) return null;
  return {
    id,
    name: fields.name,
    role: role.data,
    createdAt: Number(fields.createdAt),
    lastUsedAt: fields.lastUsedAt ? Number(fields.lastUsedAt) : null,
    revokedAt: fields.revokedAt ? Number(fields.revokedAt) : null,
    expiresAt: fields.expiresAt ? Number(fields.expiresAt) : null,
    agentId: fields.agentId || null,
  };
}
