import type { FastifyInstance } from 'fastify';
import type { RealtimeStats } from '../../stats/realtime-stats.js';
import type { RecordingCatalog } from '../recording-catalog.js';
import type { HotlineMetrics } from './hotline-metrics.js';

/**
 * GET /metrics for Prometheus. Unauthenticated, as scrapers expect: it shows
 * aggregate figures only (no caller, agent name or key); keep it on the
 * internal network.
 */
export async function metricsRoutes(
  app: FastifyInstance,
  { metrics, realtime, recordings }: { metrics: HotlineMetrics; realtime: RealtimeStats; recordings?: Pick<RecordingCatalog, 'counts'> | undefined },
): Promise<void> {
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    metrics.update(await realtime.report());
    if (recordings) metrics.updateRecordings(await recordings.counts());
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
