import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * Two service instances on one Redis (each with its own switch): a supervisor's
 * PATCH through one instance's API changes how the other routes its next call.
 */
let a: HotlineFixture;
let b: HotlineFixture;
let adminKey: string;

beforeAll(async () => {
  a = await startHotline();
  b = await startHotline({ sharePrefix: a.prefix });
  adminKey = (await a.service.keys.create({ role: 'admin', name: 'test-admin' })).key;
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

async function api(h: HotlineFixture, method: 'GET' | 'PATCH', path: string, body?: unknown) {
  const res = await request(`http://127.0.0.1:${h.service.port}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: await res.body.json() as Record<string, unknown> };
}

describe('tuning reaches every instance', () => {
  it('a PATCH on one instance changes the routing of the next call handled by the other', async () => {
    const before = await b.call('10000', '13800000002', ['1'], { maxQueueWaitMs: 100 });
    expect(before.outcome).toMatchObject({ kind: 'queued', queue: 'billing', priority: 80 });

    const patched = await api(a, 'PATCH', '/v1/tiers/gold', { queuePriority: 95 });
    expect(patched.status).toBe(200);
    await expect.poll(() => b.service.policy.snapshot().tiers.gold.queuePriority, { timeout: 5000 }).toBe(95);

    const after = await b.call('10000', '13800000002', ['1'], { maxQueueWaitMs: 100 });
    expect(after.outcome).toMatchObject({ kind: 'queued', queue: 'billing', priority: 95 });

    const read = await api(b, 'GET', '/v1/tiers/gold');
    expect(read.body).toMatchObject({ tier: { queuePriority: 95 } });
    const restored = await api(b, 'PATCH', '/v1/tiers/gold', { queuePriority: 80 });
    expect(restored.status).toBe(200);
  });

  it('a bad PATCH is a 400 naming the field, and changes nothing anywhere', async () => {
    const bad = await api(a, 'PATCH', '/v1/tiers/gold', { queuePriority: 'high' });
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toMatch(/queuePriority/);
    expect(b.service.policy.snapshot().tiers.gold.queuePriority).toBe(80);
  });
});
