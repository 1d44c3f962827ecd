import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackStore } from '../../src/callbacks/callback-store.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/private-redis.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { until } from '../acd/support/acd-fixture.js';
import { startCallbackWorld, type CallbackWorld } from './support/callback-world.js';
import { DURABILITY_CALLBACKS, DURABILITY_QUEUES } from './support/durability-settings.js';

/**
 * No callback lost and none dialled twice when the service process is killed
 * (SIGKILL) or Redis is killed and restarted with AOF. The service runs in a
 * child process that books the callbacks; the simulated Asterisk runs here
 * and counts every originate it receives.
 */
const redisDir = mkdtempSync(join(tmpdir(), 'hotline-cb-aof-'));
let redis: PrivateRedis;
let sim: SimulatedAsterisk;
let admin: Redis;

beforeAll(async () => {
  redis = await startPrivateRedis({ appendOnly: true, dir: redisDir, cleanup: false });
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: 'no-callers' });
  admin = new Redis(redis.url, { maxRetriesPerRequest: null });
  admin.on('error', () => {});
}, 30_000);

afterAll(async () => {
  admin?.disconnect();
  await sim?.close();
  await redis?.stop();
  rmSync(redisDir, { recursive: true, force: true });
});

/**
 * How long a customer stays on after answering (simulated time; 300 ms here).
 * Well past the greeting (50 ms here) and the bridge, even on a busy machine:
 * a customer who hangs up during the greeting is a dial that did not connect,
 * retried later, and would show as dialled twice.
 */
const CUSTOMER_TALK_MS = 6000;

/** Originates the simulator received, by dial string and by channel id. */
function originates(endpoint: string): string[] {
  return sim.requests()
    .filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && r.query.endpoint === endpoint)
    .map((r) => r.path.slice('/ari/channels/'.length));
}

