import type { FastifyInstance } from 'fastify';
import type { RealtimeStats } from '../../stats/realtime-stats.js';
import type { RecordingCatalog } from '../recording-catalog.js';
import type { HotlineMetrics } from './hotline-metrics.js';
import type { CampaignDesk } from '../../campaigns/campaign-desk.js';

/** Campaigns shown by a scrape: the newest (older ones have ended and keep their last figures in Prometheus). */
const CAMPAIGNS_SCRAPED = 50;

/**
 * GET /metrics for Prometheus. Unauthenticated, as scrapers expect: it shows
 * aggregate figures only (no caller, agent name or key); keep it on the
 * internal network.
 */
export async function metricsRoutes(
  app: FastifyInstance,
  { metrics, realtime, recordings, campaigns }: { metrics: HotlineMetrics; realtime: RealtimeStats; recordings?: Pick<RecordingCatalog, 'counts'> | undefined; campaigns?: Pick<CampaignDesk, 'list'> | undefined },
): Promise<void> {
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    metrics.update(await realtime.report());
    if (recordings) metrics.updateRecordings(await recordings.counts());
    if (campaigns) metrics.updateCampaigns(await campaigns.list(CAMPAIGNS_SCRAPED));
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
