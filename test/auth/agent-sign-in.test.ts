import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AgentPins, SignInLockedError, SignInRefusedError } from '../../src/auth/agent-pins.js';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import { ValidationError } from '../../src/errors.js';
import { ManualClock } from '../../src/time/clock.js';
import { uniquePrefix } from '../api/sync-fixture.js';

let redis: Redis;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(() => {
  redis.disconnect();
});

describe('agent keys', () => {
  it('name their one agent; other roles take none', async () => {
    const keys = new ApiKeyStore({ redis, keyPrefix: uniquePrefix('agent-keys') });
    await expect(keys.create({ role: 'agent', name: 'desk 1004' })).rejects.toThrow(ValidationError);
    await expect(keys.create({ role: 'viewer', name: 'wall', agentId: '1004' })).rejects.toThrow(/agentId: an agent key names its agent/);
    await expect(keys.create({ role: 'agent', name: 'desk', agentId: '10 04' })).rejects.toThrow(/agentId/);
    const { key, record } = await keys.create({ role: 'agent', name: 'desk 1004', agentId: '1004' });
    expect(record).toMatchObject({ role: 'agent', agentId: '1004' });
    expect(await keys.verify(key)).toMatchObject({ role: 'agent', agentId: '1004' });
    expect((await keys.create({ role: 'viewer', name: 'wall' })).record.agentId).toBeNull();
  });
});

describe('desk sessions', () => {
  it('stand for an agent key until they expire or end, and keep only a hash of the token', async () => {
    const clock = new ManualClock(1_000_000);
    const prefix = uniquePrefix('sessions');
    const keys = new ApiKeyStore({ redis, keyPrefix: prefix, clock, sessionTtlMs: 60_000 });
    const { token, record } = await keys.sessions.open('1004');
    expect(token).toMatch(/^ds_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ id: expect.stringMatching(/^ds-[0-9a-f]{12}$/), role: 'agent', agentId: '1004', expiresAt: 1_060_000 });
    expect(await keys.verify(token)).toMatchObject({ id: record.id, agentId: '1004' });
    expect(await keys.active(record.id)).toMatchObject({ agentId: '1004' });
    expect(JSON.stringify(await redis.hgetall(`${prefix}:desk-session:${record.id}`))).not.toContain(token);
    await expect(keys.verify(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).rejects.toMatchObject({ status: 401 });
    await clock.advance(60_000);
    await expect(keys.verify(token)).rejects.toMatchObject({ code: 'api-key-expired' });

    const second = await keys.sessions.open('1004');
    expect(await keys.sessions.end(second.record.id)).toBe(true);
    await expect(keys.verify(second.token)).rejects.toMatchObject({ code: 'invalid-api-key' });
    expect(await redis.pttl(`${prefix}:desk-session:${record.id}`)).toBeLessThanOrEqual(60_000);
  });
});

describe('desk PINs', () => {
  function pins(maxAttempts = 3) {
    return new AgentPins({ redis, keyPrefix: uniquePrefix('pins'), maxAttempts, lockMinutes: 15 });
  }

  it('are stored as scrypt hashes and must be 6 to 12 digits', async () => {
    const p = pins();
    await expect(p.set('1004', '12345')).rejects.toThrow(/pin: must be 6 to 12 digits/);
    await expect(p.set('1004', '12345a')).rejects.toThrow(ValidationError);
    await p.set('1004', '246810');
    expect(await p.isSet('1004')).toBe(true);
    await expect(p.check('1004', '246810')).resolves.toBeUndefined();
  });

  it('lock after the wrong PINs allowed, counted across parallel attempts, and a new PIN lifts the lock', async () => {
    const p = pins(3);
    await p.set('1005', '135790');
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => p.check('1005', '000000')));
    const refused = attempts.map((a) => (a.status === 'rejected' ? (a.reason as Error).constructor.name : 'accepted'));
    expect(refused.filter((r) => r === 'SignInRefusedError').length).toBeLessThanOrEqual(2);
    expect(refused).not.toContain('accepted');
    await expect(p.check('1005', '135790')).rejects.toBeInstanceOf(SignInLockedError);
    await p.set('1005', '135791');
    await expect(p.check('1005', '135791')).resolves.toBeUndefined();
  });

  it('a right PIN clears the count; an agent without a PIN is refused as a wrong PIN is', async () => {
    const p = pins(3);
    await p.set('1006', '112233');
    await expect(p.check('1006', '000000')).rejects.toBeInstanceOf(SignInRefusedError);
    await expect(p.check('1006', '000000')).rejects.toBeInstanceOf(SignInRefusedError);
    await p.check('1006', '112233');
    await expect(p.check('1006', '000000')).rejects.toMatchObject({ details: { attemptsLeft: 2 } });
    await expect(p.check('nobody', '112233')).rejects.toBeInstanceOf(SignInRefusedError);
    expect(await p.clear('1006')).toBe(true);
    await expect(p.check('1006', '112233')).rejects.toBeInstanceOf(SignInRefusedError);
  });
});

describe('npm run keys', () => {
  /** Runs the keys tool with `input` on its standard input; its exit code and output. */
  function keysTool(prefix: string, args: string[], input = ''): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', ...args], { env: { ...process.env, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix } });
      let out = '';
      child.stdout.on('data', (d) => { out += String(d); });
      child.stderr.on('data', (d) => { out += String(d); });
      child.on('close', (code) => resolve({ code, out }));
      child.stdin.end(input);
    });
  }

  it('sets an agent\'s PIN read from standard input, and makes agent keys bound to an agent', async () => {
    const prefix = uniquePrefix('keys-pin');
    await redis.sadd(`${prefix}:{acd}:agents`, '1004');
    const set = await keysTool(prefix, ['pin', '1004'], '271828\n');
    expect(set).toMatchObject({ code: 0, out: 'desk PIN of agent 1004 set\n' });
    await new AgentPins({ redis, keyPrefix: prefix, maxAttempts: 3, lockMinutes: 15 }).check('1004', '271828');
    expect((await keysTool(prefix, ['pin', 'nobody'], '271828\n')).code).toBe(64);
    expect((await keysTool(prefix, ['pin', '1004'], '12\n')).out).toContain('must be 6 to 12 digits');

    expect((await keysTool(prefix, ['create', '--role', 'agent', '--name', 'desk 1004'])).out).toContain('an agent key needs --agent');
    const made = await keysTool(prefix, ['create', '--role', 'agent', '--name', 'desk 1004', '--agent', '1004']);
    expect(made.code).toBe(0);
    const [record] = await new ApiKeyStore({ redis, keyPrefix: prefix }).list();
    expect(record).toMatchObject({ role: 'agent', agentId: '1004' });
  });
});
