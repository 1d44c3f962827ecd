import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Bridge, Channel } from '../ari/models.js';
import { parseAgentBehaviour, type AgentBehaviour } from './agent-behaviour.js';
import { addApplicationRoutes } from './application-routes.js';
import { addBridgeRoutes } from './bridge-routes.js';
import { addChannelRoutes } from './channel-routes.js';
import { addControlRoutes } from './control-routes.js';
import { AUTH_CHALLENGE, isAuthorized, UNAUTHORIZED_BODY } from './http-auth.js';
import { Router } from './http-router.js';
import { KeepAliveSessions } from './keep-alive-sessions.js';
import { RequestGate } from './request-gate.js';
import { RequestLog, type RecordedRequest } from './request-log.js';
import { createRequestHandler, describeArriving } from './request-handler.js';
import { addRecordingRoutes } from './recording-routes.js';
import { addResourceRoutes } from './resource-routes.js';
import { SimSwitch } from './sim-switch.js';
import { ConditionsBoard, type ConditionsPatch, type SwitchConditions } from './switch-conditions.js';

export type { AgentBehaviour } from './agent-behaviour.js';
export type { RecordedRequest } from './request-log.js';
export type { ConditionsPatch, SwitchConditions } from './switch-conditions.js';

export interface SimOptions {
  /** 0 = a free port; default 8088. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** ARI users and passwords; default { ivr: 'ivr' }. */
  users?: Record<string, string>;
  /** Time compression: prompts, Answer()'s wait, DTMF, ringing last real duration / speed. Default 1. */
  speed?: number;
  /** Where sounds/<lang>/<id>.wav live; a playback lasts the file's length. Null: every sound lasts defaultPlaybackMs. */
  soundsDir?: string | null;
  /** Length of every sound when soundsDir is null (default 1000). With a soundsDir a missing file fails its playback item. */
  defaultPlaybackMs?: number;
  /** Endpoints without a script; default { kind: 'answer', afterMs: 1000 }. */
  defaultAgent?: AgentBehaviour;
  /** Default '02:fc:00:00:00:01'. */
  asteriskId?: string;
  /** The app the dialplan's Stasis() sends 10000/10001 to (ARI_APP of the service); default 'ivr'. */
  dialplanApp?: string;
  /** Every ARI REST request waits this long (real ms) after its body is read, before it runs. Default 0. */
  latencyMs?: number;
  /** ARI REST requests served at once; the others wait for a free slot. Default null: no limit. */
  maxConcurrentRequests?: number | null;
  /** http.conf session_keep_alive: idle HTTP connections are closed after this long. Default 15000. */
  sessionKeepAliveMs?: number;
  /** Where bridge recordings are written (stored recordings). Default: a temporary directory removed on close. */
  recordingsDir?: string;
  logger?: (line: string) => void;
}

export interface SimulatedAsterisk {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Resource '1001' scripts PJSIP/1001 and Local/1001@agents. */
  setAgent(resource: string, behaviour: AgentBehaviour): void;
  /** Closes every events WebSocket abruptly (the service must reconnect). */
  dropWebSockets(): void;
  /** Like an Asterisk restart: channels, bridges and apps gone without events, sockets closed, back on the same port after a short pause. */
  restart(): Promise<void>;
  /** The next `count` ARI REST requests answer `status` (default 500) with {"message":"Simulated failure"}. */
  failNextRequests(count: number, status?: number): void;
  /** Makes the switch slow (latency, limited serving slots) or changes its keep-alive; applies to requests waiting now. Returns the conditions now in force. */
  setConditions(patch: ConditionsPatch): SwitchConditions;
  getConditions(): SwitchConditions;
  requests(): RecordedRequest[];
  channels(): Channel[];
  bridges(): Bridge[];
  /** Channel ids hearing music on hold (their own or their bridge's). */
  mohChannels(): string[];
  /** The stored-recordings directory. */
  readonly recordingsDir: string;
  close(): Promise<void>;
}

/** How long the switch is unreachable during restart(). */
const RESTART_PAUSE_MS = 300;
/** Lets a response already written (the restart request's own) reach the client. */
const CLOSE_GRACE_MS = 50;

/**
 * Starts the simulated Asterisk: ARI REST under /ari, the events WebSocket at
 * /ari/events, test control under /sim, all behind the same Basic auth.
 */
