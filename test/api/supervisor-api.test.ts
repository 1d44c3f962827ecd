import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startOfLocalDay } from '../../src/time/time-zone.js';
import { bearer, startApi, type ApiFixture } from './api-fixture.js';
import { SseClient } from './sse-client.js';
import { holdCommitsUntilAll, reaches, uniquePrefix } from './sync-fixture.js';

const redisUrl = inject('redisUrl');
let api: ApiFixture;

beforeAll(async () => {
  api = await startApi({ redisUrl, listen: true });
});

afterAll(async () => {
  await api?.close();
});

/** Today's local midnight in the statistics' zone: events placed after it are today's whatever the hour. */
function today(): number {
  return startOfLocalDay(Date.now(), 'Asia/Shanghai');
}

describe('live tuning through the API', () => {
  const extra: ApiFixture[] = [];
  afterEach(async () => {
    await Promise.all(extra.splice(0).map((f) => f.close()));
  });

  it('a queue patched on one instance is served by the other', async () => {
    const prefix = uniquePrefix('api');
    const a = await startApi({ redisUrl, prefix });
    const b = await startApi({ redisUrl, prefix, keys: a.keys });
    extra.push(a, b);
    const patched = await a.app.inject({ method: 'PATCH', url: '/v1/queues/orders', headers: bearer(a.keys.supervisor), payload: { overflowAfterSec: 90, announce: { estimatedWait: false } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ version: 2, changed: true, before: { overflowAfterSec: 30 }, after: { overflowAfterSec: 90, announce: { position: true, estimatedWait: false } } });
    await reaches(b.policy, 2);
    const seen = await b.app.inject({ url: '/v1/queues/orders', headers: bearer(a.keys.viewer) });
    expect(seen.json()).toMatchObject({ version: 2, queue: { overflowAfterSec: 90, announce: { estimatedWait: false } } });
  });

  it('answers one of two simultaneous changes on two instances with 409 and keeps one routing', async () => {
    const prefix = uniquePrefix('api');
    const a = await startApi({ redisUrl, prefix });
    const b = await startApi({ redisUrl, prefix, keys: a.keys });
    extra.push(a, b);
    const release = holdCommitsUntilAll([a.redis, b.redis]);
    const [ra, rb] = await Promise.all([
      a.app.inject({ method: 'PATCH', url: '/v1/tiers/silver', headers: bearer(a.keys.admin), payload: { queuePriority: 70 } }),
      b.app.inject({ method: 'PATCH', url: '/v1/tiers/silver', headers: bearer(a.keys.admin), payload: { queuePriority: 65 } }),
    ]);
    release();
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([200, 409]);
    const conflict = [ra, rb].find((r) => r.statusCode === 409)!.json();
    expect(conflict).toMatchObject({ error: 'routing-conflict', details: { baseVersion: 1, currentVersion: 2 } });
    expect(conflict.message).toMatch(/changed meanwhile: version 2 is now in force/);
    const winner = [ra, rb].find((r) => r.statusCode === 200)!.json().after.queuePriority;
    const [sa, sb] = await Promise.all([reaches(a.policy, 2), reaches(b.policy, 2)]);
    expect(sa.tiers.silver.queuePriority).toBe(winner);
    expect(sb).toEqual(sa);
  });

  it("refuses a tier change that breaks the order of the tiers' priorities, naming the field", async () => {
    const res = await api.app.inject({ method: 'PATCH', url: '/v1/tiers/standard', headers: bearer(api.keys.admin), payload: { queuePriority: 99 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid-request' });
    expect(res.json().message).toMatch(/tiers\.standard\.queuePriority: standard's queue priority 99 must not exceed silver's/);
  });

  it('rolls back to an earlier version and lists the versions', async () => {
    const f = await startApi({ redisUrl });
    extra.push(f);
    await f.app.inject({ method: 'PATCH', url: '/v1/queues/billing', headers: bearer(f.keys.supervisor), payload: { wrapUpSec: 45 } });
    const rolled = await f.app.inject({ method: 'POST', url: '/v1/routing/rollback', headers: bearer(f.keys.admin), payload: { version: 1 } });
    expect(rolled.json()).toEqual({ version: 3, changed: true, rolledBackTo: 1 });
    expect(f.policy.snapshot().queues.billing!.wrapUpSec).toBe(15);
    const versions = (await f.app.inject({ url: '/v1/routing/versions', headers: bearer(f.keys.viewer) })).json();
    expect(versions.current).toBe(3);
    expect(versions.versions.map((v: { change: string }) => v.change)).toEqual(['rollback to version 1', 'queue billing', 'configuration']);
  });

  it('audits who changed what, newest first, a page at a time', async () => {
    const f = await startApi({ redisUrl });
    extra.push(f);
    await f.app.inject({ method: 'PATCH', url: '/v1/queues/billing', headers: bearer(f.keys.supervisor), payload: { wrapUpSec: 20 } });
    await f.app.inject({ method: 'PATCH', url: '/v1/agents/1001', headers: bearer(f.keys.supervisor), payload: { skills: { billing: 4 } } });
    const first = (await f.app.inject({ url: '/v1/audit?limit=1', headers: bearer(f.keys.viewer) })).json();
    expect(first.entries).toHaveLength(1);
    expect(first.entries[0]).toMatchObject({
      actor: { name: 'sam', role: 'supervisor' }, action: 'agent.update', target: '1001',
      before: { skills: { billing: 3, general: 2 } }, after: { skills: { billing: 4 } }, routingVersion: null,
    });
    const second = (await f.app.inject({ url: `/v1/audit?limit=1&before=${first.next}`, headers: bearer(f.keys.viewer) })).json();
    expect(second.entries[0]).toMatchObject({ action: 'queue.update', target: 'billing', before: { wrapUpSec: 15 }, after: { wrapUpSec: 20 }, routingVersion: 2 });
  });
});

describe('agents through the ACD', () => {
  it('logs an agent in, pauses with a reason and refuses what the state does not allow', async () => {
    const f = await startApi({ redisUrl });
    try {
      const state = (body: Record<string, string>) => f.app.inject({ method: 'POST', url: '/v1/agents/1001/state', headers: bearer(f.keys.supervisor), payload: body });
      expect((await state({ action: 'ready' })).json()).toMatchObject({ error: 'illegal-agent-transition' });
      expect((await state({ action: 'login' })).json()).toMatchObject({ state: 'available' });
      expect((await state({ action: 'pause', reason: 'training' })).json()).toMatchObject({ state: 'paused', pauseReason: 'training' });
      expect((await state({ action: 'pause' })).json().message).toBe('body.reason: a pause needs a reason');
      expect((await state({ action: 'logout' })).json()).toMatchObject({ state: 'offline' });
      expect((await f.app.inject({ method: 'POST', url: '/v1/agents/9999/state', headers: bearer(f.keys.supervisor), payload: { action: 'login' } })).statusCode).toBe(404);
    } finally {
      await f.close();
    }
  });
});

describe('keys through the API', () => {
  it('creates a key shown once, which works until it is revoked', async () => {
    const created = await api.app.inject({ method: 'POST', url: '/v1/keys', headers: bearer(api.keys.admin), payload: { role: 'viewer', name: 'wall screen 3F' } });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^hk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await api.app.inject({ url: '/v1/tiers', headers: bearer(key) })).statusCode).toBe(200);
    const listed = (await api.app.inject({ url: '/v1/keys', headers: bearer(api.keys.admin) })).json().keys.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ name: 'wall screen 3F', role: 'viewer', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(key.slice(16));
    expect((await api.app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: bearer(api.keys.admin) })).json()).toMatchObject({ id, revokedAt: expect.any(String) });
    expect((await api.app.inject({ url: '/v1/tiers', headers: bearer(key) })).json()).toMatchObject({ error: 'revoked-api-key' });
  });
});

