import type { Redis } from 'ioredis';
import { hashPassword, verifyPasswordHash } from '../customers/password-hash.js';
import { AppError, ValidationError } from '../errors.js';
import { systemClock, type Clock } from '../time/clock.js';

/** Digits only, so it can be typed on a phone too; six at least, as a bank card's. */
export const PIN_PATTERN = /^\d{6,12}$/;
export const PIN_RULE = 'must be 6 to 12 digits';

export interface AgentPinsOptions {
  redis: Redis;
  keyPrefix: string;
  /** Wrong PINs in a row that lock the agent's sign-in. */
  maxAttempts: number;
  lockMinutes: number;
  clock?: Clock;
}

/** Wrong agent id or PIN: one answer for both, so it does not tell which agent ids have a PIN. */
export class SignInRefusedError extends AppError {
  constructor(attemptsLeft: number) {
    super(401, 'invalid-sign-in', 'unknown agent id or wrong PIN', { attemptsLeft });
  }
}

/** Too many wrong PINs: answered 429 with Retry-After. */
export class SignInLockedError extends AppError {
  constructor(readonly retryAfterSec: number) {
    super(429, 'sign-in-locked', `too many wrong PINs: this agent's sign-in is locked for ${retryAfterSec} s (an admin can set a new PIN)`, { retryAfterSec });
  }
}

/**
 * Agents' desk PINs, scrypt-hashed (the service passwords' hash), with a
 * lock-out shared by every instance:
 *
 *   <prefix>:desk-pin:<agent>        the PIN's hash and when it was set
 *   <prefix>:desk-pin:<agent>:fail   attempts counted, expiring with the lock window
 *   <prefix>:desk-pin:<agent>:lock   the lock, with its TTL
 *
 * Every attempt is counted before the PIN is compared and the count is
 * cleared only by a right PIN, so parallel attempts on any instance get no
 * more guesses together than one after the other. The PIN itself is never
 * stored, logged or audited.
 */
export class AgentPins {
  private readonly prefix: string;
  private readonly clock: Clock;

  constructor(private readonly options: AgentPinsOptions) {
    this.prefix = `${options.keyPrefix}:desk-pin`;
    this.clock = options.clock ?? systemClock;
  }

  /** Sets (or replaces) an agent's PIN and lifts a lock: an admin's answer to a forgotten PIN. */
  async set(agentId: string, pin: string): Promise<void> {
    if (!PIN_PATTERN.test(pin)) throw new ValidationError(`pin: ${PIN_RULE}`, { field: 'pin' });
    const hash = await hashPassword(pin);
    await this.options.redis.multi()
      .hset(this.keyOf(agentId), 'hash', hash, 'setAt', String(this.clock.now()))
      .del(`${this.keyOf(agentId)}:fail`, `${this.keyOf(agentId)}:lock`)
      .exec();
  }

  /** Removes an agent's PIN: they can no longer sign in (a key still works). True when one was set. */
  async clear(agentId: string): Promise<boolean> {
    return (await this.options.redis.del(this.keyOf(agentId))) === 1;
  }

  async isSet(agentId: string): Promise<boolean> {
    return (await this.options.redis.hexists(this.keyOf(agentId), 'hash')) === 1;
  }

  /** Resolves when the PIN is the agent's; SignInRefusedError or SignInLockedError otherwise. */
  async check(agentId: string, pin: string): Promise<void> {
    const key = this.keyOf(agentId);
    const { redis, maxAttempts } = this.options;
    const lockMs = this.options.lockMinutes * 60_000;
    const lockTtl = await redis.pttl(`${key}:lock`);
    if (lockTtl > 0) throw new SignInLockedError(Math.ceil(lockTtl / 1000));
    const [[, counted]] = (await redis.multi().incr(`${key}:fail`).pexpire(`${key}:fail`, lockMs).exec()) as [[null, number], unknown];
    if (counted > maxAttempts) throw await this.lock(key, lockMs);
    const stored = await redis.hget(key, 'hash');
    // An agent without a PIN costs the same comparison, so timing does not tell which agents have one.
    const right = await verifyPasswordHash(pin, stored ?? UNKNOWN_AGENT_HASH) && stored !== null && PIN_PATTERN.test(pin);
    if (right) {
      await redis.del(`${key}:fail`);
      return;
    }
    if (counted >= maxAttempts) throw await this.lock(key, lockMs);
    throw new SignInRefusedError(maxAttempts - counted);
  }

  private async lock(key: string, lockMs: number): Promise<SignInLockedError> {
    await this.options.redis.multi().set(`${key}:lock`, '1', 'PX', lockMs).del(`${key}:fail`).exec();
    return new SignInLockedError(Math.ceil(lockMs / 1000));
  }

  private keyOf(agentId: string): string {
    return `${this.prefix}:${agentId}`;
  }
}

/** A hash no PIN matches (its salt and hash are zeros), with the same cost as a real one. */
const UNKNOWN_AGENT_HASH = `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;