export async function startSimulatedAsterisk(options: SimOptions = {}): Promise<SimulatedAsterisk> {
  const host = options.host ?? '127.0.0.1';
  const users = { ...(options.users ?? { ivr: 'ivr' }) };
  const log = options.logger ?? (() => {});
  const defaultPlaybackMs = options.defaultPlaybackMs ?? 1000;
  if (!Number.isFinite(defaultPlaybackMs) || defaultPlaybackMs < 0) {
    throw new RangeError(`defaultPlaybackMs must be a non-negative number, got ${defaultPlaybackMs}`);
  }
  const ownRecordingsDir = options.recordingsDir === undefined;
  const recordingsDir = options.recordingsDir ?? mkdtempSync(join(tmpdir(), 'sim-recordings-'));
  const sw = new SimSwitch({
    speed: options.speed ?? 1,
    soundsDir: options.soundsDir ?? null,
    defaultPlaybackMs,
    defaultAgent: parseAgentBehaviour(options.defaultAgent ?? { kind: 'answer', afterMs: 1000 }),
    asteriskId: options.asteriskId ?? '02:fc:00:00:00:01',
    dialplanApp: options.dialplanApp ?? 'ivr',
    recordingsDir,
    log,
  });
  const requests = new RequestLog();
  const conditions = new ConditionsBoard({
    latencyMs: options.latencyMs,
    maxConcurrentRequests: options.maxConcurrentRequests,
    sessionKeepAliveMs: options.sessionKeepAliveMs,
  });
  const gate = new RequestGate(conditions);
  const sessions = new KeepAliveSessions(conditions);
  const wss = new WebSocketServer({ noServer: true });
  let port = options.port ?? 8088;
  let restarting: Promise<void> | null = null;

  const api: SimulatedAsterisk & { clearRequests(): void; pushEvent(e: Record<string, unknown>): number } = {
    get url() {
      return `http://${host}:${port}`;
    },
    get port() {
      return port;
    },
    setAgent: (resource, behaviour) => sw.endpoints.setAgent(resource, parseAgentBehaviour(behaviour)),
    dropWebSockets: () => sw.hub.dropSockets(),
    restart: () => {
      // A second restart asked for while one runs joins it.
      restarting ??= (async () => {
        log('restarting');
        sw.reset();
        await stopServer(server);
        await sleep(RESTART_PAUSE_MS);
        server = createHttpServer();
        await listen(server, port, host);
        log(`listening again on ${api.url}`);
      })()
        .catch((err: unknown) => {
          log(`restart failed: ${(err as Error).message}`);
          throw err;
        })
        .finally(() => {
          restarting = null;
        });
      return restarting;
    },
    failNextRequests: (count, status = 500) => requests.failNext(count, status),
    setConditions: (patch) => conditions.set(patch),
    getConditions: () => conditions.get(),
    requests: () => requests.list(),
    clearRequests: () => requests.clear(),
    channels: () => sw.channels.list().filter((c) => !c.gone).map((c) => c.toJson()),
    bridges: () => sw.bridges.list().map((b) => b.toJson()),
    mohChannels: () => sw.mohChannels(),
    recordingsDir,
    pushEvent: (event) => sw.hub.pushRaw(event),
    close: async () => {
      sw.reset();
      await stopServer(server);
      wss.close();
      if (ownRecordingsDir) rmSync(recordingsDir, { recursive: true, force: true });
    },
  };

  const ari = new Router();
  addChannelRoutes(ari, sw);
  addBridgeRoutes(ari, sw);
  addApplicationRoutes(ari, sw);
  addResourceRoutes(ari, sw);
  addRecordingRoutes(ari, sw);
  const control = new Router();
  addControlRoutes(control, api);
  const serve = createRequestHandler({ users, ari, control, requests, gate, log });
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (sessions.admit(req, res)) {
      serve(req, res);
      return;
    }
    // Arrived on a connection the switch is closing: never read, never executed.
    const arriving = describeArriving(req);
    if (arriving) requests.recordDropped({ ...arriving, body: null, at: Date.now() });
    log(`${req.method} ${req.url} arrived on a connection idle past the keep-alive: dropped`);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sessions.release(socket as Socket);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ari/events') return reject(socket, 404, 'Not Found', { message: 'Not found' });
    if (!isAuthorized(req, url, users)) return reject(socket, 401, 'Unauthorized', JSON.parse(UNAUTHORIZED_BODY) as object);
    const apps = url.searchParams.getAll('app').flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
    if (!apps.length) return reject(socket, 400, 'Bad Request', { message: "Missing param 'app'" });
    const subscribeAll = ['yes', 'true', 'y', 't', '1', 'on'].includes((url.searchParams.get('subscribeAll') ?? '').toLowerCase());
    wss.handleUpgrade(req, socket, head, (ws) => {
      sw.hub.attach(ws, apps, subscribeAll);
      log(`events WebSocket for ${apps.join(',')}`);
    });
  };

  const createHttpServer = (): Server => {
    const created = createServer(handler);
    created.on('upgrade', onUpgrade);
    sessions.attach(created);
    return created;
  };

  let server = createHttpServer();
  await listen(server, port, host);
  port = (server.address() as AddressInfo).port;
  log(`listening on ${api.url}`);
  return api;
}

function reject(socket: Duplex, status: number, reason: string, body: object): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify(body);
  const headers = [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
    ...(status === 401 ? [`WWW-Authenticate: ${AUTH_CHALLENGE}`] : []),
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${text}`);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, rejectListen) => {
    const onError = (err: Error) => rejectListen(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stops listening and closes every connection, giving responses already written a moment to leave. */
async function stopServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await sleep(CLOSE_GRACE_MS);
  server.closeAllConnections();
  await closed;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
