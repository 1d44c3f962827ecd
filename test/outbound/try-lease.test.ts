import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { TryLeases } from '../../src/outbound/try-lease.js';

/**
 * The lease that keeps one run at a time on an outbound try (a callback
 * offer's dial, a survey's dial), against a real Redis. Time in Redis is
 * stood in for by setting the key's expiry directly, so nothing here waits
 * on the wall clock.
 */
const LEASE_MS = 60_000;
let redis: Redis;
let leases: TryLeases;
const base = `test:lease:${randomUUID().slice(0, 8)}`;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
  leases = new TryLeases(redis, base, LEASE_MS);
});
afterAll(() => redis.quit());
afterEach(() => vi.useRealTimers());

describe('a try lease', () => {
  it('is held by one run at a time: another run is told how long to wait, and gets it once released', async () => {
    const first = await leases.takeOver('try-1');
    if (!('lease' in first)) throw new Error('a free try was not leased');
    const second = await leases.takeOver('try-1');
    expect(second).toEqual({ heldForMs: expect.any(Number) });
    expect((second as { heldForMs: number }).heldForMs).toBeGreaterThan(LEASE_MS - 10_000);
    await first.lease.release();
    const third = await leases.takeOver('try-1');
    expect('lease' in third).toBe(true);
    if ('lease' in third) await third.lease.release();
  });

  it('once lapsed (its owner silent the whole lease) goes to the next run, and the old owner learns it lost it', async () => {
    const owner = await leases.takeOver('try-2');
    if (!('lease' in owner)) throw new Error('a free try was not leased');
    owner.lease.stop();
    // The owner stalled for longer than the lease: Redis let it lapse.
    await redis.pexpire(leases.key('try-2'), 1);
    await expect.poll(() => redis.exists(leases.key('try-2'))).toBe(0);
    const next = await leases.takeOver('try-2');
    if (!('lease' in next)) throw new Error('a lapsed lease was not taken over');
    expect(await owner.lease.held()).toBe(false);
    // What a claim script compares no longer matches the old owner.
    expect(await redis.get(owner.lease.fence.key)).not.toBe(owner.lease.fence.token);
    expect(await redis.get(next.lease.fence.key)).toBe(next.lease.fence.token);
    // Letting go of a lease it lost does not free the new owner's.
    await owner.lease.release();
    expect(await redis.get(leases.key('try-2'))).toBe(next.lease.fence.token);
    expect(await next.lease.held()).toBe(true);
    await next.lease.release();
    expect(await redis.exists(leases.key('try-2'))).toBe(0);
  });

  it('is renewed by its owner: on every check, and every third of the lease while the run works', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const owner = await leases.takeOver('try-3');
    if (!('lease' in owner)) throw new Error('a free try was not leased');
    await redis.pexpire(leases.key('try-3'), 5000);
    expect(await owner.lease.held()).toBe(true);
    expect(await redis.pttl(leases.key('try-3'))).toBeGreaterThan(LEASE_MS - 10_000);
    await redis.pexpire(leases.key('try-3'), 5000);
    vi.advanceTimersByTime(LEASE_MS / 3);
    await expect.poll(() => redis.pttl(leases.key('try-3'))).toBeGreaterThan(LEASE_MS - 10_000);
    await owner.lease.release();
  });

  it('taken again by the run that holds it is simply renewed', async () => {
    const owner = await leases.takeOver('try-4');
    if (!('lease' in owner)) throw new Error('a free try was not leased');
    const again = await leases.call<number>('outboundLeaseTake', leases.key('try-4'), owner.lease.token, String(LEASE_MS));
    expect(again).toBe(0);
    await owner.lease.release();
  });
});
