import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisCustomerStore } from '../../src/customers/redis-customer-store.js';
import { PasswordGuard } from '../../src/customers/password-guard.js';
import { seedCustomers, monthOf } from '../../src/customers/seed-customers.js';
import { HttpCustomerBackend } from '../../src/customers/http-customer-backend.js';
import { BackendUnavailableError, normalisePhone } from '../../src/customers/customer-data.js';
import { isWithheldNumber } from '../../src/customers/withheld-number.js';
import { ManualClock } from '../../src/time/clock.js';
import { CustomerRecognition } from '../../src/customers/customer-recognition.js';
import { hashPassword, verifyPasswordHash } from '../../src/customers/password-hash.js';

const prefix = `test:customers:${randomUUID()}`;
let redisA: Redis;
let redisB: Redis;
let store: RedisCustomerStore;
let guardA: PasswordGuard;
let guardB: PasswordGuard;

beforeAll(async () => {
  redisA = new Redis(inject('redisUrl'));
  redisB = new Redis(inject('redisUrl'));
  store = new RedisCustomerStore(redisA, prefix);
  // Two guards on two connections stand for two service instances.
  guardA = new PasswordGuard({ redis: redisA, keyPrefix: prefix, customers: store, maxAttempts: 3, lockMinutes: 15 });
  guardB = new PasswordGuard({ redis: redisB, keyPrefix: prefix, customers: new RedisCustomerStore(redisB, prefix), maxAttempts: 3, lockMinutes: 15 });
  await seedCustomers(store, guardA, 'config/customers.sample.json', new Date(2026, 10, 22));
});

afterAll(async () => {
  redisA.disconnect();
  redisB.disconnect();
});

describe('the built-in customer store', () => {
  it('finds the sample customers by calling number, with bills relative to the seeding day', async () => {
    const c = await store.findByPhone('13800000004');
    expect(c?.accountId).toBe('AC10000004');
    expect(c?.balance).toBe(56.78);
    expect(c?.bills.map((b) => b.month)).toEqual(['2026-11', '2026-10']);
    expect(await store.bill('AC10000004', '2026-10')).toMatchObject({ total: 88 });
  });

  it('recognises an enterprise by its registered numbers', async () => {
    expect((await store.findByPhone('02188880001'))?.accountId).toBe('AC10000006');
    expect((await store.findByPhone('+86 138 0000 0006'))?.enterpriseClass).toBe('A');
  });

  it('returns null for a number that is not a customer', async () => {
    expect(await store.findByPhone('02100000001')).toBeNull();
  });

  it('stores passwords as scrypt hashes, never the PIN', async () => {
    const raw = await redisA.get(`${prefix}:customer:AC10000001`);
    expect(raw).not.toContain('123456');
    expect(raw).toContain('scrypt$');
    expect(await store.verifyPassword('AC10000001', '123456')).toBe(true);
    expect(await store.verifyPassword('AC10000001', '654321')).toBe(false);
  });
});

describe('service password lock-out', () => {
  it('locks after three wrong tries, and the lock holds on another instance', async () => {
    expect(await guardA.check('AC10000003', '000000')).toEqual({ result: 'wrong', attemptsLeft: 2 });
    expect(await guardB.check('AC10000003', '111111')).toEqual({ result: 'wrong', attemptsLeft: 1 });
    expect(await guardA.check('AC10000003', '222222')).toMatchObject({ result: 'locked' });
    // Even the right password is refused while locked, on either instance.
    expect(await guardB.check('AC10000003', '123456')).toMatchObject({ result: 'locked', lockedForSec: expect.any(Number) });
    expect(await guardB.lockedFor('AC10000003')).toBeGreaterThan(800);
  });

  it('a correct password resets the count of wrong tries', async () => {
    await guardA.check('AC10000002', '000000');
    await guardA.check('AC10000002', '000000');
    expect(await guardA.check('AC10000002', '123456')).toEqual({ result: 'ok' });
    expect(await guardA.check('AC10000002', '000000')).toEqual({ result: 'wrong', attemptsLeft: 2 });
  });

  it('the sample customer 13800000007 is seeded locked', async () => {
    expect(await guardA.check('AC10000007', '123456')).toMatchObject({ result: 'locked' });
  });

  it('rejects malformed PINs as wrong without asking the backend', async () => {
    expect(await guardA.check('AC10000004', '12ab')).toEqual({ result: 'wrong', attemptsLeft: 2 });
    await guardA.unlock('AC10000004');
  });
});

