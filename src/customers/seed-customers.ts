import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { hashPassword } from './password-hash.js';
import type { PasswordGuard } from './password-guard.js';
import type { RedisCustomerStore, StoredCustomer } from './redis-customer-store.js';

const seedCustomer = z.object({
  phone: z.string(),
  accountId: z.string(),
  name: z.string(),
  monthlySpend: z.number(),
  enterpriseClass: z.enum(['A', 'B', 'C']).nullable().default(null),
  enterpriseName: z.string().nullable().optional(),
  registeredNumbers: z.array(z.string()).default([]),
  vip: z.boolean().default(false),
  downgradeTo: z.enum(['diamond', 'gold', 'silver', 'standard']).nullable().default(null),
  balance: z.number(),
  points: z.number().int(),
  password: z.string().regex(/^\d{6}$/).nullable(),
  passwordLocked: z.boolean().default(false),
  preferredLanguage: z.enum(['zh', 'en']).optional(),
  bills: z.array(z.object({
    monthOffset: z.number().int().max(0),
    total: z.number(),
    items: z.array(z.object({ kind: z.string(), amount: z.number() })),
  })).default([]),
  orders: z.array(z.object({
    id: z.string(), type: z.string(), status: z.string(),
    createdDaysAgo: z.number().int().min(0),
    expectedInDays: z.number().int().nullable(),
  })).default([]),
}).strict();

const seedFile = z.object({ _comment: z.string().optional(), customers: z.array(seedCustomer) }).strict();

export interface SeedResult {
  customers: number;
  locked: number;
}

/**
 * Loads the sample customers into the Redis store. Dates are relative to `now`
 * so the running month's bill is always "this month to date".
 */
export async function seedCustomers(
  store: RedisCustomerStore,
  passwords: PasswordGuard,
  file: string,
  now: Date = new Date(),
): Promise<SeedResult> {
  const parsed = seedFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  let locked = 0;
  for (const c of parsed.customers) {
    const doc: StoredCustomer = {
      phone: c.phone,
      accountId: c.accountId,
      name: c.name,
      monthlySpend: c.monthlySpend,
      enterpriseClass: c.enterpriseClass,
      enterpriseName: c.enterpriseName ?? null,
      registeredNumbers: c.registeredNumbers,
      vip: c.vip,
      downgradeTo: c.downgradeTo,
      balance: c.balance,
      points: c.points,
      passwordHash: c.password ? await hashPassword(c.password) : null,
      ...(c.preferredLanguage ? { preferredLanguage: c.preferredLanguage } : {}),
      bills: c.bills.map((b) => ({ month: monthOf(now, b.monthOffset), total: b.total, items: b.items, toDate: b.monthOffset === 0 })),
      orders: c.orders.map((o) => ({
        id: o.id, type: o.type, status: o.status,
        createdAt: dayOf(now, -o.createdDaysAgo),
        expectedAt: o.expectedInDays === null ? null : dayOf(now, o.expectedInDays),
      })),
    };
    await store.save(doc);
    if (c.passwordLocked) {
      // A sample of a locked password: locked for a day so the demo shows it.
      await passwords.lock(c.accountId, 24 * 3600);
      locked += 1;
    } else {
      await passwords.unlock(c.accountId);
    }
  }
  return { customers: parsed.customers.length, locked };
}

/** YYYY-MM of the month `offset` months from `now` (local time). */
export function monthOf(now: Date, offset: number): string {
  const d = new Date(now.getFullYear(), now.getMonth() + offset, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

function dayOf(now: Date, offsetDays: number): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + offsetDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
