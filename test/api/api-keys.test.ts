import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from '../../src/auth/api-key.js';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import { ValidationError } from '../../src/errors.js';
import { ManualClock, systemClock, type Clock } from '../../src/time/clock.js';
import { bearer, startApi } from './api-fixture.js';
import { uniquePrefix } from './sync-fixture.js';

let redis: Redis;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});

afterAll(() => {
  redis.disconnect();
});

function store(clock: Clock = systemClock): { keys: ApiKeyStore; prefix: string } {
  const prefix = uniquePrefix('keys');
  return { keys: new ApiKeyStore({ redis, keyPrefix: prefix, clock }), prefix };
}

describe('API key format', () => {
  it('is hk_, a 12-hex-digit id and 32 random bytes in base64url', () => {
    const { key, id, secret } = generateApiKey();
    expect(key).toBe(`hk_${id}_${secret}`);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(parseApiKey(key)).toEqual({ id, secret });
  });

  it('reads a secret containing underscores, and nothing of another shape', () => {
    const secret = `${'_'.repeat(3)}${'a'.repeat(40)}`;
    expect(parseApiKey(`hk_0123456789ab_${secret}`)).toEqual({ id: '0123456789ab', secret });
    for (const text of ['', 'hk_', 'hk_0123456789AB_' + 'a'.repeat(43), 'hk_0123456789ab_' + 'a'.repeat(42), 'hk_0123456789ab_' + 'a'.repeat(44), ' hk_0123456789ab_' + 'a'.repeat(43), 'letmein', 'short-key12', 'has space in it ok', 'x'.repeat(257)]) {
      expect(parseApiKey(text)).toBeNull();
    }
  });

  it('accepts a chosen key of 12 to 256 printable characters, its id derived from it', () => {
    const chosen = parseApiKey('demo-admin-key-2026');
    expect(chosen).toEqual({ id: expect.stringMatching(/^[0-9a-f]{12}$/), secret: 'demo-admin-key-2026' });
    expect(parseApiKey('demo-admin-key-2026')).toEqual(chosen);
    expect(parseApiKey('demo-admin-key-2027')!.id).not.toBe(chosen!.id);
  });

  it('compares the hash of the secret, not the secret', () => {
    const { secret } = generateApiKey();
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
    const other = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
    expect(secretMatches(other, hashSecret(secret))).toBe(false);
    expect(secretMatches(secret, 'abcd')).toBe(false);
  });
});

