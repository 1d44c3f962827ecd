import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../errors.js';
import { AgentBehaviourError } from './agent-behaviour.js';
import { AUTH_CHALLENGE, isAuthorized, UNAUTHORIZED_BODY } from './http-auth.js';
import { QueryParams, type RouteResponse, type Router } from './http-router.js';
import type { RequestGate } from './request-gate.js';
import type { RequestLog } from './request-log.js';

export interface RequestHandlerDeps {
  users: Readonly<Record<string, string>>;
  /** Routes under /ari. */
  ari: Router;
  /** Test control routes under /sim. */
  control: Router;
  requests: RequestLog;
  /** The latency and serving slots ARI REST requests go through (never /sim ones). */
  gate: RequestGate;
  log: (line: string) => void;
}

const MAX_BODY_BYTES = 1024 * 1024;

class BodyError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The HTTP side of the simulator: Basic auth (or api_key) on everything, ARI
 * REST under /ari (recorded, delayed and limited as the switch's conditions
 * say, failed on demand), test control under /sim (never delayed or limited).
 * Errors are answered as Asterisk does: `{"message": "..."}`.
 */
export function createRequestHandler(deps: RequestHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res, deps).catch((err: unknown) => {
      deps.log(`request ${req.method} ${req.url} failed: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, { status: 500, body: { message: 'Internal Server Error' } });
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: RequestHandlerDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  const area = url.pathname === '/ari' || url.pathname.startsWith('/ari/') ? 'ari' : url.pathname.startsWith('/sim/') ? 'sim' : null;
  if (!area) {
    req.resume();
    send(res, { status: 404, body: { message: 'Not found' } });
    return;
  }
  if (!isAuthorized(req, url, deps.users)) {
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': AUTH_CHALLENGE });
    res.end(UNAUTHORIZED_BODY);
    return;
  }
  let body: unknown;
  try {
    body = await readBody(req);
  } catch (err) {
    const status = err instanceof BodyError ? err.status : 400;
    send(res, { status, body: { message: (err as Error).message } });
    return;
  }
  const query = QueryParams.from(url.searchParams, body);
  const path = url.pathname.slice(4) || '/';
  if (area === 'sim') {
    send(res, await dispatch(deps.control, method, path, query, body, deps));
    return;
  }
  const entry = deps.requests.record({ method, path: url.pathname, query: query.toRecord(), body: body ?? null, at: Date.now() });
  // Runs to the end even if the client has gone away meanwhile: the switch does not know it gave up.
  const release = await deps.gate.enter(entry.at);
  try {
    entry.executedAt = Date.now();
    const failure = deps.requests.takeFailure();
    const response = failure !== null
      ? { status: failure, body: { message: 'Simulated failure' } }
      : await dispatch(deps.ari, method, path, query, body, deps);
    send(res, response);
    entry.answeredAt = Date.now();
    entry.status = response.status;
  } finally {
    release();
  }
}

/** The path and query a request would be recorded with, for one dropped before it was read. */
export function describeArriving(req: IncomingMessage): { method: string; path: string; query: Record<string, string> } | null {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/ari' && !url.pathname.startsWith('/ari/')) return null;
  return { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: QueryParams.from(url.searchParams, undefined).toRecord() };
}

async function dispatch(
  router: Router,
  method: string,
  path: string,
  query: QueryParams,
  body: unknown,
  deps: RequestHandlerDeps,
): Promise<RouteResponse> {
  const match = router.match(method, path);
  if (match.kind === 'not-found') return { status: 404, body: { message: 'Resource not found' } };
  if (match.kind === 'method-not-allowed') return { status: 405, body: { message: 'Invalid method' } };
  try {
    return await match.handler({ method, path, params: match.params, query, body });
  } catch (err) {
    if (err instanceof AppError) return { status: err.status, body: { message: err.message } };
    if (err instanceof AgentBehaviourError || err instanceof RangeError) return { status: 400, body: { message: err.message } };
    deps.log(`${method} ${path} failed: ${(err as Error).stack ?? String(err)}`);
    return { status: 500, body: { message: 'Internal Server Error' } };
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (type && !type.includes('json')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, 'Error parsing request body');
  }
}

function send(res: ServerResponse, response: RouteResponse): void {
  if (response.status === 204 || response.body === undefined) {
    res.writeHead(response.status, response.headers ?? {});
    res.end();
    return;
  }
  if (Buffer.isBuffer(response.body)) {
    // A file (GET /recordings/stored/{name}/file): its own Content-Type is in the headers.
    res.writeHead(response.status, { ...response.headers, 'content-length': response.body.length });
    res.end(response.body);
    return;
  }
  const text = JSON.stringify(response.body);
  res.writeHead(response.status, {
    ...response.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
