import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { inject } from 'vitest';
import { placeCall, type CallReport, type PlaceCallOptions } from '../../src/call-tool/place-call.js';
import { deepMerge } from '../../src/config/load-config.js';
import { loadConfig, type Config } from '../../src/service/config-schema.js';
import { PasswordGuard } from '../../src/customers/password-guard.js';
import { RedisCustomerStore } from '../../src/customers/redis-customer-store.js';
import { seedCustomers } from '../../src/customers/seed-customers.js';
import type { SessionEnd } from '../../src/ivr/call-session.js';
import type { Clock } from '../../src/time/clock.js';
import { HotlineService } from '../../src/service/hotline-service.js';
import { startSimulatedAsterisk, type SimulatedAsterisk, type SimOptions } from '../../src/sim/simulated-asterisk.js';

/** Simulated time runs this many times faster than real time in these tests. */
export const SPEED = 20;

export interface HotlineFixture {
  sim: SimulatedAsterisk;
  service: HotlineService;
  config: Config;
  redis: Redis;
  prefix: string;
  /** Session ends reported by the IVR, by call id. */
  ends: Map<string, SessionEnd>;
  call(number: string, from: string, keys?: string[], options?: CallOptions): Promise<CallReport>;
  /** Waits until every IVR session has ended (after the caller hung up). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export type CallOptions = Pick<PlaceCallOptions, 'maxQueueWaitMs' | 'keyTiming' | 'hangupWhen' | 'talkMs'>;

export interface FixtureOptions {
  /** Config overrides merged over config/*.yaml. */
  overrides?: Record<string, unknown>;
  sim?: Partial<SimOptions>;
  /** Log in and ready these agents (ids from config/agents.yaml); default none. */
  readyAgents?: string[];
  /** Share another fixture's simulator (a second service instance). */
  shareSim?: SimulatedAsterisk;
  /** Share another fixture's Redis prefix (a second service instance). */
  sharePrefix?: string;
  /** Caller timeouts relative to service defaults (default 0.2: a 5 s menu wait becomes 1 s). */
  timeScale?: number;
  /** The service's clock (default: the system's). */
  clock?: Clock;
}

/**
 * One hotline service instance against the simulated Asterisk (real HTTP and
 * WebSocket), a private Redis key prefix and the sample customers. Simulated
 * time is compressed by SPEED and the IVR's timeouts scaled to match.
 */
export async function startHotline(options: FixtureOptions = {}): Promise<HotlineFixture> {
  const prefix = options.sharePrefix ?? `test:e2e:${randomUUID().slice(0, 8)}`;
  const app = `ivr-${randomUUID().slice(0, 6)}`;
  const recordingsDir = mkdtempSync(join(tmpdir(), 'hotline-recordings-'));
  const sim = options.shareSim ?? await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, dialplanApp: app, ...options.sim });
  const config = loadConfig({
    env: {},
    overrides: deepMerge({
      redis: { url: inject('redisUrl'), keyPrefix: prefix },
      ari: { url: sim.url, app: options.shareSim ? `${app}` : app, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } },
      server: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent' },
      instance: { id: `test-${app}` },
      // Recordings land in a folder of this fixture's own, removed at stop.
      recordings: { store: { kind: 'directory', dir: recordingsDir } },
    }, options.overrides ?? {}),
  });
  const ends = new Map<string, SessionEnd>();
  const service = new HotlineService({
    config,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    // Caller timeouts at a fifth: a 5 s menu wait becomes 1 s, well above the call tool's quiet time.
    timeScale: options.timeScale ?? 0.2,
    ...(options.clock ? { clock: options.clock } : {}),
    onSessionEnd: (id, end) => ends.set(id, end),
  });
  await service.start();
  await service.ari.waitUntilReady(5000);
  const redis = new Redis(inject('redisUrl'));
  if (!options.sharePrefix) {
    const store = new RedisCustomerStore(redis, prefix);
    await seedCustomers(store, new PasswordGuard({ redis, keyPrefix: prefix, customers: store, maxAttempts: 3, lockMinutes: 15 }), 'config/customers.sample.json');
  }
  for (const id of options.readyAgents ?? []) await service.acd.agents.login(id, { ready: true });

  return {
    sim, service, config, redis, prefix, ends,
    call: (number, from, keys = [], callOptions = {}) => placeCall({
      ariUrl: sim.url, user: 'ivr', password: 'ivr', serviceApp: config.ari.app,
      number, from, keys, manifest: service.manifest,
      quietMs: 150, maxQueueWaitMs: 5000, maxCallMs: 60_000,
      ...callOptions,
    }),
    idle: async () => {
      const deadline = Date.now() + 10_000;
      while (service.sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
    stop: async () => {
      await service.stop();
      if (!options.shareSim) await sim.close();
      redis.disconnect();
      rmSync(recordingsDir, { recursive: true, force: true });
    },
  };
}

/** The prompt ids heard, in order (media `sound:hotline/<id>`). */
export function heardIds(report: CallReport): string[] {
  return report.heard.map((h) => h.media.replace(/^sound:hotline\//, ''));
}
