import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startPrivateRedis } from '../../../src/infra/private-redis.js';
import { startSimulatedAsterisk } from '../../../src/sim/simulated-asterisk.js';
import { startCpuBurners, type CpuBurners } from '../../support/stress/cpu-burners.js';
import { startSlowRedisProxy, type SlowRedisProxy } from '../../support/stress/slow-redis-proxy.js';
import type { DurabilityBench } from './durability-scenarios.js';

/**
 * Stress for the durability scenarios: every core kept busy by other
 * processes, and Redis slow — a few ms per exchange, and every 7 s nothing
 * at all for 2.5 s, longer than the 2 s job locks of DURABILITY_CALLBACKS, so
 * locks lapse under running jobs and stalled-job checks hand them out again.
 */
export const STRESS = {
  cpuPerCore: 2,
  redisLatencyMs: 2,
  redisJitterMs: 8,
  stallEveryMs: 7000,
  stallForMs: 2500,
} as const;

export interface OpenBench extends DurabilityBench {
  readonly stressed: boolean;
  close(): Promise<void>;
}

/** A Redis with AOF, the simulated Asterisk, and (stressed) the burners and the slow proxy. */
export async function openDurabilityBench(options: { stress: boolean; evidenceDir: string }): Promise<OpenBench> {
  const redisDir = mkdtempSync(join(tmpdir(), 'hotline-cb-aof-'));
  const redis = await startPrivateRedis({ appendOnly: true, dir: redisDir, cleanup: false });
  const sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: 'no-callers' });
  const admin = new Redis(redis.url, { maxRetriesPerRequest: null });
  admin.on('error', () => {});
  let proxy: SlowRedisProxy | null = null;
  let burners: CpuBurners | null = null;
  let stopStalls = () => {};
  if (options.stress) {
    proxy = await startSlowRedisProxy({ port: redis.port });
    proxy.setLatency(STRESS.redisLatencyMs, STRESS.redisJitterMs);
    stopStalls = proxy.stallEvery(STRESS.stallEveryMs, STRESS.stallForMs);
    burners = startCpuBurners(STRESS.cpuPerCore);
  }
  const bench: OpenBench = {
    redis,
    serviceRedisUrl: proxy?.url ?? redis.url,
    sim,
    admin,
    evidenceDir: options.evidenceDir,
    stressed: options.stress,
    async close() {
      stopStalls();
      await burners?.stop();
      await proxy?.close();
      admin.disconnect();
      await sim.close();
      await bench.redis.stop();
      rmSync(redisDir, { recursive: true, force: true });
    },
  };
  return bench;
}
