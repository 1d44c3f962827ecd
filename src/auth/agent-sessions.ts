import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../time/clock.js';
import type { ApiKeyRecord } from './api-key-store.js';
import { hashSecret, secretMatches } from './api-key.js';
import { UnauthorizedError } from './auth-errors.js';

/** A shift: the desk asks for the PIN again the next working day. */
export const DEFAULT_SESSION_TTL_MS = 8 * 3600_000;

const TOKEN_PATTERN = /^ds_[A-Za-z0-9_-]{43}$/;
const ID_PATTERN = /^ds-[0-9a-f]{12}$/;

export interface AgentSessionsOptions {
  redis: Redis;
  keyPrefix: string;
  clock?: Clock;
  ttlMs?: number;
}

/** Whether a presented credential is a desk session token rather than an API key. */
export function isSessionToken(text: string): boolean {
  return text.startsWith('ds_');
}

/** Whether a key id names a desk session (stream tickets and open streams name their key by id). */
export function isSessionId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * What an agent gets for signing in at the desk with their id and PIN: a
 * token `ds_<43 base64url>` that stands for an `agent` key bound to them
 * until it expires (default 8 hours) or they sign out. Redis keeps only a
 * hash of the token (as for API keys: 256 random bits need no slow hash),
 * under `<prefix>:desk-session:<id>` with the session's own expiry, so an
 * abandoned session disappears by itself. The id (`ds-` and 12 hex digits,
 * taken from the hash) names the session in the audit trail and streams.
 */
export class AgentSessions {
  private readonly prefix: string;
  private readonly clock: Clock;
  readonly ttlMs: number;

  constructor(private readonly options: AgentSessionsOptions) {
    this.prefix = `${options.keyPrefix}:desk-session`;
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  }

  async open(agentId: string): Promise<{ token: string; record: ApiKeyRecord }> {
    const token = `ds_${randomBytes(32).toString('base64url')}`;
    const hash = hashSecret(token);
    const id = idOf(hash);
    const createdAt = this.clock.now();
    const expiresAt = createdAt + this.ttlMs;
    await this.options.redis.multi()
      .hset(this.keyOf(id), 'hash', hash, 'agentId', agentId, 'createdAt', String(createdAt), 'expiresAt', String(expiresAt))
      .pexpire(this.keyOf(id), this.ttlMs)
      .exec();
    return { token, record: toRecord(id, agentId, createdAt, expiresAt) };
  }

  async verify(token: string): Promise<ApiKeyRecord> {
    if (!TOKEN_PATTERN.test(token)) throw new UnauthorizedError('malformed-api-key', 'the desk session token is not of the form ds_<43 base64url characters>');
    const hash = hashSecret(token);
    const fields = await this.options.redis.hgetall(this.keyOf(idOf(hash)));
    if (!fields.hash || !secretMatches(token, fields.hash)) throw new UnauthorizedError('invalid-api-key', 'unknown or ended desk session: sign in again');
    return this.check(idOf(hash), fields);
  }

  /** The session named by id, if it is still open (for stream tickets and open streams). */
  async active(id: string): Promise<ApiKeyRecord> {
    const fields = isSessionId(id) ? await this.options.redis.hgetall(this.keyOf(id)) : {};
    if (!fields.hash) throw new UnauthorizedError('invalid-api-key', 'unknown or ended desk session: sign in again');
    return this.check(id, fields);
  }

  /** Ends a session at once (signing out); true when it was open. */
  async end(id: string): Promise<boolean> {
    if (!isSessionId(id)) return false;
    return (await this.options.redis.del(this.keyOf(id))) === 1;
  }

  private check(id: string, fields: Record<string, string>): ApiKeyRecord {
    const expiresAt = Number(fields.expiresAt);
    if (!(this.clock.now() < expiresAt)) throw new UnauthorizedError('api-key-expired', 'the desk session has expired: sign in again');
    return toRecord(id, fields.agentId ?? '', Number(fields.createdAt), expiresAt);
  }

  private keyOf(id: string): string {
    return `${this.prefix}:${id}`;
  }
}

function idOf(hash: string): string {
  return `ds-${hash.slice(0, 12)}`;
}

function toRecord(id: string, agentId: string, createdAt: number, expiresAt: number): ApiKeyRecord {
  return { id, name: `agent ${agentId} (desk sign-in)`, role: 'agent', agentId, createdAt, lastUsedAt: null, revokedAt: null, expiresAt };
}