describe('API key store', () => {
  it('stores only a hash of the secret with name, role and times', async () => {
    const clock = new ManualClock(1_000);
    const { keys, prefix } = store(clock);
    const { key, record } = await keys.create({ role: 'supervisor', name: 'alice' });
    const stored = await redis.hgetall(`${prefix}:api-key:${record.id}`);
    expect(JSON.stringify(stored)).not.toContain(parseApiKey(key)!.secret);
    expect(stored.hash).toBe(hashSecret(parseApiKey(key)!.secret));
    expect(record).toEqual({ id: record.id, name: 'alice', role: 'supervisor', createdAt: 1_000, lastUsedAt: null, revokedAt: null, expiresAt: null, agentId: null });
    await clock.advance(4_000);
    expect(await keys.verify(key)).toMatchObject({ id: record.id, lastUsedAt: 5_000 });
    expect((await keys.get(record.id))!.lastUsedAt).toBe(5_000);
  });

  it('writes the last-used time at most once a minute per key', async () => {
    const clock = new ManualClock(0);
    const { keys } = store(clock);
    const { key, record } = await keys.create({ role: 'viewer', name: 'wall' });
    await clock.advance(100_000);
    await keys.verify(key);
    await clock.advance(30_000);
    await keys.verify(key);
    expect((await keys.get(record.id))!.lastUsedAt).toBe(100_000);
    await clock.advance(30_000);
    await keys.verify(key);
    expect((await keys.get(record.id))!.lastUsedAt).toBe(160_000);
  });

  it('tells unknown, wrong-secret, malformed and revoked keys apart only as far as is safe', async () => {
    const { keys } = store();
    const { key, record } = await keys.create({ role: 'admin', name: 'root' });
    await expect(keys.verify('nonsense')).rejects.toMatchObject({ status: 401, code: 'malformed-api-key' });
    await expect(keys.verify(`hk_ffffffffffff_${'a'.repeat(43)}`)).rejects.toMatchObject({ status: 401, code: 'invalid-api-key', message: 'unknown API key' });
    await expect(keys.verify(`hk_${record.id}_${'a'.repeat(43)}`)).rejects.toMatchObject({ status: 401, code: 'invalid-api-key', message: 'unknown API key' });
    await keys.revoke(record.id);
    await expect(keys.verify(key)).rejects.toMatchObject({ status: 401, code: 'revoked-api-key' });
    await expect(keys.verify(`hk_${record.id}_${'a'.repeat(43)}`)).rejects.toMatchObject({ code: 'invalid-api-key' });
  });

  it('lists keys oldest first, revoked ones marked', async () => {
    const clock = new ManualClock(10);
    const { keys } = store(clock);
    const a = await keys.create({ role: 'viewer', name: 'a' });
    await clock.advance(10);
    await keys.create({ role: 'admin', name: 'b' });
    await clock.advance(10);
    await keys.revoke(a.record.id);
    expect((await keys.list()).map((k) => [k.name, k.revokedAt])).toEqual([['a', 30], ['b', null]]);
    await expect(keys.revoke('000000000000')).rejects.toMatchObject({ status: 404, code: 'no-such-api-key' });
  });

  it('creates the demo key from a given key, again harmlessly on restart, and refuses a malformed one', async () => {
    const { keys } = store();
    const given = generateApiKey().key;
    const first = await keys.create({ role: 'admin', name: 'demo', key: given });
    expect(first.key).toBe(given);
    expect(await keys.verify(given)).toMatchObject({ role: 'admin', name: 'demo' });
    const again = await keys.create({ role: 'admin', name: 'demo', key: given });
    expect(again.record.id).toBe(first.record.id);
    expect(await keys.list()).toHaveLength(1);
    await expect(keys.create({ role: 'admin', name: 'demo', key: 'letmein' })).rejects.toThrow(ValidationError);
    await expect(keys.create({ role: 'admin', name: 'demo', key: 'letmein' })).rejects.toThrow(/^key: must have the form hk_/);
  });

  it('creates and verifies a chosen demo key that is not of the generated form', async () => {
    const { keys } = store();
    const { key, record } = await keys.create({ role: 'admin', name: 'demo', key: 'my-demo-admin-key' });
    expect(key).toBe('my-demo-admin-key');
    expect(await keys.verify('my-demo-admin-key')).toMatchObject({ id: record.id, role: 'admin' });
    await expect(keys.verify('my-demo-admin-kez')).rejects.toMatchObject({ status: 401, code: 'invalid-api-key' });
  });

  it('refuses a given key whose id is taken by another secret, or that was revoked', async () => {
    const { keys } = store();
    const { record } = await keys.create({ role: 'viewer', name: 'v' });
    await expect(keys.create({ role: 'admin', name: 'x', key: `hk_${record.id}_${'Z'.repeat(43)}` })).rejects.toMatchObject({ status: 409, code: 'api-key-exists' });
    const given = generateApiKey().key;
    const made = await keys.create({ role: 'admin', name: 'demo', key: given });
    await keys.revoke(made.record.id);
    await expect(keys.create({ role: 'admin', name: 'demo', key: given })).rejects.toThrow(/was revoked/);
  });

  it('refuses an unknown role or an empty name, naming the field', async () => {
    const { keys } = store();
    await expect(keys.create({ role: 'root' as 'admin', name: 'x' })).rejects.toThrow(/^role: /);
    await expect(keys.create({ role: 'viewer', name: '   ' })).rejects.toThrow(/^name: must not be empty/);
  });
});

