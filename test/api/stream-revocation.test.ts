import { afterEach, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '../../src/time/clock.js';
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

async function stream(url: string, key: string): Promise<SseClient> {
  const s = await SseClient.open(`${url}/v1/stream`, bearer(key));
  streams.push(s);
  expect(s.status).toBe(200);
  await s.next('stats');
  return s;
}

/**
 * 'ended' or 'still open' after a generous wait. The wait bounds the test, it
 * is not a measure of speed: the periodic re-check of open streams (every
 * `api.streams.recheckSec`, 30 s by default) is far longer, so only the
 * revocation notice can end the stream in time.
 */
function endsWithin(s: SseClient, ms: number): Promise<'ended' | 'still open'> {
  return Promise.race([
    s.ended.then(() => 'ended' as const),
    new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms).unref()),
  ]);
}

describe('a revoked key loses its open streams', () => {
  it('revoked through one instance, the stream it holds on another ends', async () => {
    const prefix = uniquePrefix('revoke');
    const a = await api({ redisUrl, prefix, listen: true });
    const b = await api({ redisUrl, prefix, keys: a.keys, listen: true });
    const wall = await a.keyStore.create({ role: 'viewer', name: 'lobby wallboard' });
    const other = await stream(b.url, a.keys.viewer);
    const held = await stream(b.url, wall.key);
    const revoked = await fetch(`${a.url}/v1/keys/${wall.record.id}`, { method: 'DELETE', headers: bearer(a.keys.admin) });
    expect(revoked.status).toBe(200);
    expect(await endsWithin(held, 10_000)).toBe('ended');
    // Only that key's streams: the other key's stream keeps going.
    expect(await endsWithin(other, 0)).toBe('still open');
    expect((await fetch(`${b.url}/v1/stream`, { headers: bearer(wall.key) })).status).toBe(401);
  });

  it('revoked in the store (as npm run keys -- revoke does), its stream ends on every instance', async () => {
    const prefix = uniquePrefix('revoke');
    const a = await api({ redisUrl, prefix, listen: true });
    const b = await api({ redisUrl, prefix, keys: a.keys, listen: true });
    const wall = await a.keyStore.create({ role: 'viewer', name: 'lobby wallboard' });
    const onA = await stream(a.url, wall.key);
    const onB = await stream(b.url, wall.key);
    await b.keyStore.revoke(wall.record.id);
    expect(await endsWithin(onA, 10_000)).toBe('ended');
    expect(await endsWithin(onB, 10_000)).toBe('ended');
  });
});

describe('an expired key loses its open streams', () => {
  it('ends the stream when the key expires, in virtual time', async () => {
    const clock = new ManualClock(Date.now());
    const f = await api({ redisUrl, listen: true, clock });
    const temp = await f.keyStore.create({ role: 'viewer', name: 'temporary screen', expiresAt: clock.now() + 3_600_000 });
    const held = await stream(f.url, temp.key);
    const lasting = await stream(f.url, f.keys.viewer);
    await clock.advance(3_599_000);
    expect(await endsWithin(held, 0)).toBe('still open');
    await clock.advance(1_000);
    expect(await endsWithin(held, 10_000)).toBe('ended');
    expect(await endsWithin(lasting, 0)).toBe('still open');
    const refused = await fetch(`${f.url}/v1/stream`, { headers: bearer(temp.key) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'api-key-expired' });
  });
});