describe('password hashes', () => {
  it('verify only the right PIN and reject malformed hashes', async () => {
    const h = await hashPassword('246810');
    expect(await verifyPasswordHash('246810', h)).toBe(true);
    expect(await verifyPasswordHash('246811', h)).toBe(false);
    expect(await verifyPasswordHash('246810', 'plain')).toBe(false);
  });
});

describe('calling numbers', () => {
  it.each([
    ['', true], ['anonymous', true], ['Restricted', true], ['13800000001', false],
  ])('withheld(%j) is %s', (n, expected) => expect(isWithheldNumber(n)).toBe(expected));

  it.each([
    ['+8613800000001', '13800000001'], ['008613800000001', '13800000001'], ['138-0000-0001', '13800000001'],
  ])('normalises %s', (n, expected) => expect(normalisePhone(n)).toBe(expected));
});

describe('the HTTP customer backend', () => {
  let server: Server;
  let base = '';
  let mode: 'ok' | 'slow' | 'down' = 'ok';
  let hits = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      if (mode === 'down') { res.writeHead(503).end('{}'); return; }
      const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const go = () => {
        if (req.url === '/customers/by-phone/13800000004') return reply(200, { phone: '13800000004', accountId: 'X4' });
        if (req.url === '/accounts/X4/balance') return reply(200, { balance: 56.78 });
        if (req.url === '/accounts/X4/points') return reply(200, { points: 'many' });
        return reply(404, { message: 'not found' });
      };
      if (mode === 'slow') setTimeout(go, 500); else go();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const backend = () => new HttpCustomerBackend({ baseUrl: base, timeoutMs: 150, retries: 1, circuit: { failureThreshold: 3, openMs: 60_000 } });

  it('reads customers and balances, and a 404 customer is unknown', async () => {
    mode = 'ok';
    const b = backend();
    expect(await b.findByPhone('13800000004')).toMatchObject({ accountId: 'X4' });
    expect(await b.findByPhone('02100000001')).toBeNull();
    expect(await b.balance('X4')).toBe(56.78);
    await b.close();
  });

  it('a malformed answer is "unavailable", not a wrong figure read to the caller', async () => {
    mode = 'ok';
    const b = backend();
    await expect(b.points('X4')).rejects.toBeInstanceOf(BackendUnavailableError);
    await b.close();
  });

  it('a slow backend times out (with one retry) and reports unavailable', async () => {
    mode = 'slow';
    hits = 0;
    const b = backend();
    await expect(b.balance('X4')).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(hits).toBe(2);
    await b.close();
  });

  it('after repeated failures the circuit opens and callers are answered at once', async () => {
    mode = 'down';
    const b = backend();
    await expect(b.balance('X4')).rejects.toThrow(BackendUnavailableError);
    await expect(b.balance('X4')).rejects.toThrow(BackendUnavailableError);
    hits = 0;
    await expect(b.balance('X4')).rejects.toThrow(/circuit open/);
    expect(hits).toBe(0);
    await b.close();
  });
});

describe('caller recognition', () => {
  it('caches lookups for the TTL and treats withheld and failing lookups as outcomes', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const data = {
      async findByPhone(p: string) { calls += 1; if (p === '13900000000') throw new Error('down'); return p === '13800000004' ? await store.findByPhone(p) : null; },
    } as unknown as RedisCustomerStore;
    const r = new CustomerRecognition(data, 1000, clock);
    expect((await r.recognise('13800000004')).kind).toBe('customer');
    expect((await r.recognise('13800000004')).kind).toBe('customer');
    expect(calls).toBe(1);
    await clock.advance(1001);
    await r.recognise('13800000004');
    expect(calls).toBe(2);
    expect((await r.recognise('anonymous')).kind).toBe('withheld');
    expect((await r.recognise('02100000001')).kind).toBe('unknown');
    expect((await r.recognise('13900000000')).kind).toBe('unavailable');
  });

  it('monthOf handles year boundaries', () => {
    expect(monthOf(new Date(2026, 0, 15), -1)).toBe('2025-12');
  });
});
