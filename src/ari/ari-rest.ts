import { Pool } from 'undici';
import { ValidationError } from '../errors.js';
import { AriError, type AriErrorCode } from './ari-error.js';

export type QueryValue = string | number | boolean | readonly string[] | null | undefined;
export type QueryParams = Record<string, QueryValue>;

export interface AriRestOptions {
  /** Base URL of Asterisk's HTTP server, e.g. http://127.0.0.1:8088 (a trailing /ari is accepted). */
  url: string;
  user: string;
  password: string;
  /** Whole-request deadline (connect, headers and body). */
  requestTimeoutMs: number;
  /** Most sockets kept open to Asterisk. Default 32. */
  connections?: number;
}

export interface AriRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under /ari, starting with '/', segments already encoded (use `segment()`). */
  path: string;
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
}

/** Network error codes that mean nothing is listening at the ARI address. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * HTTP transport of the ARI REST interface: one undici pool to Asterisk,
 * Basic auth, a deadline per request, query strings as Asterisk parses them and
 * typed errors. Resource groups (channels, bridges...) are built on `request`.
 */
export class AriRest {
  readonly origin: string;
  private readonly prefix: string;
  private readonly pool: Pool;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(options: AriRestOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new ValidationError(`ARI url ${JSON.stringify(options.url)} is not a valid URL`, { url: options.url });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new ValidationError(`ARI url must be http:// or https://, got ${base.protocol}`, { url: options.url });
    }
    if (!Number.isFinite(options.requestTimeoutMs) || options.requestTimeoutMs <= 0) {
      throw new ValidationError('ARI requestTimeoutMs must be a positive number', { requestTimeoutMs: options.requestTimeoutMs });
    }
    this.origin = base.origin;
    const path = base.pathname.replace(/\/+$/, '');
    this.prefix = path.endsWith('/ari') ? path : `${path}/ari`;
    this.timeoutMs = options.requestTimeoutMs;
    this.authorization = basicAuth(options.user, options.password);
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 32,
      connectTimeout: options.requestTimeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /** Path of the events WebSocket and other non-REST URLs under the same prefix. */
  url(path: string, query?: QueryParams): string {
    return `${this.origin}${this.prefix}${path}${formatQuery(query)}`;
  }

  get authorizationHeader(): string {
    return this.authorization;
  }

  async request<T>(req: AriRequest): Promise<T> {
    const fullPath = `${this.prefix}${req.path}${formatQuery(req.query)}`;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const res = await this.pool.request({
        method: req.method,
        path: fullPath,
        headers,
        body,
        signal: controller.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const text = await res.body.text();
      if (res.statusCode >= 400) {
        throw AriError.fromResponse(req.method, req.path, res.statusCode, ariMessageOf(text));
      }
      if (res.statusCode === 204 || text.trim() === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw this.failure('ari-bad-response', req, `response is not JSON (status ${res.statusCode})`, res.statusCode);
      }
    } catch (err) {
      if (err instanceof AriError) throw err;
      if (timedOut || isTimeoutError(err)) {
        throw this.failure('ari-timeout', req, `no answer within ${this.timeoutMs} ms`);
      }
      const code = networkCode(err);
      if (code && UNREACHABLE.has(code)) {
        throw this.failure('ari-unreachable', req, `Asterisk is unreachable at ${this.origin} (${code})`);
      }
      throw this.failure('ari-connection-lost', req, `connection to ${this.origin} failed: ${code ?? (err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (!this.pool.closed && !this.pool.destroyed) await this.pool.destroy();
  }

  private failure(code: AriErrorCode, req: AriRequest, reason: string, status: number | null = null): AriError {
    return new AriError(code, `ARI ${req.method} ${req.path} failed: ${reason}`, {
      method: req.method,
      path: req.path,
      ariStatus: status,
      ariMessage: '',
    });
  }
}

/** Encodes one path segment (a channel id, an app name...); refuses empty ones. */
export function segment(name: string, value: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(`${name} must be a non-empty string`, { [name]: value });
  }
  return encodeURIComponent(value);
}

/**
 * Query string as Asterisk reads it: lists (allowMultiple parameters such as
 * `media` or `eventSource`) are one comma-joined value; each item is
 * percent-encoded on its own so '#' and '&' in DTMF or caller ids survive.
 */
export function formatQuery(query: QueryParams | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const encoded = Array.isArray(value)
      ? (value as readonly string[]).map(encodeQueryValue).join(',')
      : encodeQueryValue(String(value));
    parts.push(`${encodeURIComponent(key)}=${encoded}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Percent-encoding that leaves ':', '/' and '@' readable (legal in a query, common in media URIs and dial strings). */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/').replace(/%40/gi, '@');
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Asterisk answers errors as {"message": "..."}; anything else is kept as text. */
function ariMessageOf(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
      return (parsed as { message: string }).message;
    }
  } catch {
    // Not JSON: fall through and keep the text.
  }
  return trimmed.slice(0, 200);
}

function isTimeoutError(err: unknown): boolean {
  const code = networkCode(err);
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

/** The error code of a network failure, looking inside AggregateError (happy-eyeballs) and `cause`. */
function networkCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (Array.isArray(e.errors) && e.errors.length) return networkCode(e.errors[0]);
  if (e.cause) return networkCode(e.cause);
  return undefined;
}
