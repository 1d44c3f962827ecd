/**
 * npm run demo — the whole hotline on one machine: a private Redis, the
 * simulated Asterisk (with simulated agents who answer), the service, the
 * sample customers and agents logged in. Prints `ready http://127.0.0.1:<PORT>`
 * once calls can be placed, and how to place one.
 *
 * Environment: PORT (HTTP API, default 8080), ARI_SIM_PORT (simulated Asterisk,
 * default 8088), IVR_DEMO_KEY (admin API key to create; generated when unset),
 * DEMO_SPEED (simulated time compression, default 1), LOG_LEVEL.
 */
import { mkdirSync } from 'node:fs';
import { pino } from 'pino';
import { loadConfig } from '../service/config-schema.js';
import { PasswordGuard } from '../customers/password-guard.js';
import { RedisCustomerStore } from '../customers/redis-customer-store.js';
import { seedCustomers } from '../customers/seed-customers.js';
import { startPrivateRedis } from '../infra/private-redis.js';
import { ensureAudioTools } from '../prompts/audio-tools.js';
import { formatSummary, generatePrompts } from '../prompts/generate-audio.js';
import { loadPromptManifest } from '../prompts/prompt-manifest.js';
import { HotlineService } from '../service/hotline-service.js';
import { startSimulatedAsterisk } from '../sim/simulated-asterisk.js';
import { provisionDemoKey } from './demo-key.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const env = process.env;
  const port = intEnv('PORT', 8080);
  const simPort = intEnv('ARI_SIM_PORT', 8088);
  const speed = Number(env.DEMO_SPEED ?? '1');
  if (!Number.isFinite(speed) || speed <= 0) throw new Error(`DEMO_SPEED must be a positive number, got ${env.DEMO_SPEED}`);

  say('starting a private redis-server...');
  const redis = await startPrivateRedis({ appendOnly: true });

  let soundsDir: string | null = 'sounds';
  try {
    ensureAudioTools();
    say('generating prompt audio (espeak-ng + sox)...');
    const summary = await generatePrompts({ manifest: loadPromptManifest('config/prompts.yaml'), outDir: soundsDir });
    say(`  ${formatSummary(summary)}`);
  } catch (err) {
    soundsDir = null;
    say(`  prompt audio unavailable (${(err as Error).message}); every prompt lasts one second in the simulator`);
  }

  const app = env.ARI_APP ?? 'ivr';
  const sim = await startSimulatedAsterisk({
    port: simPort, speed, soundsDir, dialplanApp: app,
    // Simulated agents (and customers called back) answer after 3 s and talk for
    // 45 s: long enough for a callback's whisper and the customer's phone to ring.
    defaultAgent: { kind: 'answer', afterMs: 3000, hangupAfterMs: 45_000 },
  });
  say(`simulated Asterisk on ${sim.url} (ARI user ivr / ivr)`);

  const config = loadConfig({
    env,
    overrides: {
      redis: { url: redis.url },
      ari: { url: sim.url, user: 'ivr', password: 'ivr', app },
      server: { host: '127.0.0.1', port },
    },
  });
  mkdirSync('.tmp', { recursive: true });
  const logFile = '.tmp/demo.log';
  const logger = pino({ level: config.log.level, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: logFile, sync: true }));
  // Caller timeouts stay real whatever DEMO_SPEED: a person (or the call tool) answers menus in real time.
  const service = new HotlineService({ config, logger });
  await service.start();
  await service.ari.waitUntilReady(10_000);

  const store = new RedisCustomerStore(service.redis, config.redis.keyPrefix);
  const seeded = await seedCustomers(store, new PasswordGuard({
    redis: service.redis, keyPrefix: config.redis.keyPrefix, customers: store,
    maxAttempts: config.customers.password.maxAttempts, lockMinutes: config.customers.password.lockMinutes,
  }), 'config/customers.sample.json');
  for (const agent of config.agents) await service.acd.agents.login(agent.id, { ready: true });
  const key = await provisionDemoKey(service, env.IVR_DEMO_KEY);

  say(`${seeded.customers} sample customers, ${config.agents.length} agents ready; service logs in ${logFile}`);
  say('');
  say(`API key (admin): ${key}`);
  say('place calls in another terminal, e.g.:');
  say('  npm run call -- 10001 --from 13800000004 --keys 1            # balance, spoken in Mandarin');
  say('  npm run call -- 10000 --from 13800000001                     # diamond: straight to the senior team');
  say('  npm run call -- 10000 --from 13800000004 --keys 1 --json     # standard: billing queue');
  say(`  curl -H "Authorization: Bearer ${key}" http://127.0.0.1:${service.port}/v1/stats/realtime`);
  say(`  wallboard: http://127.0.0.1:${service.port}/wallboard#key=${encodeURIComponent(key)}`);
  say(`ready http://127.0.0.1:${service.port}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    await service.stop().catch(() => {});
    await sim.close().catch(() => {});
    await redis.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got ${JSON.stringify(raw)}`);
  return n;
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  process.exit(1);
});