/** A service process that books `count` callbacks; resolves with their ids once booked. */
async function bookingProcess(env: Record<string, string>): Promise<{ child: ChildProcess; booked: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/callbacks/support/booking-process.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const booked = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the booking process did not report')), 30_000);
    child.once('exit', (code) => reject(new Error(`the booking process exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { booked: string[] }).booked);
    });
  });
  return { child, booked };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function addAgents(world: CallbackWorld, ids: string[]): Promise<void> {
  for (const id of ids) {
    sim.setAgent(id, { kind: 'answer', afterMs: 200 });
    await world.acd.agents.add({ id, name: `Agent ${id}`, dial: `PJSIP/${id}`, skills: { billing: 3 } });
  }
}

function world(prefix: string, app: string): Promise<CallbackWorld> {
  return startCallbackWorld({ redisUrl: redis.url, prefix, simUrl: sim.url, app, callbacks: DURABILITY_CALLBACKS, queues: DURABILITY_QUEUES });
}

describe('callbacks survive', () => {
  it('when the service is killed (SIGKILL) after booking, every callback is dialled exactly once after the restart', async () => {
    const prefix = `test:cb:kill1:${randomUUID().slice(0, 8)}`;
    const app = `kill1-${randomUUID().slice(0, 6)}`;
    const count = 30;
    const first = 13700001000;
    const numbers = Array.from({ length: count }, (_, i) => String(first + i));
    for (const n of numbers) sim.setAgent(n, { kind: 'answer', afterMs: 300, hangupAfterMs: CUSTOMER_TALK_MS });

    const { child, booked } = await bookingProcess({ REDIS_URL: redis.url, PREFIX: prefix, SIM_URL: sim.url, APP: app, COUNT: String(count), FIRST_NUMBER: String(first) });
    expect(new Set(booked).size).toBe(count);
    await kill(child);

    const store = new CallbackStore(admin, prefix, 3600);
    expect((await store.openIds()).sort()).toEqual([...booked].sort());

    const restarted = await world(prefix, app);
    try {
      const agents = ['7401', '7402', '7403', '7404', '7405', '7406'];
      await addAgents(restarted, agents);
      for (const a of agents) await restarted.acd.agents.login(a);
      await until(async () => (await store.getMany(booked)).every((cb) => cb.state === 'connected'), 'every callback connected', 60_000);
      const dials = numbers.map((n) => originates(`PJSIP/${n}@trunk`).length);
      expect(dials).toEqual(numbers.map(() => 1));
      expect((await store.getMany(booked)).map((cb) => cb.attempts)).toEqual(booked.map(() => 1));
    } finally {
      await restarted.stop();
    }
  }, 120_000);

  it('when the service is killed while customers are being dialled, no dial is made twice and every callback is completed after the restart', async () => {
    const prefix = `test:cb:kill2:${randomUUID().slice(0, 8)}`;
    const app = `kill2-${randomUUID().slice(0, 6)}`;
    const count = 8;
    const first = 13700002000;
    const numbers = Array.from({ length: count }, (_, i) => String(first + i));
    // Ringing for 20 s (1 s here) when the service dies.
    for (const n of numbers) sim.setAgent(n, { kind: 'answer', afterMs: 20_000, hangupAfterMs: CUSTOMER_TALK_MS });
    const setup = await world(prefix, `${app}-setup`);
    const agents = Array.from({ length: count }, (_, i) => String(7500 + i));
    await addAgents(setup, agents);
    await setup.stop();

    const { child, booked } = await bookingProcess({ REDIS_URL: redis.url, PREFIX: prefix, SIM_URL: sim.url, APP: app, COUNT: String(count), FIRST_NUMBER: String(first), AGENTS: agents.join(',') });
    const store = new CallbackStore(admin, prefix, 3600);
    await until(async () => (await store.getMany(booked)).every((cb) => cb.state === 'dialling'), 'every dial claimed', 30_000);
    await until(() => numbers.every((n) => originates(`PJSIP/${n}@trunk`).length === 1), 'every customer ringing', 30_000);
    await kill(child);

    // The customers now answer at once.
    for (const n of numbers) sim.setAgent(n, { kind: 'answer', afterMs: 300, hangupAfterMs: CUSTOMER_TALK_MS });
    const restarted = await world(prefix, app);
    try {
      await until(async () => (await store.getMany(booked)).every((cb) => cb.state === 'connected'), 'every callback connected', 60_000);
      const callbacks = await store.getMany(booked);
      for (const cb of callbacks) {
        // The interrupted dial was not made again; the next try came after the retry delay.
        expect(cb.attempts).toBe(2);
        expect((await store.attempt(cb.id, 1))?.result).toBe('interrupted');
        const legs = originates(`PJSIP/${cb.number}@trunk`);
        expect(legs.sort()).toEqual([`${cb.id}-c1`, `${cb.id}-c2`]);
      }
      // Every agent free again.
      await until(async () => (await restarted.acd.agents.list()).filter((a) => agents.includes(a.id)).every((a) => a.state === 'available'), 'agents available');
    } finally {
      await restarted.stop();
    }
  }, 120_000);

  it('when Redis is killed and restarted with AOF, no callback is lost and each is dialled once', async () => {
    const prefix = `test:cb:redis:${randomUUID().slice(0, 8)}`;
    const app = `redis-${randomUUID().slice(0, 6)}`;
    const count = 20;
    const first = 13700003000;
    const numbers = Array.from({ length: count }, (_, i) => String(first + i));
    for (const n of numbers) sim.setAgent(n, { kind: 'answer', afterMs: 300, hangupAfterMs: CUSTOMER_TALK_MS });
    const service = await world(prefix, app);
    try {
      const booked: string[] = [];
      for (const n of numbers) {
        booked.push((await service.callbacks.request({
          callId: `redis-call-${n}`, queue: 'billing', skill: 'billing', minAgentLevel: 1, priority: 20, preferHighestLevel: false,
          overflow: null, tier: 'standard', number: n, context: null, reason: 'need billing', lang: 'zh',
        })).callbackId);
      }
      await redis.stop('SIGKILL');
      const back = await startPrivateRedis({ appendOnly: true, dir: redisDir, cleanup: false, port: redis.port });
      redis = back;
      await until(async () => (await admin.ping().catch(() => null)) === 'PONG', 'Redis back');
      const store = new CallbackStore(admin, prefix, 3600);
      expect((await store.openIds()).sort()).toEqual([...booked].sort());
      await until(async () => (await service.redis.ping().catch(() => null)) === 'PONG', 'the service reconnected');
      expect((await service.acd.waiting('billing')).map((w) => w.callId).sort()).toEqual([...booked].sort());

      const agents = ['7601', '7602', '7603', '7604'];
      await addAgents(service, agents);
      for (const a of agents) await service.acd.agents.login(a);
      await until(async () => (await store.getMany(booked)).every((cb) => cb.state === 'connected'), 'every callback connected', 60_000);
      expect(numbers.map((n) => originates(`PJSIP/${n}@trunk`).length)).toEqual(numbers.map(() => 1));
    } finally {
      await service.stop();
    }
  }, 120_000);
});
