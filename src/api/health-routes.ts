import type { FastifyInstance } from 'fastify';

export interface HealthProbe {
  /** True while the ARI events connection is up and the Stasis app registered. */
  ariReady(): boolean;
  /** Why ARI is not ready (not connected yet, socket lost, app taken over by another client); null while ready. */
  ariNotReadyReason?(): string | null;
  /** Resolves true when Redis answers a PING in time. */
  redisReady(): Promise<boolean>;
}

/**
 * /healthz: the process is alive. /readyz: it can take calls — ARI connected
 * and Redis reachable; 503 otherwise, naming what is missing in `reasons`, so
 * a load balancer or an orchestrator stops sending work here and an operator
 * sees why (e.g. "ari: application ivr replaced by another client").
 */
export async function healthRoutes(app: FastifyInstance, probe: HealthProbe): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ari = probe.ariReady();
    const redis = await probe.redisReady();
    const ready = ari && redis;
    if (ready) return reply.code(200).send({ ready, ari, redis });
    const reasons: string[] = [];
    if (!ari) reasons.push(`ari: ${probe.ariNotReadyReason?.() ?? 'not connected'}`);
    if (!redis) reasons.push('redis: no answer to PING');
    return reply.code(503).send({ ready, ari, redis, reasons });
  });
}
