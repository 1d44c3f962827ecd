import type { Redis } from 'ioredis';
import { normalisePhone } from '../customers/customer-data.js';

/** Why a number is on the list: pressed 9 in a campaign's call, or put there through the API (one by one or a CSV import). */
export interface DoNotCallEntry {
  number: string;
  addedAt: number;
  /** `campaign:<id>` (the customer pressed 9) or `api:<key name>`. */
  source: string;
}

/**
 * The do-not-call list, shared by every campaign and instance
 * (`<prefix>:{cmp}:dnc`, a hash number → entry). Every campaign's dial
 * checks it in the same step as the dial is started and again when it is
 * claimed, so a number added meanwhile is never called.
 */
export class DoNotCallList {
  readonly key: string;

  constructor(private readonly redis: Redis, base: string) {
    this.key = `${base}:dnc`;
  }

  /** The number as the list keeps it: digits, without +86 / 0086. */
  static normalise(number: string): string {
    return normalisePhone(number);
  }

  /** Adds numbers (already valid); returns how many were not on the list before. */
  async add(numbers: readonly string[], source: string, at: number): Promise<number> {
    if (!numbers.length) return 0;
    let added = 0;
    for (let i = 0; i < numbers.length; i += 1000) {
      const tx = this.redis.multi();
      for (const n of numbers.slice(i, i + 1000)) tx.hsetnx(this.key, DoNotCallList.normalise(n), JSON.stringify({ addedAt: at, source }));
      const replies = (await tx.exec()) ?? [];
      added += replies.filter(([, r]) => r === 1).length;
    }
    return added;
  }

  async remove(number: string): Promise<boolean> {
    return (await this.redis.hdel(this.key, DoNotCallList.normalise(number))) === 1;
  }

  async has(number: string): Promise<boolean> {
    return (await this.redis.hexists(this.key, DoNotCallList.normalise(number))) === 1;
  }

  async get(number: string): Promise<DoNotCallEntry | null> {
    const raw = await this.redis.hget(this.key, DoNotCallList.normalise(number));
    return raw ? { number: DoNotCallList.normalise(number), ...(JSON.parse(raw) as Omit<DoNotCallEntry, 'number'>) } : null;
  }

  /** Which of these numbers are on the list. */
  async which(numbers: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < numbers.length; i += 1000) {
      const batch = numbers.slice(i, i + 1000).map(DoNotCallList.normalise);
      const got = await this.redis.hmget(this.key, ...batch);
      batch.forEach((n, j) => { if (got[j]) found.add(n); });
    }
    return found;
  }

  async list(offset: number, limit: number): Promise<{ total: number; entries: DoNotCallEntry[] }> {
    const all = await this.redis.hgetall(this.key);
    const entries = Object.entries(all).sort(([a], [b]) => a.localeCompare(b)).slice(offset, offset + limit)
      .map(([number, raw]) => ({ number, ...(JSON.parse(raw) as Omit<DoNotCallEntry, 'number'>) }));
    return { total: Object.keys(all).length, entries };
  }
}
