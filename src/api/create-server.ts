import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { apiConfigSchema } from './api-config.js';
import { errorHandler } from './error-handler.js';
import { healthRoutes, type HealthProbe } from './health-routes.js';
import { metricsRoutes } from './metrics/metrics-routes.js';
import { supervisorApi } from './supervisor-api.js';
import type { SupervisorDeps } from './supervisor-deps.js';
import { wallboardRoutes } from './wallboard/wallboard-routes.js';
import { deskPageRoutes } from './desk/desk-page-routes.js';
import { signInRoutes } from './desk/sign-in-routes.js';
import { whatIfPageRoutes } from './whatif/whatif-page-routes.js';

export interface ServerDeps {
  logger: Logger;
  health: HealthProbe;
  /** The supervisor API, metrics, wallboard and docs; without it only /healthz and /readyz are served. */
  supervisor?: SupervisorDeps;
  /** Retry-After of the 503 answered while Redis cannot be reached. */
  dependencyRetryAfterSec?: number;
}

const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * How often the server looks for requests past their deadline (Node checks
 * on an interval, 30 s unless told): a trickling client is cut off at most
 * this long after its deadline.
 */
const DEADLINE_CHECK_MS = 1000;

/**
 * The service's HTTP server: /healthz and /readyz; the supervisor API under
 * /v1 with its OpenAPI description (/docs, /docs/json); /metrics for
 * Prometheus; /wallboard. Requests are validated with zod and every error
 * becomes a response in one handler (error-handler.ts): bad input always gets
 * a 4xx naming the field, never a 5xx.
 */
export async function createServer(deps: ServerDeps): Promise<FastifyInstance> {
  const timeouts = deps.supervisor?.settings.timeouts ?? apiConfigSchema.parse({}).timeouts;
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.supervisor?.settings.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    // Deadlines for receiving a request, not for answering it: a long
    // response such as /v1/stream is unaffected once its request is in.
    requestTimeout: timeouts.requestSec * 1000,
    keepAliveTimeout: timeouts.keepAliveSec * 1000,
    http: { headersTimeout: timeouts.headersSec * 1000, connectionsCheckingInterval: DEADLINE_CHECK_MS },
    routerOptions: { maxParamLength: 200 },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler(deps.logger, { dependencyRetryAfterSec: deps.dependencyRetryAfterSec }));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'no-such-route', message: `no route ${req.method} ${req.url.split('?')[0]}` }));
  await app.register(healthRoutes, deps.health);

  const supervisor = deps.supervisor;
  if (!supervisor) return app;
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Hotline supervisor API',
        description: 'Live statistics and live tuning of the hotline\'s queues, tiers and agents. Every /v1 route needs Authorization: Bearer <API key>; roles: viewer (read), supervisor (queues, agents), admin (keys, tiers, rollback), auditor (read, and hear recordings).',
        version: '1',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'hk_<id>_<secret>, from npm run keys -- create' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(rateLimit, {
    global: false,
    max: supervisor.settings.rateLimit.max,
    timeWindow: supervisor.settings.rateLimit.windowSec * 1000,
    ...(supervisor.settings.rateLimit.store === 'redis' ? { redis: supervisor.redis, nameSpace: `${supervisor.keyPrefix}:rate-limit:` } : {}),
  });
  await app.register(supervisorApi, { prefix: '/v1', deps: supervisor });
  await app.register(metricsRoutes, { metrics: supervisor.metrics, realtime: supervisor.realtime, recordings: supervisor.recordings, campaigns: supervisor.campaigns });
  await app.register(wallboardRoutes);
  if (supervisor.desk) {
    await app.register(deskPageRoutes);
    await app.register(signInRoutes, { deps: supervisor });
  }
  await app.register(whatIfPageRoutes);
  return app;
}