describe('statistics through the API', () => {
  it('joins the figures of today with the live figures', async () => {
    const f = await startApi({ redisUrl });
    try {
      const t = today();
      await f.recorder.append('s1', { type: 'queued', queue: 'billing', tier: 'gold', priority: 80, position: 1 }, t + 1000);
      await f.recorder.append('s1', { type: 'answered', queue: 'billing', agent: '1001', tier: 'gold', waitMs: 9000 }, t + 10_000);
      f.live.waitingNow = { queues: { billing: { waiting: 3, longestWaitMs: 42_000, estimatedWaitMs: 60_000 } }, tiers: { gold: { waiting: 2, longestWaitMs: 42_000 } } };
      f.live.agentsNow = { total: { available: 1, 'on-call': 2 }, queues: { billing: { 'on-call': 2 } } };
      f.live.callbacksNow = { queues: {}, tiers: { gold: { pending: 4, overdue: 1 } } };
      const report = (await f.app.inject({ url: '/v1/stats/realtime', headers: bearer(f.keys.viewer) })).json();
      const billing = report.queues.find((q: { id: string }) => q.id === 'billing');
      expect(billing).toMatchObject({ waiting: 3, longestWaitMs: 42_000, estimatedWaitMs: 60_000, agents: { 'on-call': 2, available: 0 } });
      expect(billing.today).toMatchObject({ offered: 1, answered: 1, answeredWithinThreshold: 1, serviceLevelPercent: 100, asaMs: 9000 });
      const gold = report.tiers.find((x: { id: string }) => x.id === 'gold');
      expect(gold).toMatchObject({ waiting: 2, callbacks: { pending: 4, overdue: 1 }, today: { offered: 1, serviceLevelPercent: 100, target: { percent: 90, seconds: 15 } } });
      expect(report.agents).toMatchObject({ available: 1, 'on-call': 2, offline: 0 });
      expect(report.policyVersion).toBe(1);
    } finally {
      await f.close();
    }
  });

  it('gives quarter-hours as JSON, or as CSV when asked by Accept or format', async () => {
    const f = await startApi({ redisUrl });
    try {
      const t = today();
      await f.recorder.append('i1', { type: 'queued', queue: 'orders', tier: 'silver', priority: 60, position: 1 }, t + 16 * 60_000);
      await f.recorder.append('i1', { type: 'abandoned', queue: 'orders', tier: 'silver', waitMs: 30_000, stage: 'queue' }, t + 16 * 60_000 + 30_000);
      const range = `from=${encodeURIComponent(new Date(t).toISOString())}&to=${encodeURIComponent(new Date(t + 3_600_000).toISOString())}`;
      const json = (await f.app.inject({ url: `/v1/stats/intervals?${range}&queue=orders`, headers: bearer(f.keys.viewer) })).json();
      expect(json).toMatchObject({ timeZone: 'Asia/Shanghai', bucketMinutes: 15 });
      expect(json.buckets).toHaveLength(4);
      expect(json.buckets[0]).toMatchObject({ queues: {}, tiers: {} });
      expect(json.buckets[1].start).toMatch(/T00:15:00\+08:00$/);
      expect(json.buckets[1].queues.orders).toMatchObject({ offered: 1, abandoned: 1, abandonedAfterThreshold: 1, serviceLevelPercent: 0, abandonRatePercent: 100 });
      const byAccept = await f.app.inject({ url: `/v1/stats/intervals?${range}&tier=silver`, headers: { ...bearer(f.keys.viewer), accept: 'text/csv' } });
      expect(byAccept.headers['content-type']).toMatch(/^text\/csv/);
      expect(byAccept.body.split('\r\n')[1]).toMatch(/T00:15:00\+08:00,.*,tier,silver,1,0,1,0,0,0,1,20,85,0,,,100,0$/);
      const byFormat = await f.app.inject({ url: `/v1/stats/intervals?${range}&format=csv`, headers: { ...bearer(f.keys.viewer), accept: 'application/json' } });
      // format=csv wins over Accept; without a filter every queue and tier with calls has its row.
      expect(byFormat.headers['content-type']).toMatch(/^text\/csv/);
      const rows = byFormat.body.split('\r\n').filter((l) => l !== '').slice(1).map((l) => l.split(',').slice(2, 4).join(' '));
      expect(rows).toEqual(['queue orders', 'tier silver']);
    } finally {
      await f.close();
    }
  });

  it('refuses a range that ends before it starts or spans more than the history kept, naming the field', async () => {
    const t = today();
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    const backwards = await api.app.inject({ url: `/v1/stats/intervals?from=${iso(t)}&to=${iso(t)}`, headers: bearer(api.keys.viewer) });
    expect(backwards.json()).toMatchObject({ error: 'invalid-request', message: 'query.to: must be later than from' });
    const long = await api.app.inject({ url: `/v1/stats/intervals?from=${iso(t - 5 * 86_400_000)}&to=${iso(t + 30 * 86_400_000)}`, headers: bearer(api.keys.viewer) });
    expect(long.json().message).toBe('query.to: a range may span at most 31 days');
    const notDate = await api.app.inject({ url: '/v1/stats/intervals?from=yesterday&to=today', headers: bearer(api.keys.viewer) });
    expect(notDate.json().message).toMatch(/^query\.from: must be an ISO 8601 date-time/);
  });
});