describe('key names and expiry', () => {
  const DAY = 86_400_000;

  it('refuses names with control, bidi, zero-width or other format characters, or too long, naming the field', async () => {
    const { keys } = store();
    const hostile = ['tab\there', 'invoice\u202Egnp.exe', 'isolate\u2066d\u2069', 'zero\u200Bwidth', 'joiner\u200Dx', 'bom\uFEFFx', 'line\u2028separator', 'soft\u00ADhyphen', 'x'.repeat(65)];
    for (const name of hostile) {
      await expect(keys.create({ role: 'viewer', name }), JSON.stringify(name)).rejects.toThrow(/^name: /);
    }
    expect((await keys.create({ role: 'viewer', name: '大厅 wallboard 2 — Zoë' })).record.name).toBe('大厅 wallboard 2 — Zoë');
  });

  it('creates a key with an expiry; from then on it is refused with 401 api-key-expired', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
    const { keys } = store(clock);
    const inDays = await keys.create({ role: 'viewer', name: 'temp', expiresInDays: 2 });
    expect(inDays.record.expiresAt).toBe(clock.now() + 2 * DAY);
    const at = await keys.create({ role: 'viewer', name: 'fixed', expiresAt: clock.now() + 1000 });
    expect(at.record.expiresAt).toBe(clock.now() + 1000);
    expect((await keys.create({ role: 'viewer', name: 'forever' })).record.expiresAt).toBeNull();
    expect(await keys.verify(at.key)).toMatchObject({ id: at.record.id });
    await clock.advance(1000);
    await expect(keys.verify(at.key)).rejects.toMatchObject({ status: 401, code: 'api-key-expired' });
    await clock.advance(2 * DAY - 1001);
    expect(await keys.verify(inDays.key)).toMatchObject({ id: inDays.record.id });
    await clock.advance(1);
    await expect(keys.verify(inDays.key)).rejects.toMatchObject({ status: 401, code: 'api-key-expired' });
  });

  it('refuses an expiry in the past, out of range, or given both ways, naming the field', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
    const { keys } = store(clock);
    await expect(keys.create({ role: 'viewer', name: 'x', expiresAt: clock.now() })).rejects.toThrow(/^expiresAt: must be in the future/);
    await expect(keys.create({ role: 'viewer', name: 'x', expiresInDays: 0 })).rejects.toThrow(/^expiresInDays: /);
    await expect(keys.create({ role: 'viewer', name: 'x', expiresInDays: 1.5 })).rejects.toThrow(/^expiresInDays: /);
    await expect(keys.create({ role: 'viewer', name: 'x', expiresInDays: 1, expiresAt: clock.now() + DAY })).rejects.toThrow(/expiresAt.*expiresInDays|expiresInDays.*expiresAt/);
  });

  it('through the API: 400 naming body.name or body.expiresAt; a key made to expire shows when', async () => {
    const f = await startApi({ redisUrl: inject('redisUrl') });
    try {
      const post = (payload: Record<string, unknown>) => f.app.inject({ method: 'POST', url: '/v1/keys', headers: bearer(f.keys.admin), payload });
      const bidi = await post({ role: 'viewer', name: 'report\u202Efdp.exe' });
      expect(bidi.statusCode).toBe(400);
      expect(bidi.json().message).toMatch(/^body\.name: /);
      const past = await post({ role: 'viewer', name: 'wall', expiresAt: '2001-01-01T00:00:00Z' });
      expect(past.statusCode).toBe(400);
      expect(past.json().message).toMatch(/^body\.expiresAt: /);
      const made = await post({ role: 'viewer', name: 'wall', expiresInDays: 30 });
      expect(made.statusCode).toBe(201);
      const expiresAt = Date.parse(made.json().expiresAt);
      expect(Math.abs(expiresAt - (Date.parse(made.json().createdAt) + 30 * DAY))).toBe(0);
      const listed = (await f.app.inject({ url: '/v1/keys', headers: bearer(f.keys.admin) })).json().keys;
      expect(listed.find((k: { id: string }) => k.id === made.json().id)).toMatchObject({ expiresAt: made.json().expiresAt });
    } finally {
      await f.close();
    }
  });

  it('npm run keys -- create takes --expires-in-days', async () => {
    const prefix = uniquePrefix('keys-cli');
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', 'create', '--role', 'viewer', '--name', 'lobby', '--expires-in-days', '7'], {
      env: { ...process.env, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix },
    });
    expect(stdout).toMatch(/expires 20\d\d-/);
    const [record] = await new ApiKeyStore({ redis, keyPrefix: prefix }).list();
    expect(record!.expiresAt! - record!.createdAt).toBe(7 * DAY);
  });

  it('npm run keys -- create --role auditor makes a key that hears recordings and tunes nothing', async () => {
    const f = await startApi({ redisUrl: inject('redisUrl') });
    try {
      const run = promisify(execFile);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', 'create', '--role', 'auditor', '--name', 'compliance'], {
        env: { ...process.env, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: f.prefix },
      });
      expect(stdout).toMatch(/^created auditor key [0-9a-f]{12} for compliance;/);
      const key = stdout.trim().split('\n').at(-1)!;
      const as = (url: string, method: 'GET' | 'PATCH' = 'GET') => f.app.inject({ method, url, headers: bearer(key), ...(method === 'PATCH' ? { payload: {} } : {}) });
      expect((await as('/v1/recordings')).statusCode).toBe(200);
      expect((await as('/v1/queues')).statusCode).toBe(200);
      expect((await as('/v1/queues/billing', 'PATCH')).statusCode).toBe(403);
      expect((await as('/v1/keys')).statusCode).toBe(403);
      const made = await f.app.inject({ method: 'POST', url: '/v1/keys', headers: bearer(f.keys.admin), payload: { role: 'auditor', name: 'second auditor' } });
      expect(made.statusCode).toBe(201);
      expect(made.json()).toMatchObject({ role: 'auditor' });
    } finally {
      await f.close();
    }
  });
});
