import { pino } from 'pino';
import { Client, Pool, type Dispatcher } from 'undici';
import { ValidationError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { AriError, type AriErrorCode } from './ari-error.js';
import { resolveTiming, timeoutFor, type AriRequestKind, type AriTiming } from './ari-timing.js';
import { ChannelLanes } from './channel-lanes.js';

export type QueryValue = string | number | boolean | readonly string[] | null | undefined;
export type QueryParams = Record<string, QueryValue>;

export interface AriRestOptions extends Partial<AriTiming> {
  /** Base URL of Asterisk's HTTP server, e.g. http://127.0.0.1:8088 (a trailing /ari is accepted). */
  url: string;
  user: string;
  password: string;
  /** Deadline of queries and quick commands (connect, headers and body); see AriTiming for the others. */
  requestTimeoutMs: number;
  /** Where retries are logged. */
  logger?: Logger;
}

/**
 * What to do when the connection fails before any answer arrived (the
 * request most likely never reached Asterisk, e.g. it was written on a
 * connection Asterisk was closing):
 * - 'retry': send it again once on a fresh connection (safe: doing it twice is doing it once);
 * - 'fail': report the failure (doing it twice would be wrong);
 * - { lookup }: GET `lookup` first on a fresh connection; if it exists, the
 *   request was carried out after all and the lookup's answer stands for it;
 *   if 404, send the request again there.
 * Default: 'retry' for GET and DELETE, 'fail' for the rest.
 */
export type UnansweredPolicy = 'retry' | 'fail' | { lookup: string };

export interface AriRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under /ari, starting with '/', segments already encoded (use `segment()`). */
  path: string;
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  /** Which deadline and connections it uses; default 'query' for GET, 'control' otherwise. */
  kind?: AriRequestKind;
  /** For a channel command: the channel whose queue runs it (one such request per channel at a time). */
  channel?: string;
  ifUnanswered?: UnansweredPolicy;
  /** 'bytes': the answer is a file (a stored recording), returned as a Buffer. Default 'json'. */
  response?: 'json' | 'bytes';
}

/** Network error codes that mean nothing is listening at the ARI address. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A connection that broke before any answer: undici's "other side closed"
 * (UND_ERR_SOCKET), a reset or a broken pipe. Asterisk closing an idle
 * connection just as we write on it looks like this, and then the request was
 * never executed.
 */
const BROKEN_BEFORE_ANSWER = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** A failure before any answer arrived, kept apart so the caller can decide to retry. */
class Unanswered extends Error {
  constructor(readonly original: unknown, readonly code: string) {
    super(`connection failed before any answer (${code})`);
  }
}

/**
 * HTTP transport of the ARI REST interface: Basic auth, a deadline per kind of
 * request, query strings as Asterisk parses them, typed errors, and a single
 * retry on a fresh connection for a request that certainly or checkably was
 * not carried out. Resource groups (channels, bridges...) are built on `request`.
 *
 * Two connection pools: Asterisk runs channel commands (addChannel, variable
 * set, answer...) on the channel's own thread after whatever it is doing, so
 * such a request can sit unanswered for the length of a prompt, holding its
 * connection all along. Kept in their own pool, and one at a time per channel,
 * they can never take the connections that hang-ups, originates, queries and
 * playback stops need; those always find a free connection.
 */