describe('the event stream', () => {
  it('sends the figures at once, then agent and routing events as they happen', async () => {
    const stream = await SseClient.open(`${api.url}/v1/stream`, bearer(api.keys.viewer));
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      const first = await stream.next('stats');
      expect(first.data).toMatchObject({ timeZone: 'Asia/Shanghai', queues: expect.any(Array) });
      await api.app.inject({ method: 'POST', url: '/v1/agents/1001/state', headers: bearer(api.keys.supervisor), payload: { action: 'login' } });
      expect((await stream.next('agent', (d) => d.agent === '1001')).data).toMatchObject({ type: 'agent-state', state: 'available' });
      const version = api.policy.snapshot().version + 1;
      await api.app.inject({ method: 'PATCH', url: '/v1/queues/general', headers: bearer(api.keys.supervisor), payload: { ringTimeoutSec: 25 } });
      expect((await stream.next('routing', (d) => d.version === version)).data).toMatchObject({ change: 'queue general', changedBy: expect.stringMatching(/^sam \(key /) });
      // A change brings fresh figures before the next interval.
      expect((await stream.next('stats', (d) => d.policyVersion === version)).data).toMatchObject({ policyVersion: version });
    } finally {
      await stream.close();
    }
  });
});

describe('shutting down', () => {
  it('ends open streams so that the server can close', async () => {
    const f = await startApi({ redisUrl, listen: true });
    const stream = await SseClient.open(`${f.url}/v1/stream`, bearer(f.keys.viewer));
    await stream.next('stats');
    await f.close();
    await stream.ended;
  });
});

