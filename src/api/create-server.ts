import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { healthRoutes, type HealthProbe } from './health-routes.js';

export interface ServerDeps {
  logger: Logger;
  health: HealthProbe;
}

/**
 * The service's HTTP server: health and readiness now, the supervisor API on
 * top. Typed errors map to their status and code in one place.
 */
export async function createServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger.child({ component: 'http' }), disableRequestLogging: true }) as unknown as FastifyInstance;
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof AppError) {
      return reply.code(err.status).send({ error: err.code, message: err.message, details: err.details });
    }
    const e = err as { statusCode?: number; message?: string };
    const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
    if (status >= 500) deps.logger.error({ err }, 'request failed');
    return reply.code(status).send({ error: status >= 500 ? 'internal-error' : 'bad-request', message: status >= 500 ? 'internal error' : e.message });
  });
  await app.register(healthRoutes, deps.health);
  return app;
}
