import { expect } from 'vitest';
import type { RecordedRequest } from '../../src/sim/request-log.js';
import type { HotlineFixture } from '../support/hotline-fixture.js';
import { RedisCustomerStore, type StoredCustomer } from '../../src/customers/redis-customer-store.js';

/** A supervisor's key on the fixture's service, and a JSON client for its API. */
export async function supervisorApi(h: HotlineFixture, role: 'supervisor' | 'viewer' = 'supervisor') {
  const { key } = await h.service.keys.create({ name: `campaigns-${role}`, role });
  const base = `http://127.0.0.1:${h.service.port}/v1`;
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // CSV and empty answers stay text.
    }
    return { status: res.status, json: json as Record<string, unknown> & { [k: string]: unknown }, text };
  };
}

/** Customers in arrears added to the fixture's store (the sample has one). */
export async function addCustomers(h: HotlineFixture, customers: { phone: string; balance: number; enterpriseClass?: 'A' | 'B' | 'C' | null; monthlySpend?: number }[]): Promise<void> {
  const store = new RedisCustomerStore(h.redis, h.prefix);
  for (const c of customers) {
    const customer: StoredCustomer = {
      phone: c.phone, accountId: `AC${c.phone.slice(-8)}`, name: `Customer ${c.phone.slice(-4)}`, monthlySpend: c.monthlySpend ?? 50,
      enterpriseClass: c.enterpriseClass ?? null, vip: false, downgradeTo: null, balance: c.balance, points: 0, bills: [], orders: [],
      passwordHash: null, registeredNumbers: [],
    };
    await store.save(customer);
  }
}

/** The originates of a campaign's legs the switch ran, in order. */
export function campaignDials(requests: readonly RecordedRequest[], campaignId: string): { leg: string; number: string; at: number }[] {
  return requests
    .filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && !r.dropped && r.executedAt != null)
    .map((r) => ({ r, leg: r.path.slice('/ari/channels/'.length) || r.query.channelId || '' }))
    .filter(({ leg }) => leg.startsWith(`cmp-${campaignId}-`))
    // Only the originates: POST /channels (id in the query) or POST /channels/<id>, not the channel's own operations.
    .filter(({ leg }) => !leg.includes('/'))
    .map(({ r, leg }) => ({ leg, number: leg.split('-')[2]!, at: r.executedAt! }));
}

/** The most legs up at once, from when the switch ran each originate to when it destroyed the channel. */
export function mostAtOnce(legs: readonly { start: number; end: number }[]): number {
  const edges = legs.flatMap((l) => [{ t: l.start, d: 1 }, { t: l.end, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of edges) {
    now += e.d;
    most = Math.max(most, now);
  }
  return most;
}

export async function until(check: () => Promise<boolean> | boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) expect.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
