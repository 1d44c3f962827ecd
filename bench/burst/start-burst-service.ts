import { Redis } from 'ioredis';
import { pino, type DestinationStream } from 'pino';
import { deepMerge } from '../../src/config/load-config.js';
import { loadConfig } from '../../src/service/config-schema.js';
import { PasswordGuard } from '../../src/customers/password-guard.js';
import { RedisCustomerStore } from '../../src/customers/redis-customer-store.js';
import { seedCustomers } from '../../src/customers/seed-customers.js';
import { HotlineService } from '../../src/service/hotline-service.js';

export interface BurstServiceOptions {
  redisUrl: string;
  /** Key prefix of this run in Redis. */
  prefix: string;
  simUrl: string;
  user: string;
  password: string;
  /** The Stasis app the switch's dialplan sends the access numbers to. */
  app: string;
  /** Config overrides merged over config/*.yaml. */
  overrides: Record<string, unknown>;
  /** Caller timeouts and hold intervals relative to the service's (below 1 only against a time-compressed switch). */
  timeScale: number;
  /** Agents (ids from config/agents.yaml) logged in and ready. */
  agents: readonly string[];
  logLevel: string;
  logStream: DestinationStream;
}

export interface BurstService {
  service: HotlineService;
  stop(): Promise<void>;
}

/**
 * The whole hotline service as production runs it (real ARI adapter, real
 * Redis), the sample customers seeded and the burst's agents ready.
 */
export async function startBurstService(options: BurstServiceOptions): Promise<BurstService> {
  const config = loadConfig({
    env: {},
    overrides: deepMerge({
      redis: { url: options.redisUrl, keyPrefix: options.prefix },
      ari: { url: options.simUrl, user: options.user, password: options.password, app: options.app },
      server: { host: '127.0.0.1', port: 0 },
      log: { level: options.logLevel },
      instance: { id: `burst-${options.app}` },
    }, options.overrides),
  });
  const service = new HotlineService({
    config,
    logger: pino({ level: config.log.level }, options.logStream),
    timeScale: options.timeScale,
  });
  await service.start();
  await service.ari.waitUntilReady(10_000);
  const redis = new Redis(options.redisUrl);
  try {
    const store = new RedisCustomerStore(redis, options.prefix);
    const guard = new PasswordGuard({ redis, keyPrefix: options.prefix, customers: store, maxAttempts: 3, lockMinutes: 15 });
    await seedCustomers(store, guard, 'config/customers.sample.json');
  } finally {
    redis.disconnect();
  }
  for (const id of options.agents) await service.acd.agents.login(id, { ready: true });
  return { service, stop: () => service.stop() };
}