export class AriRest {
  readonly origin: string;
  readonly timing: Readonly<AriTiming>;
  private readonly prefix: string;
  private readonly pool: Pool;
  private readonly channelPool: Pool;
  private readonly lanes = new ChannelLanes();
  private readonly authorization: string;
  private readonly logger: Logger;

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
    const { url: _url, user: _user, password: _password, logger, ...timing } = options;
    this.timing = Object.freeze(resolveTiming(timing));
    this.origin = base.origin;
    const path = base.pathname.replace(/\/+$/, '');
    this.prefix = path.endsWith('/ari') ? path : `${path}/ari`;
    this.authorization = basicAuth(options.user, options.password);
    this.logger = logger ?? pino({ level: 'silent' });
    this.pool = new Pool(this.origin, this.poolOptions(this.timing.connections));
    this.channelPool = new Pool(this.origin, this.poolOptions(this.timing.channelConnections));
  }

  /** Path of the events WebSocket and other non-REST URLs under the same prefix. */
  url(path: string, query?: QueryParams): string {
    return `${this.origin}${this.prefix}${path}${formatQuery(query)}`;
  }

  get authorizationHeader(): string {
    return this.authorization;
  }

  /** Channels with a channel command in flight or waiting its turn (0 when idle). */
  get busyChannels(): number {
    return this.lanes.busy;
  }

  async request<T>(req: AriRequest): Promise<T> {
    const kind = req.kind ?? (req.method === 'GET' ? 'query' : 'control');
    const timeoutMs = timeoutFor(kind, this.timing);
    const deadline = new AbortController();
    const dueAt = Date.now() + timeoutMs;
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const run = () => {
      // A turn in the channel's lane that comes after the deadline, before a busy event loop
      // has run the deadline's timer, is given up: the command is never sent.
      if (Date.now() >= dueAt) deadline.abort();
      if (deadline.signal.aborted) return Promise.reject(new Error('the deadline passed while waiting for the channel'));
      return this.attempt<T>(req, kind, deadline.signal);
    };
    try {
      return await (req.channel ? this.lanes.run(req.channel, deadline.signal, run) : run());
    } catch (err) {
      if (err instanceof AriError) throw err;
      const original = err instanceof Unanswered ? err.original : err;
      if (deadline.signal.aborted || isTimeoutError(original)) {
        throw this.failure('ari-timeout', req, `no answer within ${timeoutMs} ms`);
      }
      const code = networkCode(original);
      if (code && UNREACHABLE.has(code)) {
        throw this.failure('ari-unreachable', req, `Asterisk is unreachable at ${this.origin} (${code})`);
      }
      throw this.failure('ari-connection-lost', req, `connection to ${this.origin} failed: ${code ?? (original as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pool, this.channelPool].map(async (pool) => {
      if (!pool.closed && !pool.destroyed) await pool.destroy();
    }));
  }

  private async attempt<T>(req: AriRequest, kind: AriRequestKind, signal: AbortSignal): Promise<T> {
    try {
      return await this.send<T>(kind === 'channel-command' ? this.channelPool : this.pool, req, signal);
    } catch (err) {
      if (!(err instanceof Unanswered) || signal.aborted) throw err;
      const policy = req.ifUnanswered ?? (req.method === 'GET' || req.method === 'DELETE' ? 'retry' : 'fail');
      if (policy === 'fail') throw err;
      // A new connection, not another pooled one: the pooled ones may be as stale as the one that broke.
      const fresh = new Client(this.origin, { connectTimeout: timeoutFor(kind, this.timing), keepAliveTimeout: 1000 });
      try {
        if (typeof policy === 'object') {
          const found = await this.lookUp<T>(fresh, policy.lookup, signal);
          if (found.exists) {
            this.logger.warn({ method: req.method, path: req.path, code: err.code }, 'ARI request failed before any answer but had been carried out');
            return found.value;
          }
        }
        this.logger.warn({ method: req.method, path: req.path, code: err.code }, 'ARI request failed before any answer; retrying once on a fresh connection');
        return await this.send<T>(fresh, req, signal);
      } finally {
        fresh.destroy().catch(() => {});
      }
    }
  }

  /** GET `path`: whether it exists (and its value); any other failure stands for the original one. */
  private async lookUp<T>(dispatcher: Dispatcher, path: string, signal: AbortSignal): Promise<{ exists: true; value: T } | { exists: false }> {
    try {
      return { exists: true, value: await this.send<T>(dispatcher, { method: 'GET', path }, signal) };
    } catch (err) {
      if (err instanceof AriError && err.ariStatus === 404) return { exists: false };
      throw err;
    }
  }

  private async send<T>(dispatcher: Dispatcher, req: AriRequest, signal: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { authorization: this.authorization, accept: req.response === 'bytes' ? '*/*' : 'application/json' };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await dispatcher.request({
        origin: this.origin,
        method: req.method,
        path: `${this.prefix}${req.path}${formatQuery(req.query)}`,
        headers,
        body,
        signal,
      });
    } catch (err) {
      const code = networkCode(err);
      if (!signal.aborted && code && BROKEN_BEFORE_ANSWER.has(code)) throw new Unanswered(err, code);
      throw err;
    }
    if (req.response === 'bytes' && res.statusCode < 400) {
      return Buffer.from(await res.body.arrayBuffer()) as T;
    }
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
  }

  private poolOptions(connections: number): Pool.Options {
    return {
      connections,
      connectTimeout: this.timing.requestTimeoutMs,
      // Our own idle limit, never extended by a Keep-Alive hint from the server.
      keepAliveTimeout: this.timing.keepAliveMs,
      keepAliveMaxTimeout: this.timing.keepAliveMs,
      // Deadlines are ours (per kind of request, from the moment it is asked for).
      headersTimeout: 0,
      bodyTimeout: 0,
    };
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
