import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyRecord, ApiKeyStore } from '../auth/api-key-store.js';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from '../auth/auth-errors.js';
import { roleAllows, type Role } from '../auth/roles.js';
import type {} from '@fastify/rate-limit';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Lowest role allowed; every /v1 route states one. */
    role?: Role;
    /**
     * The key may come as `?key=` instead of the Authorization header. Only
     * for /v1/stream: a browser's EventSource cannot send headers.
     */
    keyInQuery?: boolean;
  }
  interface FastifyRequest {
    /** The verified API key of the request; null before authentication. */
    apiKey: ApiKeyRecord | null;
  }
}

export interface RateLimitSettings {
  max: number;
  windowSec: number;
}

/**
 * Authentication, authorisation and rate limiting of the supervisor API, as
 * one onRequest hook: before the body is read or validated, so a request
 * without a valid key (401) or with too low a role (403) learns nothing about
 * what it sent, and is cheap. The rate limit counts per key, after the key
 * is verified, so nobody can use up someone else's allowance by naming
 * their key id.
 */
export function installAuthentication(app: FastifyInstance, keys: ApiKeyStore, rateLimit: RateLimitSettings): void {
  const checkLimit = app.createRateLimit({
    max: rateLimit.max,
    timeWindow: rateLimit.windowSec * 1000,
    keyGenerator: (req: FastifyRequest) => `key:${req.apiKey?.id ?? ''}`,
  });
  app.decorateRequest('apiKey', null);
  app.addHook('onRoute', (route) => {
    if (!route.config?.role) throw new Error(`route ${route.method} ${route.url} states no role`);
  });
  app.addHook('onRequest', async (req, reply) => {
    const required = req.routeOptions.config.role ?? 'admin';
    const record = await keys.verify(presentedKey(req));
    req.apiKey = record;
    if (!roleAllows(record.role, required)) throw new ForbiddenError(record.role, required);
    const limit = await checkLimit(req);
    if (limit.isAllowed) return;
    reply.header('x-ratelimit-limit', String(limit.max));
    reply.header('x-ratelimit-remaining', String(Math.max(0, limit.remaining)));
    reply.header('x-ratelimit-reset', String(limit.ttlInSeconds));
    if (limit.isExceeded) throw new RateLimitedError(Math.max(1, limit.ttlInSeconds), rateLimit.max, rateLimit.windowSec);
  });
}

function presentedKey(req: FastifyRequest): string {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') {
    const fromQuery = req.routeOptions.config.keyInQuery ? (req.query as Record<string, unknown> | undefined)?.key : undefined;
    if (typeof fromQuery === 'string' && fromQuery !== '') return fromQuery;
    throw new UnauthorizedError('missing-api-key', 'send the API key as Authorization: Bearer <key>');
  }
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) throw new UnauthorizedError('malformed-api-key', 'the Authorization header must be: Bearer <key>');
  return match[1]!;
}