describe('operations endpoints', () => {
  it('exposes Prometheus metrics read from the live figures at scrape time', async () => {
    api.live.waitingNow = { queues: { senior: { waiting: 5, longestWaitMs: 12_500, estimatedWaitMs: null } }, tiers: {} };
    api.events.publish({ kind: 'call', event: { type: 'assigned', callId: 'm1', queue: 'senior', agent: '1001' } });
    const res = await api.app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('hotline_queue_waiting_calls{queue="senior"} 5');
    expect(res.body).toContain('hotline_queue_longest_wait_seconds{queue="senior"} 12.5');
    expect(res.body).toContain('hotline_assignments_total{queue="senior"} 1');
    expect(res.body).toContain('hotline_service_level_target_ratio{tier="diamond"} 0.95');
    expect(res.body).not.toContain('hotline_queue_estimated_wait_seconds{queue="senior"}');
  });

  it('keeps /healthz and /readyz open and documents the API at /docs', async () => {
    expect((await api.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await api.app.inject({ url: '/readyz' })).json()).toEqual({ ready: true, ari: true, redis: true });
    expect((await api.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
    const doc = (await api.app.inject({ url: '/docs/json' })).json();
    expect(doc.paths['/v1/queues/{id}'].patch.requestBody.content['application/json'].schema.properties.overflowAfterSec).toBeDefined();
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('answers an unknown route with 404 no-such-route', async () => {
    expect((await api.app.inject({ url: '/v2/queues' })).json()).toMatchObject({ error: 'no-such-route', message: 'no route GET /v2/queues' });
  });
});
