import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parseTargetCsv, withoutDoNotCall } from '../../src/campaigns/target-list.js';
import { queryTargets } from '../../src/campaigns/target-query.js';
import { HttpCustomerBackend } from '../../src/customers/http-customer-backend.js';
import { RedisCustomerStore } from '../../src/customers/redis-customer-store.js';
import { PasswordGuard } from '../../src/customers/password-guard.js';
import { seedCustomers } from '../../src/customers/seed-customers.js';
import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { RoutingPolicy } from '../../src/routing/routing-policy.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';

describe('an uploaded list of numbers', () => {
  it('keeps good rows with their amount and account, and reports each bad one with its line', () => {
    const { targets, rejected } = parseTargetCsv('\uFEFFnumber,amount,account\r\n13800000001,12.5,AC1\r\n"138 0000 0002"\r\n\r\n13800000001\r\nPrivate\r\n12ab\r\n13800000003,1,2,3\r\n008613800000004,-3\r\n');
    expect(targets).toEqual([
      { number: '13800000001', line: 2, accountId: 'AC1', amountDue: 12.5, lang: null },
      { number: '13800000002', line: 3, accountId: null, amountDue: null, lang: null },
      { number: '13800000004', line: 9, accountId: null, amountDue: -3, lang: null },
    ]);
    expect(rejected).toEqual([
      { line: 5, number: '13800000001', reason: 'duplicate' },
      { line: 6, number: 'Private', reason: 'withheld' },
      { line: 7, number: '12ab', reason: 'malformed' },
      { line: 8, number: '13800000003', reason: 'malformed' },
    ]);
  });

  it('moves the numbers on the do-not-call list to the rejected, in line order', () => {
    const list = parseTargetCsv('13800000001\nxx\n13800000002');
    expect(withoutDoNotCall(list, new Set(['13800000001']))).toEqual({
      targets: [{ number: '13800000002', line: 3, accountId: null, amountDue: null, lang: null }],
      rejected: [{ line: 1, number: '13800000001', reason: 'do-not-call' }, { line: 2, number: 'xx', reason: 'malformed' }],
    });
  });
});

describe('a target query over the customer data port', () => {
  const policy = new RoutingPolicy({ routing: defaultTiersConfig, queues: defaultQueuesConfig });
  let redis: Redis;
  let store: RedisCustomerStore;
  beforeAll(async () => {
    redis = new Redis(inject('redisUrl'));
    const prefix = `test:cmp-query:${Math.random().toString(36).slice(2, 8)}`;
    store = new RedisCustomerStore(redis, prefix);
    await seedCustomers(store, new PasswordGuard({ redis, keyPrefix: prefix, customers: store, maxAttempts: 3, lockMinutes: 15 }), 'config/customers.sample.json');
  });
  afterAll(() => redis?.disconnect());

  it('the Redis store finds the customers in arrears, with what they owe', async () => {
    const { targets } = await queryTargets(store, { kind: 'query', balanceBelow: 0 }, policy.snapshot(), 100);
    expect(targets).toEqual([{ number: '13800000005', line: 0, accountId: expect.any(String), amountDue: 12.5, lang: null }]);
  });

  it('filters by enterprise class and by tier, classified as a caller would be', async () => {
    const enterprise = await queryTargets(store, { kind: 'query', enterpriseClass: ['A'] }, policy.snapshot(), 100);
    expect(enterprise.targets.map((t) => t.number)).toEqual(['13800000006']);
    const gold = await queryTargets(store, { kind: 'query', tiers: ['gold'] }, policy.snapshot(), 100);
    expect(gold.targets.map((t) => t.number).sort()).toEqual(['13800000002', '13800000007']);
    const none = await queryTargets(store, { kind: 'query', balanceBelow: 100, enterpriseClass: [null] }, policy.snapshot(), 100);
    expect(none.targets.map((t) => t.number)).toEqual(['13800000004', '13800000005']);
  });

  it('stops at the limit and says so', async () => {
    const some = await queryTargets(store, { kind: 'query' }, policy.snapshot(), 3);
    expect(some.targets).toHaveLength(3);
    expect(some.truncated).toBe(true);
  });

  describe('the HTTP backend', () => {
    let server: Server;
    let asked = '';
    beforeAll(async () => {
      server = createServer((req, res) => {
        asked = req.url ?? '';
        res.setHeader('content-type', 'application/json');
        // One customer too many: the backend ignored the balance condition; it is checked again on our side.
        res.end(JSON.stringify({ customers: [
          { phone: '13800000005', accountId: 'A5', name: 'x', monthlySpend: 10, enterpriseClass: null, vip: false, downgradeTo: null, balance: -12.5, points: 0, bills: [], orders: [], passwordHash: null },
          { phone: '13800000004', accountId: 'A4', name: 'y', monthlySpend: 10, enterpriseClass: null, vip: false, downgradeTo: null, balance: 56.78, points: 0, bills: [], orders: [], passwordHash: null },
        ] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('asks GET /customers with the conditions, and keeps only the customers meeting them', async () => {
      const backend = new HttpCustomerBackend({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, timeoutMs: 500, retries: 0, circuit: { failureThreshold: 3, openMs: 60_000 } });
      const found = await backend.findCustomers({ balanceBelow: 0, enterpriseClass: ['A', null], limit: 10 });
      expect(asked).toBe('/customers?limit=10&balanceBelow=0&enterpriseClass=A%2Cnone');
      expect(found.map((c) => c.accountId)).toEqual(['A5']);
      await backend.close();
    });
  });
});
