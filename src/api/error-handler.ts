import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { RateLimitedError } from '../auth/auth-errors.js';
import { AppError, DependencyUnavailableError } from '../errors.js';
import { isRedisConnectionError } from '../infra/redis-connection-errors.js';
import { redactUrl } from '../log/redact-url.js';

export interface ErrorBody {
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Fastify's own client errors, by code: what went wrong with the request as sent. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported-media-type' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body-too-large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid-content-length' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid-json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid-json' },
};

const CONTEXT_NAMES: Record<string, string> = { querystring: 'query', params: 'params', body: 'body', headers: 'headers' };

export interface ErrorHandlerOptions {
  /** Retry-After of a 503 because Redis cannot be reached. */
  dependencyRetryAfterSec?: number;
}

/**
 * The one place errors become responses: typed errors with their status and
 * code, request validation as 400 invalid-request naming each field
 * ("body.queuePriority: must be at most 100000"), the framework's client
 * errors with their 4xx, a dependency out of reach (Redis) as 503 with
 * Retry-After, and anything else as a logged 500 that reveals nothing of
 * the internals.
 */
export function errorHandler(logger: Logger, options: ErrorHandlerOptions = {}) {
  const retryAfterSec = options.dependencyRetryAfterSec ?? 5;
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    // Redis out of reach fails the request, not because of it: 503, and no
    // log line per request (the outage itself is logged once where it is watched).
    const unavailable = err instanceof DependencyUnavailableError ? err
      : isRedisConnectionError(err) ? new DependencyUnavailableError('redis', retryAfterSec) : null;
    if (unavailable) {
      reply.header('retry-after', String(unavailable.retryAfterSec));
      return send(reply, unavailable.status, { error: unavailable.code, message: unavailable.message, details: unavailable.details });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = CONTEXT_NAMES[err.validationContext ?? ''] ?? err.validationContext ?? 'request';
      const issues = err.validation.map((v) => ({
        field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      return send(reply, 400, { error: 'invalid-request', message: issues.map((i) => `${i.field}: ${i.message}`).join('; '), details: { issues } });
    }
    if (err instanceof AppError) {
      if (err.status === 401) reply.header('www-authenticate', bearerChallenge(err));
      if (err instanceof RateLimitedError) reply.header('retry-after', String(err.retryAfterSec));
      if (err.status >= 500) logger.error({ err, url: redactUrl(req.url), method: req.method }, 'request failed');
      return send(reply, err.status, { error: err.code, message: err.message, details: err.details });
    }
    const known = err.code ? FRAMEWORK_ERRORS[err.code] : undefined;
    if (known) return send(reply, known.status, { error: known.code, message: err.message });
    if (err instanceof SyntaxError || (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500)) {
      const status = typeof err.statusCode === 'number' ? err.statusCode : 400;
      return send(reply, status, { error: status === 400 ? 'bad-request' : `http-${status}`, message: err.message });
    }
    logger.error({ err, url: redactUrl(req.url), method: req.method }, 'request failed');
    return send(reply, 500, { error: 'internal-error', message: 'internal error' });
  };
}

/** RFC 6750: no error code when no credentials were sent, invalid_token otherwise. */
function bearerChallenge(err: AppError): string {
  if (err.code === 'missing-api-key') return 'Bearer realm="hotline"';
  return `Bearer realm="hotline", error="invalid_token", error_description="${err.message.replaceAll('"', "'")}"`;
}

function send(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
