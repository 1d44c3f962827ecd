import type { Redis } from 'ioredis';
import type { CustomerData } from './customer-data.js';

export type PasswordCheck =
  | { result: 'ok' }
  | { result: 'wrong'; attemptsLeft: number }
  | { result: 'locked'; lockedForSec: number };

export interface PasswordGuardOptions {
  redis: Redis;
  keyPrefix: string;
  customers: CustomerData;
  maxAttempts: number;
  lockMinutes: number;
}

/**
 * Service-password checks with a lock-out shared by every instance: wrong
 * attempts are counted in Redis (`<prefix>:pw-fail:<account>`, expiring with the
 * lock window) and the lock is a key with a TTL (`<prefix>:pw-lock:<account>`).
 * The PIN itself is never stored, logged or recorded.
 */
export class PasswordGuard {
  private readonly failKey: (accountId: string) => string;
  private readonly lockKey: (accountId: string) => string;

  constructor(private readonly options: PasswordGuardOptions) {
    this.failKey = (a) => `${options.keyPrefix}:pw-fail:${a}`;
    this.lockKey = (a) => `${options.keyPrefix}:pw-lock:${a}`;
  }

  /** Seconds the account stays locked; 0 when it is not locked. */
  async lockedFor(accountId: string): Promise<number> {
    const ttl = await this.options.redis.ttl(this.lockKey(accountId));
    return ttl > 0 ? ttl : ttl === -1 ? this.options.lockMinutes * 60 : 0;
  }

  async check(accountId: string, pin: string): Promise<PasswordCheck> {
    const locked = await this.lockedFor(accountId);
    if (locked > 0) return { result: 'locked', lockedForSec: locked };
    const valid = /^\d{6}$/.test(pin) && (await this.options.customers.verifyPassword(accountId, pin));
    const { redis } = this.options;
    if (valid) {
      await redis.del(this.failKey(accountId));
      return { result: 'ok' };
    }
    const windowSec = this.options.lockMinutes * 60;
    const [[, failures]] = (await redis.multi()
      .incr(this.failKey(accountId))
      .expire(this.failKey(accountId), windowSec)
      .exec()) as [[Error | null, number], [Error | null, number]];
    if (failures >= this.options.maxAttempts) {
      await redis.multi().set(this.lockKey(accountId), '1', 'EX', windowSec).del(this.failKey(accountId)).exec();
      return { result: 'locked', lockedForSec: windowSec };
    }
    return { result: 'wrong', attemptsLeft: this.options.maxAttempts - failures };
  }

  /** Lock an account (supervisor action, or seeding a locked sample). */
  async lock(accountId: string, seconds = this.options.lockMinutes * 60): Promise<void> {
    await this.options.redis.set(this.lockKey(accountId), '1', 'EX', seconds);
  }

  async unlock(accountId: string): Promise<void> {
    await this.options.redis.del(this.lockKey(accountId), this.failKey(accountId));
  }
}
