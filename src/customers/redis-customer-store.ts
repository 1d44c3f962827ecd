import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Bill, Customer, Order } from './customer.js';
import { BackendUnavailableError, matchesQuery, normalisePhone, type CustomerData, type CustomerQuery } from './customer-data.js';
import { verifyPasswordHash } from './password-hash.js';

const billSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  total: z.number(),
  items: z.array(z.object({ kind: z.string().min(1), amount: z.number() })),
  toDate: z.boolean().optional(),
});

const orderSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  status: z.string().min(1),
  createdAt: z.string().min(1),
  expectedAt: z.string().nullable().optional(),
});

export const customerSchema = z.object({
  phone: z.string().regex(/^\d{5,15}$/, 'phone: 5 to 15 digits'),
  accountId: z.string().min(1),
  name: z.string().min(1),
  monthlySpend: z.number().min(0),
  enterpriseClass: z.enum(['A', 'B', 'C']).nullable().default(null),
  enterpriseName: z.string().nullable().optional(),
  vip: z.boolean().default(false),
  downgradeTo: z.enum(['diamond', 'gold', 'silver', 'standard']).nullable().default(null),
  balance: z.number(),
  points: z.number().int().min(0),
  bills: z.array(billSchema).default([]),
  orders: z.array(orderSchema).default([]),
  passwordHash: z.string().nullable(),
  preferredLanguage: z.enum(['zh', 'en']).optional(),
  /** Other numbers that identify this account (an enterprise's registered numbers). */
  registeredNumbers: z.array(z.string().regex(/^\d{5,15}$/)).default([]),
}).strict();

export type StoredCustomer = z.infer<typeof customerSchema>;

/** Accounts read by one MGET of a target query. */
const QUERY_BATCH = 500;

/**
 * The built-in customer store in Redis: one JSON document per account
 * (`<prefix>:customer:<accountId>`) and an index from every number that
 * identifies the account (own number and registered enterprise numbers) to the
 * account id (`<prefix>:customer-by-phone`, a hash).
 */
export class RedisCustomerStore implements CustomerData {
  private readonly docKey: (accountId: string) => string;
  private readonly phoneIndex: string;

  constructor(private readonly redis: Redis, keyPrefix: string) {
    this.docKey = (accountId) => `${keyPrefix}:customer:${accountId}`;
    this.phoneIndex = `${keyPrefix}:customer-by-phone`;
  }

  async save(customer: StoredCustomer): Promise<void> {
    const parsed = customerSchema.parse(customer);
    const numbers = [parsed.phone, ...parsed.registeredNumbers];
    const tx = this.redis.multi().set(this.docKey(parsed.accountId), JSON.stringify(parsed));
    for (const n of numbers) tx.hset(this.phoneIndex, normalisePhone(n), parsed.accountId);
    await tx.exec();
  }

  async findByPhone(phone: string): Promise<Customer | null> {
    const accountId = await this.guard(() => this.redis.hget(this.phoneIndex, normalisePhone(phone)));
    if (!accountId) return null;
    return this.load(accountId);
  }

  async balance(accountId: string): Promise<number> {
    return (await this.required(accountId)).balance;
  }

  async bill(accountId: string, month: string): Promise<Bill | null> {
    return (await this.required(accountId)).bills.find((b) => b.month === month) ?? null;
  }

  async points(accountId: string): Promise<number> {
    return (await this.required(accountId)).points;
  }

  async orders(accountId: string): Promise<Order[]> {
    return (await this.required(accountId)).orders;
  }

  async verifyPassword(accountId: string, pin: string): Promise<boolean> {
    const customer = await this.required(accountId);
    if (!customer.passwordHash) return false;
    return verifyPasswordHash(pin, customer.passwordHash);
  }

  /** Reads every account through the number index, in batches (a campaign's target query; not on a caller's path). */
  async findCustomers(query: CustomerQuery): Promise<Customer[]> {
    const accounts = [...new Set(await this.guard(() => this.redis.hvals(this.phoneIndex)))].sort();
    const found: Customer[] = [];
    for (let i = 0; i < accounts.length && found.length < query.limit; i += QUERY_BATCH) {
      const batch = accounts.slice(i, i + QUERY_BATCH);
      const docs = await this.guard(() => this.redis.mget(...batch.map(this.docKey)));
      for (const raw of docs) {
        if (!raw) continue;
        const customer = JSON.parse(raw) as StoredCustomer;
        if (matchesQuery(customer, query)) found.push(customer);
        if (found.length >= query.limit) break;
      }
    }
    return found;
  }

  private async load(accountId: string): Promise<StoredCustomer | null> {
    const raw = await this.guard(() => this.redis.get(this.docKey(accountId)));
    return raw ? (JSON.parse(raw) as StoredCustomer) : null;
  }

  private async required(accountId: string): Promise<StoredCustomer> {
    const customer = await this.load(accountId);
    if (!customer) throw new BackendUnavailableError(`account ${accountId} vanished`, { accountId });
    return customer;
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new BackendUnavailableError((err as Error).message);
    }
  }
}
