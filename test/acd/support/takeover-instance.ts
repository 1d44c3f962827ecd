/**
 * One hotline service instance in a process of its own, for the takeover
 * test to kill with SIGKILL: the whole service (IVR, ACD, lease) against the
 * given Redis and simulated Asterisk, configured as the in-process test
 * instances are (hotline-fixture.ts). Prints `{"listening":true}` once
 * started and `{"ready":true}` once its Stasis app is registered (which waits
 * while a survivor still holds it), then runs until killed.
 *
 * Environment: REDIS_URL, PREFIX, SIM_URL, APP, INSTANCE, OVERRIDES (JSON merged over the configuration).
 */
import { pino } from 'pino';
import { deepMerge } from '../../../src/config/load-config.js';
import { loadConfig } from '../../../src/service/config-schema.js';
import { HotlineService } from '../../../src/service/hotline-service.js';

const env = process.env;
const config = loadConfig({
  env: {},
  overrides: deepMerge({
    redis: { url: env.REDIS_URL!, keyPrefix: env.PREFIX! },
    ari: { url: env.SIM_URL!, app: env.APP!, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } },
    server: { host: '127.0.0.1', port: 0 },
    log: { level: 'silent' },
    instance: { id: env.INSTANCE! },
  }, JSON.parse(env.OVERRIDES ?? '{}') as Record<string, unknown>),
});
const service = new HotlineService({ config, logger: pino({ level: env.TEST_LOG_LEVEL ?? 'silent' }), timeScale: 0.2 });
await service.start();
process.stdout.write(`${JSON.stringify({ listening: true })}\n`);
while (!service.ari.ready) await new Promise((resolve) => setTimeout(resolve, 50));
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
// Keep serving until killed.
setInterval(() => undefined, 60_000);
