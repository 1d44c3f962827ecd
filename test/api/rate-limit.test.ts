import { afterEach, describe, expect, inject, it } from 'vitest';
import { bearer, startApi, type ApiFixture } from './api-fixture.js';
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
