import { pino } from 'pino';
import { deepMerge } from '../../../src/config/load-config.js';
import { loadConfig } from '../../../src/service/config-schema.js';
import { HotlineService } from '../../../src/service/hotline-service.js';

/** What a campaign service of the kill tests needs to know: the same for the process killed and the one started after it. */
export interface CampaignServiceSettings {
  redisUrl: string;
  prefix: string;
  simUrl: string;
  app: string;
  recordingsDir: string;
}

/**
 * Short job locks and dial leases (2 s and 6 s) so that the dials of a killed
 * service are taken over within seconds; four dials at once.
 */
export const KILL_TEST_CAMPAIGNS = {
  tickMs: 100, maxDialsPerCampaign: 4, maxDialsTotal: 4, periodDays: 0,
  workers: { lockDurationMs: 2000, stalledIntervalMs: 1000, tryLeaseMs: 6000 },
};

/** One service instance as in production, on the given Redis and switch (started; the caller stops it). */
export async function startCampaignService(s: CampaignServiceSettings, logLevel = 'silent'): Promise<HotlineService> {
  const config = loadConfig({
    env: {},
    overrides: deepMerge({
      redis: { url: s.redisUrl, keyPrefix: s.prefix },
      ari: { url: s.simUrl, app: s.app, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } },
      server: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent' },
      instance: { id: `kill-${s.app}` },
      recordings: { store: { kind: 'directory', dir: s.recordingsDir } },
      callbacks: { outbound: { quietHours: null } },
      campaigns: KILL_TEST_CAMPAIGNS,
      // The agent-assisted kill test's billing agents are free again as soon as a conversation ends.
      queues: { billing: { wrapUpSec: 0 } },
    }, {}),
  });
  const service = new HotlineService({ config, logger: pino({ level: logLevel }), timeScale: 0.05 });
  await service.start();
  await service.ari.waitUntilReady(10_000);
  return service;
}
