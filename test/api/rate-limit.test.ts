import { afterEach, describe, expect, inject, it } from 'vitest';
import { bearer, startApi, type ApiFixture } from './api-fixture.js';
import { SseClient } from './sse-client.js';
import { uniquePrefix } from './sync-fixture.js';

const redisUrl = inject('redisUrl');
const open: ApiFixture[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

async function api(options: Parameters<typeof startApi>[0]): Promise<ApiFixture> {
  const f = await startApi(options);
  open.push(f);
  return f;
}

describe('rate limit per API key', () => {
  it('answers 429 with Retry-After once a key has used its requests in the window', async () => {
    const f = await api({ redisUrl, api: { rateLimit: { max: 3, windowSec: 60 } } });
    const get = () => f.app.inject({ url: '/v1/queues', headers: bearer(f.keys.viewer) });
    for (let i = 0; i < 3; i++) expect((await get()).statusCode).toBe(200);
    const refused = await get();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'rate-limited', details: { max: 3, windowSec: 60 } });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("counts each key apart: one key's burst does not refuse another", async () => {
    const f = await api({ redisUrl, api: { rateLimit: { max: 2, windowSec: 60 } } });
    for (let i = 0; i < 3; i++) await f.app.inject({ url: '/v1/queues', headers: bearer(f.keys.viewer) });
    expect((await f.app.inject({ url: '/v1/queues', headers: bearer(f.keys.viewer) })).statusCode).toBe(429);
    expect((await f.app.inject({ url: '/v1/queues', headers: bearer(f.keys.supervisor) })).statusCode).toBe(200);
  });

  it('shares the count between instances through Redis', async () => {
    const prefix = uniquePrefix('rate');
    const a = await api({ redisUrl, prefix, api: { rateLimit: { max: 3, windowSec: 60 } } });
    const b = await api({ redisUrl, prefix, keys: a.keys, api: { rateLimit: { max: 3, windowSec: 60 } } });
    expect((await a.app.inject({ url: '/v1/tiers', headers: bearer(a.keys.viewer) })).statusCode).toBe(200);
    expect((await b.app.inject({ url: '/v1/tiers', headers: bearer(a.keys.viewer) })).statusCode).toBe(200);
    expect((await a.app.inject({ url: '/v1/tiers', headers: bearer(a.keys.viewer) })).statusCode).toBe(200);
    expect((await b.app.inject({ url: '/v1/tiers', headers: bearer(a.keys.viewer) })).statusCode).toBe(429);
  });

  it('counts per instance with the memory store', async () => {
    const prefix = uniquePrefix('rate');
    const a = await api({ redisUrl, prefix, api: { rateLimit: { max: 1, windowSec: 60, store: 'memory' } } });
    const b = await api({ redisUrl, prefix, keys: a.keys, api: { rateLimit: { max: 1, windowSec: 60, store: 'memory' } } });
    expect((await a.app.inject({ url: '/v1/tiers', headers: bearer(a.keys.viewer) })).statusCode).toBe(200);
    expect((await b.app.inject({ url: '/v1/tiers', headers: bearer(a.keys.viewer) })).statusCode).toBe(200);
    expect((await a.app.inject({ url: '/v1/tiers', headers: bearer(a.keys.viewer) })).statusCode).toBe(429);
  });

  it('does not count requests refused for their key', async () => {
    const f = await api({ redisUrl, api: { rateLimit: { max: 1, windowSec: 60 } } });
    for (let i = 0; i < 5; i++) expect((await f.app.inject({ url: '/v1/tiers', headers: bearer(f.revokedKey) })).statusCode).toBe(401);
    expect((await f.app.inject({ url: '/v1/tiers', headers: bearer(f.keys.viewer) })).statusCode).toBe(200);
  });
});

describe('requests that fail authentication, per client address', () => {
  it('answers 429 with Retry-After after 20 refused requests from one address in a minute, counted across instances', async () => {
    const prefix = uniquePrefix('authfail');
    const a = await api({ redisUrl, prefix });
    const b = await api({ redisUrl, prefix, keys: a.keys });
    const wrong = bearer(`hk_0123456789ab_${'A'.repeat(43)}`);
    for (let i = 0; i < 10; i++) expect((await a.app.inject({ url: '/v1/queues', headers: wrong })).statusCode).toBe(401);
    for (let i = 0; i < 5; i++) expect((await b.app.inject({ url: '/v1/queues' })).statusCode).toBe(401);
    for (let i = 0; i < 5; i++) expect((await b.app.inject({ url: '/v1/keys', headers: bearer(a.keys.viewer) })).statusCode).toBe(403);
    const refused = await a.app.inject({ url: '/v1/queues', headers: wrong });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'too-many-auth-failures', details: { max: 20, windowSec: 60 } });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another address is not held to this one's failures, and a valid key from this address still gets in.
    expect((await a.app.inject({ url: '/v1/queues', headers: wrong, remoteAddress: '10.0.0.7' })).statusCode).toBe(401);
    expect((await b.app.inject({ url: '/v1/queues', headers: bearer(a.keys.viewer) })).statusCode).toBe(200);
  });
});

describe('concurrent streams', () => {
  const opened: SseClient[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  async function stream(f: ApiFixture, key: string): Promise<SseClient> {
    const s = await SseClient.open(`${f.url}/v1/stream`, bearer(key));
    opened.push(s);
    return s;
  }

  it('allows 5 per key by default; the next gets 429 too-many-streams, another key still gets one', async () => {
    const f = await api({ redisUrl, listen: true });
    for (let i = 0; i < 5; i++) expect((await stream(f, f.keys.viewer)).status).toBe(200);
    const over = await fetch(`${f.url}/v1/stream`, { headers: bearer(f.keys.viewer) });
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ error: 'too-many-streams', message: expect.stringMatching(/5 streams/) });
    expect((await stream(f, f.keys.supervisor)).status).toBe(200);
    // A closed stream frees its place. The server hears of the closed connection a moment later: this
    // waits for that (bounded by the test's timeout), each refused attempt changing nothing.
    await opened.shift()!.close();
    let again = await stream(f, f.keys.viewer);
    while (again.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await stream(f, f.keys.viewer);
    }
    expect(again.status).toBe(200);
  });
});

describe('concurrent streams in total', () => {
  it('caps the streams of one instance whatever their keys (api.streams.maxTotal)', async () => {
    const f = await api({ redisUrl, listen: true, api: { streams: { maxTotal: 2 } } });
    const a = await SseClient.open(`${f.url}/v1/stream`, bearer(f.keys.viewer));
    const b = await SseClient.open(`${f.url}/v1/stream`, bearer(f.keys.supervisor));
    try {
      expect([a.status, b.status]).toEqual([200, 200]);
      const over = await fetch(`${f.url}/v1/stream`, { headers: bearer(f.keys.admin) });
      expect(over.status).toBe(429);
      expect(await over.json()).toMatchObject({ error: 'too-many-streams', details: { limit: 2, scope: 'total' } });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
