import type { FastifyInstance } from 'fastify';

export interface HealthProbe {
  /** True while the ARI events connection is up and the Stasis app registered. */
  ariReady(): boolean;
  /** Resolves true when Redis answers a PING in time. */
  redisReady(): Promise<boolean>;
}

/**
 * /healthz: the process is alive. /readyz: it can take calls — ARI connected
 * and Redis reachable; 503 otherwise, naming what is missing, so a load
 * balancer or an orchestrator stops sending work here.
 */
export async function healthRoutes(app: FastifyInstance, probe: HealthProbe): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ari = probe.ariReady();
    const redis = await probe.redisReady();
    const ready = ari && redis;
    return reply.code(ready ? 200 : 503).send({ ready, ari, redis });
  });
}
