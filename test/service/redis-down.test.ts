import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/private-redis.js';
import { loadConfig } from '../../src/service/config-schema.js';
import { HotlineService } from '../../src/service/hotline-service.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';

/** How long the test watches the service with Redis gone. */
const DOWN_FOR_MS = 4000;

interface LogLine { level: number; msg: string; [field: string]: unknown }

let redis: PrivateRedis;
let sim: SimulatedAsterisk;
let service: HotlineService;
let base = '';
let adminKey = '';
const lines: LogLine[] = [];
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => { uncaught.push(err); };
let consoleErrors: MockInstance<typeof console.error>;
let redisRunning = false;

/**
 * Error events nobody listened to (ioredis reports its own on the console
 * instead of throwing them; any other emitter's would be an uncaught
 * exception), and promises rejected with nobody to handle them (such as a
 * subscribe made again after a reconnect, on a connection lost again).
 */
function unhandled(): number {
  const ioredis = consoleErrors.mock.calls.filter((args) => String(args[0]).includes('Unhandled error event')).length;
  return ioredis + uncaught.length;
}

/** Log lines that are about Redis: their message or their error names it, or a connection failure. */
function aboutRedis(from: number): LogLine[] {
  return lines.slice(from).filter((l) => /redis|ECONNREFUSED|connection is closed|max retries|job queue|worker|routing/i.test(JSON.stringify(l)));
}

/** The service's connections subscribed to a channel, as the Redis server counts them. */
async function subscribedClients(): Promise<number> {
  const probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    const list = await probe.client('LIST') as string;
    return list.split('\n').filter((line) => /\bsub=[1-9]/.test(line)).length;
  } catch {
    return -1;
  } finally {
    probe.disconnect();
  }
}

async function get(path: string): Promise<{ status: number; retryAfter: string | undefined; body: { error?: string } | null }> {
  const res = await request(`${base}${path}`, { headers: { authorization: `Bearer ${adminKey}` } });
  const text = await res.body.text();
  const retryAfter = res.headers['retry-after'];
  return { status: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  consoleErrors = vi.spyOn(console, 'error');
  redis = await startPrivateRedis({ cleanup: false, appendOnly: true });
  redisRunning = true;
  const app = `ivr-${randomUUID().slice(0, 6)}`;
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: app });
  const config = loadConfig({
    env: {},
    overrides: {
      redis: { url: redis.url, keyPrefix: 'test:redis-down' },
      ari: { url: sim.url, app, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } },
      server: { host: '127.0.0.1', port: 0 },
      instance: { id: `test-${app}` },
    },
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  service = new HotlineService({ config, logger: pino({ level: 'info' }, sink), timeScale: 0.2 });
  const { url } = await service.start();
  base = url;
  await service.ari.waitUntilReady(5000);
  // Redis is killed after the ACD has recovered the calls of a previous run, not in the middle of it.
  await service.acd.recovered();
  adminKey = (await service.keys.create({ role: 'admin', name: 'ops' })).key;
});

afterAll(async () => {
  if (redis && !redisRunning) await redis.restart();
  await service?.stop();
  await sim?.close();
  await redis?.stop();
  consoleErrors?.mockRestore();
  if (redis) rmSync(redis.dir, { recursive: true, force: true });
  process.removeListener('uncaughtException', onUncaught);
  process.removeListener('unhandledRejection', onUncaught);
});

describe('with Redis down', () => {
  it('the API answers 503 dependency-unavailable with Retry-After, the log says so once, and no error event goes unhandled', async () => {
    expect((await get('/v1/queues')).status).toBe(200);

    const subscribers = await subscribedClients();
    expect(subscribers).toBeGreaterThan(0);
    const before = lines.length;
    await redis.stop('SIGKILL');
    redisRunning = false;
    const downAt = Date.now();
    const answers: Array<Awaited<ReturnType<typeof get>>> = [];
    while (Date.now() - downAt < DOWN_FOR_MS) {
      answers.push(await get('/v1/queues'), await get('/v1/stats/realtime'));
      await new Promise((r) => setTimeout(r, 250));
    }
    const whileDown = aboutRedis(before);

    // One summary, so a failure shows everything that is wrong at once.
    expect({
      answers: [...new Set(answers.map((a) => `${a.status} ${a.body?.error} retry-after=${Number(a.retryAfter) > 0 ? 'yes' : 'no'}`))],
      redisLogLines: whileDown.length <= 2 ? 'at most two' : `${whileDown.length}: ${[...new Set(whileDown.map((l) => l.msg))].join(' | ')}`,
      unhandledErrorEvents: unhandled(),
    }).toEqual({
      answers: ['503 dependency-unavailable retry-after=yes'],
      redisLogLines: 'at most two',
      unhandledErrorEvents: 0,
    });

    // Back up: the API answers again and the log says so once.
    const beforeUp = lines.length;
    await redis.restart();
    redisRunning = true;
    await expect.poll(async () => (await get('/v1/queues')).status, { timeout: 15_000, interval: 100 }).toBe(200);
    await expect.poll(() => aboutRedis(beforeUp).some((l) => /reachable again/.test(l.msg)), { timeout: 15_000, interval: 100 }).toBe(true);
    expect(aboutRedis(beforeUp).length).toBeLessThanOrEqual(2);
    // Every subscriber of the service has subscribed again before it is stopped.
    await expect.poll(() => subscribedClients(), { timeout: 15_000, interval: 100 }).toBe(subscribers);
    expect(unhandled()).toBe(0);
  }, 60_000);
});
