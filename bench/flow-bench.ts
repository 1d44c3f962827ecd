/**
 * Whole-flow benchmark: new calls per second through 10000 — ARI StasisStart,
 * recognition, tier classification, greeting and menu, route decision and
 * enqueue in the ACD — on this machine, with the simulated Asterisk in the same
 * process (its prompts compressed to near zero so the service's work is what
 * is measured).
 *
 *   npm run bench:flow            (part of npm run bench)
 *
 * Callers of every tier hold on through the menu (no key), which routes each
 * tier's silence: diamond straight to the senior queue, the others to general
 * after the menu's retries. Latency is from the originate request to the
 * service publishing `queued` on the channel.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { AriConnection } from '../src/ari/ari-connection.js';
import { loadConfig } from '../src/service/config-schema.js';
import { PasswordGuard } from '../src/customers/password-guard.js';
import { RedisCustomerStore } from '../src/customers/redis-customer-store.js';
import { seedCustomers } from '../src/customers/seed-customers.js';
import { startPrivateRedis } from '../src/infra/private-redis.js';
import { OUTCOME_VAR } from '../src/ivr/outcome-var.js';
import { HotlineService } from '../src/service/hotline-service.js';
import { startSimulatedAsterisk } from '../src/sim/simulated-asterisk.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const NUMBERS = ['13800000001', '13800000002', '13800000003', '13800000004', '13800000006', '02100000001'];

async function main(): Promise<void> {
  const redis = await startPrivateRedis();
  const app = 'ivr-bench';
  const sim = await startSimulatedAsterisk({ port: 0, speed: 1000, soundsDir: null, dialplanApp: app });
  const config = loadConfig({
    env: {},
    overrides: {
      redis: { url: redis.url, keyPrefix: 'bench' },
      ari: { url: sim.url, app },
      server: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent' },
      queues: { general: { maxWaiting: 100_000 }, senior: { maxWaiting: 100_000 } },
    },
  });
  const service = new HotlineService({ config, logger: pino({ level: 'silent' }), timeScale: 0.002 });
  await service.start();
  await service.ari.waitUntilReady(5000);
  const store = new RedisCustomerStore(service.redis, 'bench');
  await seedCustomers(store, new PasswordGuard({ redis: service.redis, keyPrefix: 'bench', customers: store, maxAttempts: 3, lockMinutes: 15 }), 'config/customers.sample.json');

  const caller = new AriConnection({ url: sim.url, user: 'ivr', password: 'ivr', app: 'bench-caller' });
  caller.start();
  await caller.waitUntilReady(5000);

  const latencies: number[] = [];
  let failed = 0;
  const placeOne = (i: number) => new Promise<void>((resolve) => {
    const id = randomUUID();
    const other = `${id}-2`;
    const started = performance.now();
    const timer = setTimeout(() => { failed += 1; done(); }, 30_000);
    const off = caller.events.onChannel(other, (event) => {
      if (event.type === 'ChannelVarset' && event.variable === OUTCOME_VAR && event.value.includes('"queued"')) {
        latencies.push(performance.now() - started);
        done();
      }
    }, 'bench-caller');
    function done() {
      clearTimeout(timer);
      off();
      void caller.client.channels.hangup(id).catch(() => {});
      resolve();
    }
    caller.client.channels.originateWithId(id, {
      endpoint: 'Local/10000@from-external', app: 'bench-caller', callerId: NUMBERS[i % NUMBERS.length]!, otherChannelId: other,
    }).catch(() => { failed += 1; done(); });
  });

  process.stdout.write(`whole 10000 flow: ${CALLS} calls, ${CONCURRENCY} at a time (service + simulated Asterisk + Redis on this machine)\n`);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < CALLS) await placeOne(next++);
  }));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1) ?? '-';
  process.stdout.write(`  calls routed and queued : ${latencies.length} (${failed} failed)\n`);
  process.stdout.write(`  throughput              : ${(latencies.length / elapsed).toFixed(0)} calls/s\n`);
  process.stdout.write(`  originate → queued (ms) : p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}\n`);
  process.stdout.write('  (includes the simulated Answer(), greeting, menu and its timeouts at 1/500 of real time)\n');

  await caller.stop();
  await service.stop();
  await sim.close();
  await redis.stop();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
