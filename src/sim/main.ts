import { resolve } from 'node:path';
import { startSimulatedAsterisk } from './simulated-asterisk.js';

/**
 * `npm run sim`: the simulated Asterisk on its own, for the demo, the call tool
 * and manual ARI experiments.
 *
 * Environment: ARI_SIM_PORT (default 8088), ARI_SIM_HOST (127.0.0.1),
 * ARI_USER / ARI_PASSWORD (ivr / ivr), ARI_APP (the dialplan's Stasis app, ivr),
 * ARI_SIM_SPEED (1), SOUNDS_DIR (prompts directory; unset: every prompt lasts
 * ARI_SIM_DEFAULT_PLAYBACK_MS, default 1000), ARI_SIM_VERBOSE=1 to log calls.
 * A slow switch: SIM_LATENCY_MS (every ARI request waits this long, default 0),
 * SIM_MAX_CONCURRENT_REQUESTS (requests served at once; unset or 0: no limit),
 * SIM_SESSION_KEEP_ALIVE_MS (idle HTTP connections closed after, default 15000).
 * All three can be changed while it runs with PUT /sim/conditions.
 */
async function main(): Promise<void> {
  const env = process.env;
  const port = integer('ARI_SIM_PORT', env.ARI_SIM_PORT, 8088);
  const speed = Number(env.ARI_SIM_SPEED ?? '1');
  if (!Number.isFinite(speed) || speed <= 0) throw new Error(`ARI_SIM_SPEED must be a positive number, got ${env.ARI_SIM_SPEED}`);
  const verbose = env.ARI_SIM_VERBOSE === '1' || env.ARI_SIM_VERBOSE === 'true';
  const sim = await startSimulatedAsterisk({
    port,
    host: env.ARI_SIM_HOST || '127.0.0.1',
    users: { [env.ARI_USER || 'ivr']: env.ARI_PASSWORD || 'ivr' },
    speed,
    soundsDir: env.SOUNDS_DIR ? resolve(env.SOUNDS_DIR) : null,
    defaultPlaybackMs: integer('ARI_SIM_DEFAULT_PLAYBACK_MS', env.ARI_SIM_DEFAULT_PLAYBACK_MS, 1000),
    dialplanApp: env.ARI_APP || 'ivr',
    latencyMs: integer('SIM_LATENCY_MS', env.SIM_LATENCY_MS, 0),
    maxConcurrentRequests: integer('SIM_MAX_CONCURRENT_REQUESTS', env.SIM_MAX_CONCURRENT_REQUESTS, 0) || null,
    sessionKeepAliveMs: integer('SIM_SESSION_KEEP_ALIVE_MS', env.SIM_SESSION_KEEP_ALIVE_MS, 15_000),
    logger: verbose ? (line) => process.stderr.write(`[sim] ${line}\n`) : undefined,
  });
  process.stdout.write(`simulated asterisk listening on ${sim.url}\n`);
  const stop = () => {
    sim.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

main().catch((err: unknown) => {
  process.stderr.write(`simulated asterisk failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
