import { afterEach, describe, expect, inject, it } from 'vitest';
import { bearer, startApi, type ApiFixture } from './api-fixture.js';
import { SseClient } from './sse-client.js';
import { uniquePrefix } from './sync-fixture.js';

const redisUrl = inject('redisUrl');
const open: ApiFixture[] = [];
const streams: SseClient[] = [];

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  await Promise.all(open.splice(0).map((f) => f.close()));
});

async function api(options: Parameters<typeof startApi>[0]): Promise<ApiFixture> {
  const f = await startApi(options);
  open.push(f);
  return f;
}

async function ticket(f: ApiFixture, key: string): Promise<string> {
  const res = await fetch(`${f.url}/v1/stream/tickets`, { method: 'POST', headers: bearer(key) });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { ticket: string; expiresAt: string };
  expect(body.ticket).toMatch(/^st_[A-Za-z0-9_-]{43}$/);
  return body.ticket;
}

async function openWith(url: string): Promise<SseClient> {
  const s = await SseClient.open(url);
  streams.push(s);
  return s;
}

describe('stream tickets instead of a key in the URL', () => {
  it('a ticket opens one stream once, on any instance', async () => {
    const prefix = uniquePrefix('ticket');
    const a = await api({ redisUrl, prefix, listen: true });
    const b = await api({ redisUrl, prefix, keys: a.keys, listen: true });
    const t = await ticket(a, a.keys.viewer);
    const first = await openWith(`${b.url}/v1/stream?ticket=${t}`);
    expect(first.status).toBe(200);
    await first.next('stats');
    const again = await fetch(`${a.url}/v1/stream?ticket=${t}`);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: 'invalid-stream-ticket' });
  });

  it('lives 30 seconds and holds neither the key nor the ticket itself in Redis', async () => {
    const f = await api({ redisUrl, listen: true });
    const t = await ticket(f, f.keys.viewer);
    const stored = await f.redis.keys(`${f.prefix}:stream-ticket:*`);
    expect(stored).toHaveLength(1);
    const ttl = await f.redis.pttl(stored[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(stored[0]).not.toContain(t.slice(3));
    expect(await f.redis.get(stored[0]!)).not.toContain(f.keys.viewer);
  });

  it('refuses a ticket whose key was revoked after it was issued, and a made-up ticket', async () => {
    const f = await api({ redisUrl, listen: true });
    const wall = await f.keyStore.create({ role: 'viewer', name: 'wall' });
    const t = await ticket(f, wall.key);
    await f.keyStore.revoke(wall.record.id);
    const res = await fetch(`${f.url}/v1/stream?ticket=${t}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'revoked-api-key' });
    const madeUp = await fetch(`${f.url}/v1/stream?ticket=st_${'A'.repeat(43)}`);
    expect(await madeUp.json()).toMatchObject({ error: 'invalid-stream-ticket' });
  });

  it('issues tickets only for a key sent in the Authorization header', async () => {
    const f = await api({ redisUrl, listen: true });
    const res = await fetch(`${f.url}/v1/stream/tickets?key=${encodeURIComponent(f.keys.viewer)}`, { method: 'POST' });
    expect([400, 401]).toContain(res.status);
  });

  it('no longer takes the key from ?key= on /v1/stream unless api.streams.keyInQuery is set', async () => {
    const f = await api({ redisUrl, listen: true });
    const res = await fetch(`${f.url}/v1/stream?key=${encodeURIComponent(f.keys.viewer)}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'missing-api-key' });
  });
});
