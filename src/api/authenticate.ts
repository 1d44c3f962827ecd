import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyRecord, ApiKeyStore } from '../auth/api-key-store.js';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from '../auth/auth-errors.js';
import { roleAllows, type RoleRequirement } from '../auth/roles.js';
import type {} from '@fastify/rate-limit';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role a key must hold, or several any one of which will do; every /v1 route states it. */
    role?: RoleRequirement;
    /**
     * The key may come as `?key=` instead of the Authorization header. Only
     * for /v1/stream, and only when `api.streams.keyInQuery` is set: a key in
     * a URL ends up in proxy logs and browser history.
     */
    keyInQuery?: boolean;
    /**
     * A single-use stream ticket (POST /v1/stream/tickets) may stand for the
     * key as `?ticket=`: a browser's EventSource cannot send headers.
     */
    ticketInQuery?: boolean;
  }
  interface FastifyRequest {
    /** The verified API key of the request; null before authentication. */
    apiKey: ApiKeyRecord | null;
  }
}

export interface RateLimitSettings {
  max: number;
  windowSec: number;
  /** Requests refused for their key or role, counted per client address; none are counted without it. */
  authFailures?: { max: number; windowSec: number };
}

/**
 * Authentication, authorisation and rate limiting of the supervisor API, as
 * one onRequest hook: before the body is read or validated, so a request
 * without a valid key (401) or with too low a role (403) learns nothing about
 * what it sent, and is cheap. The rate limit counts per key, after the key
 * is verified, so nobody can use up someone else's allowance by naming
 * their key id. Refused requests are counted per client address: past the
 * allowance they get 429 with Retry-After, so a flood of guesses or a
 * misconfigured client is told to back off. A valid key is never refused
 * for its address's failures (an office behind one address keeps working
 * while a forgotten screen there keeps failing).
 */
export function installAuthentication(app: FastifyInstance, keys: ApiKeyStore, rateLimit: RateLimitSettings): void {
  const checkLimit = app.createRateLimit({
    max: rateLimit.max,
    timeWindow: rateLimit.windowSec * 1000,
    keyGenerator: (req: FastifyRequest) => `key:${req.apiKey?.id ?? ''}`,
  });
  const failures = rateLimit.authFailures;
  const countFailure = failures
    ? app.createRateLimit({
      max: failures.max,
      timeWindow: failures.windowSec * 1000,
      keyGenerator: (req: FastifyRequest) => `auth-failures:${req.ip}`,
    })
    : null;
  app.decorateRequest('apiKey', null);
  app.addHook('onRoute', (route) => {
    if (!route.config?.role) throw new Error(`route ${route.method} ${route.url} states no role`);
  });
  app.addHook('onRequest', async (req, reply) => {
    const required = req.routeOptions.config.role ?? 'admin';
    try {
      const record = await presentedRecord(req, keys);
      req.apiKey = record;
      if (!roleAllows(record.role, required)) throw new ForbiddenError(record.role, required);
    } catch (err) {
      if (countFailure && failures && (err instanceof UnauthorizedError || err instanceof ForbiddenError)) {
        const count = await countFailure(req);
        if (!count.isAllowed && count.isExceeded) throw new RateLimitedError(Math.max(1, count.ttlInSeconds), failures.max, failures.windowSec, 'address');
      }
      throw err;
    }
    const limit = await checkLimit(req);
    if (limit.isAllowed) return;
    reply.header('x-ratelimit-limit', String(limit.max));
    reply.header('x-ratelimit-remaining', String(Math.max(0, limit.remaining)));
    reply.header('x-ratelimit-reset', String(limit.ttlInSeconds));
    if (limit.isExceeded) throw new RateLimitedError(Math.max(1, limit.ttlInSeconds), rateLimit.max, rateLimit.windowSec);
  });
}

/** The key of the request: from the Authorization header, or where the route allows, a stream ticket or `?key=`. */
async function presentedRecord(req: FastifyRequest, keys: ApiKeyStore): Promise<ApiKeyRecord> {
  const header = req.headers.authorization;
  if (header !== undefined && header.trim() !== '') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match) throw new UnauthorizedError('malformed-api-key', 'the Authorization header must be: Bearer <key>');
    return keys.verify(match[1]!);
  }
  const config = req.routeOptions.config;
  const query = req.query as Record<string, unknown> | undefined;
  if (config.ticketInQuery && typeof query?.ticket === 'string' && query.ticket !== '') {
    const keyId = await keys.tickets.redeem(query.ticket);
    if (keyId === null) {
      throw new UnauthorizedError('invalid-stream-ticket', 'the stream ticket is unknown, used or expired; ask POST /v1/stream/tickets for a new one');
    }
    return keys.active(keyId);
  }
  if (config.keyInQuery && typeof query?.key === 'string' && query.key !== '') return keys.verify(query.key);
  throw new UnauthorizedError('missing-api-key', 'send the API key as Authorization: Bearer <key>');
}
