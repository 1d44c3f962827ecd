import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { luaScripts } from '../infra/lua-scripts.js';
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
 * How long an attempt stays reserved when its instance never settles it (it
 * died mid-check): longer than any comparison, short enough not to keep an
 * honest caller out for long.
 */
const RESERVATION_MS = 60_000;

type ReserveReply = ['locked' | 'busy' | 'reserved', number];
type SettleReply = ['ok'] | ['wrong', number] | ['locked', number] | ['released'];
type Outcome = 'ok' | 'wrong' | 'release';

/**
 * Service-password checks with a lock-out shared by every instance. Keys, one
 * hash tag per account so both scripts stay on one cluster slot:
 *
 *   <prefix>:{pw:<account>}:fail     wrong attempts counted, expiring with the lock window
 *   <prefix>:{pw:<account>}:lock     the lock, with its TTL
 *   <prefix>:{pw:<account>}:pending  attempts being compared right now (token -> lapse time)
 *
 * An attempt is reserved in Redis before the PIN is compared, and refused if
 * the account is locked or if the wrong attempts counted plus those in flight
 * already reach the limit: parallel lines of one account, on any instance, get
 * no more guesses together than one line alone. After the comparison a wrong
 * PIN turns its reservation into a counted failure (locking at the limit) and a
 * right PIN is let in only if the account did not lock meanwhile. The PIN
 * itself is never stored, logged or recorded.
 */
export class PasswordGuard {
  private readonly keysOf: (accountId: string) => [fail: string, lock: string, pending: string];

  constructor(private readonly options: PasswordGuardOptions) {
    this.keysOf = (a) => {
      const base = `${options.keyPrefix}:{pw:${a}}`;
      return [`${base}:fail`, `${base}:lock`, `${base}:pending`];
    };
  }

  /** Seconds the account stays locked; 0 when it is not locked. */
  async lockedFor(accountId: string): Promise<number> {
    return this.lockSeconds(await this.options.redis.ttl(this.keysOf(accountId)[1]));
  }

  async check(accountId: string, pin: string): Promise<PasswordCheck> {
    const token = randomUUID();
    const keys = this.keysOf(accountId);
    const [state, sec] = (await this.options.redis.eval(
      script('password-reserve.lua'), keys.length, ...keys, token, String(this.options.maxAttempts), String(RESERVATION_MS),
    )) as ReserveReply;
    if (state === 'locked') return { result: 'locked', lockedForSec: this.lockSeconds(sec) };
    // Attempts in flight on other lines could use up what is left: refused
    // unchecked, as locked until they are settled.
    if (state === 'busy') return { result: 'locked', lockedForSec: sec };

    let valid: boolean;
    try {
      valid = /^\d{6}$/.test(pin) && (await this.options.customers.verifyPassword(accountId, pin));
    } catch (err) {
      // The backend could not compare it: the attempt is given back, not counted.
      await this.settle(keys, token, 'release').catch(() => {});
      throw err;
    }
    const reply = await this.settle(keys, token, valid ? 'ok' : 'wrong');
    if (reply[0] === 'ok') return { result: 'ok' };
    if (reply[0] === 'wrong') return { result: 'wrong', attemptsLeft: reply[1] };
    if (reply[0] === 'locked') return { result: 'locked', lockedForSec: this.lockSeconds(reply[1]) };
    throw new Error(`unexpected password settle reply ${JSON.stringify(reply)}`);
  }

  /** Lock an account (supervisor action, or seeding a locked sample). */
  async lock(accountId: string, seconds = this.options.lockMinutes * 60): Promise<void> {
    await this.options.redis.set(this.keysOf(accountId)[1], '1', 'EX', seconds);
  }

  async unlock(accountId: string): Promise<void> {
    const [fail, lock] = this.keysOf(accountId);
    await this.options.redis.del(lock, fail);
  }

  private async settle(keys: string[], token: string, outcome: Outcome): Promise<SettleReply> {
    const windowSec = this.options.lockMinutes * 60;
    return (await this.options.redis.eval(
      script('password-settle.lua'), keys.length, ...keys, token, outcome, String(this.options.maxAttempts), String(windowSec),
    )) as SettleReply;
  }

  /** A lock's TTL as seconds left: a lock without expiry counts as a full window. */
  private lockSeconds(ttl: number): number {
    return ttl > 0 ? ttl : ttl === -1 ? this.options.lockMinutes * 60 : 0;
  }
}

const readLua = luaScripts('customers/lua');
const scripts = new Map<string, string>();

function script(file: string): string {
  let text = scripts.get(file);
  if (text === undefined) scripts.set(file, (text = readLua(file)));
  return text;
}
