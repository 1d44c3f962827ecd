import { pino } from 'pino';
import WebSocket from 'ws';
import { ValidationError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { AriClient } from './ari-client.js';
import { AriError } from './ari-error.js';
import { AriEvents } from './ari-events.js';
import type { AriTiming } from './ari-timing.js';
import type { AriEvent } from './models.js';
import { checkReconnectPolicy, DEFAULT_RECONNECT, DEFAULT_TAKE_BACK, reconnectDelay, type ReconnectPolicy } from './reconnect-delay.js';

export interface AriConnectionOptions {
  /** Asterisk's HTTP server, e.g. http://127.0.0.1:8088. */
  url: string;
  user: string;
  password: string;
  /** The Stasis app (config `ari.app`). */
  app?: string;
  /** Several apps on one WebSocket (the first is the default for listeners); used with or instead of `app`. */
  apps?: readonly string[];
  requestTimeoutMs?: number;
  /** The REST client's other deadlines, keep-alive and connections (config `ari`). */
  rest?: Partial<AriTiming>;
  reconnect?: ReconnectPolicy;
  /** Delays before taking the app back after another client took it over (ApplicationReplaced). Default 1 s → 30 s. */
  takeBack?: ReconnectPolicy;
  /**
   * Asked before taking an app back after ApplicationReplaced; false leaves
   * it with the other client and asks again after the next delay. Default:
   * always take it back. A service instance says no while a survivor holds
   * its app after a takeover; a connection holding a dead instance's app
   * always says no (the owner is back).
   */
  mayTakeBack?: () => boolean | Promise<boolean>;
  /** Ping interval of the events WebSocket; a socket without a pong by the next ping is dead. Default 5000. */
  keepaliveMs?: number;
  logger?: Logger;
}

export interface DisconnectInfo {
  reason: string;
  /** False only after stop(): a lost socket is retried, and an app taken over is taken back. */
  willReconnect: boolean;
  /** True when another client took the app over (ApplicationReplaced). */
  replaced: boolean;
}

export interface AriConnectionEvents {
  ready: () => void;
  disconnected: (info: DisconnectInfo) => void;
  event: (event: AriEvent) => void;
}

type State = 'idle' | 'connecting' | 'open' | 'waiting' | 'replaced' | 'stopped';

const APP_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * The single owner of the ARI connection: the REST client and the events
 * WebSocket of our Stasis app(s).
 *
 * While no client holds a Stasis app, Asterisk refuses every call sent to it
 * ("Stasis app 'ivr' doesn't exist", the caller hears a hang-up), so a dropped
 * socket is retried at once (100 ms by default) and then with capped
 * exponential backoff. A ping every `keepaliveMs` catches sockets that died
 * silently. Subscriptions made through `subscribe()` are restored after each
 * reconnect.
 *
 * If another client opens an events WebSocket for the same app, Asterisk
 * silently hands the app over: we get ApplicationReplaced and nothing more,
 * so our calls' answers, hang-ups and keys are no longer seen here. We are not
 * ready from then on (`notReadyReason` says why), and we take the app back by
 * opening a new WebSocket after a backoff of its own (`takeBack`, 1 s doubling
 * to 30 s), because stepping aside for good leaves the hotline without an
 * owner as soon as the other client goes away — and Asterisk never tells us
 * it did (a disconnected app can stay listed in GET /applications), so the
 * only way to know is to take the app.
 *
 * Two clients that both do this take turns, each taking the app from the
 * other. The backoff keeps that slow: the count of take-overs only starts
 * again once we have held the app undisturbed for twice the longest delay,
 * so after a handful of rounds each side holds it 15 to 30 s between
 * take-overs (each logged as an error naming the cure), never a tight loop.
 * A mistaken second service instance normally never gets that far: it binds
 * its HTTP port before it opens the events WebSocket and stops on a busy port.
 */
export class AriConnection {
  readonly client: AriClient;
  readonly events: AriEvents;
  readonly apps: readonly string[];
  /** The default app (first of `apps`). */
  readonly app: string;

  private readonly logger: Logger;
  private readonly policy: ReconnectPolicy;
  private readonly takeBackPolicy: ReconnectPolicy;
  private readonly keepaliveMs: number;
  private readonly mayTakeBack: () => boolean | Promise<boolean>;
  private readonly requestTimeoutMs: number;
  private readonly wsUrl: string;
  private readonly subscriptions = new Map<string, Set<string>>();
  private readonly listeners: { [K in keyof AriConnectionEvents]: Set<AriConnectionEvents[K]> } = {
    ready: new Set(),
    disconnected: new Set(),
    event: new Set(),
  };

  private state: State = 'idle';
  private ws: WebSocket | null = null;
  /** Bumped per socket, so late callbacks of an old socket are ignored. */
  private generation = 0;
  private attempt = 0;
  private everConnected = false;
  private isReady = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  private reconnectCount = 0;
  private disconnectCount = 0;
  private notReady: string = 'not connected yet';
  /** Take-overs by another client since we last held the app undisturbed for a while. */
  private replacements = 0;
  private replacementCount = 0;
  /** True from an ApplicationReplaced until we hold the app again. */
  private takenOver = false;
  /** When the current socket became ready (ms since epoch), null while not ready. */
  private readySince: number | null = null;

  constructor(options: AriConnectionOptions) {
    const apps = [...new Set([...(options.app ? [options.app] : []), ...(options.apps ?? [])])];
    if (apps.length === 0) throw new ValidationError('AriConnection needs an app (or apps)', {});
    const bad = apps.find((a) => !APP_NAME.test(a));
    if (bad !== undefined) {
      throw new ValidationError(`Stasis app name ${JSON.stringify(bad)} may hold letters, digits, _ . - only`, { app: bad });
    }
    this.apps = Object.freeze(apps);
    this.app = apps[0]!;
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'ari', app: apps.join(',') });
    this.policy = checkReconnectPolicy(options.reconnect ?? DEFAULT_RECONNECT);
    this.takeBackPolicy = checkReconnectPolicy(options.takeBack ?? DEFAULT_TAKE_BACK);
    this.keepaliveMs = options.keepaliveMs ?? 5000;
    this.mayTakeBack = options.mayTakeBack ?? (() => true);
    if (!(this.keepaliveMs > 0)) throw new ValidationError('keepaliveMs must be positive', { keepaliveMs: this.keepaliveMs });
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.client = new AriClient({
      url: options.url,
      user: options.user,
      password: options.password,
      ...options.rest,
      requestTimeoutMs: this.requestTimeoutMs,
      logger: this.logger,
    });
    this.events = new AriEvents(this.app, this.logger);
    this.wsUrl = this.client.rest
      .url('/events', { app: apps, subscribeAll: false })
      .replace(/^http/, 'ws');
  }

  /** True while the events WebSocket is open and our app(s) registered. */
  get ready(): boolean {
    return this.isReady;
  }

  /** Why the connection is not ready (e.g. "application ivr replaced by another client"); null while ready. */
  get notReadyReason(): string | null {
    return this.isReady ? null : this.notReady;
  }

  /** Times another client took our app over (ApplicationReplaced). */
  get replacedCount(): number {
    return this.replacementCount;
  }

  /** Times the connection came back after a loss (for metrics). */
  get reconnects(): number {
    return this.reconnectCount;
  }

  /** Times an established connection was lost. */
  get disconnects(): number {
    return this.disconnectCount;
  }

  on<K extends keyof AriConnectionEvents>(name: K, listener: AriConnectionEvents[K]): () => void {
    const set = this.listeners[name] as Set<AriConnectionEvents[K]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Starts connecting (and keeps reconnecting until stop()). Use `waitUntilReady` to wait for it. */
  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  /** Resolves once ready; rejects with `ari-not-ready` after `timeoutMs` or when stopped first. */
  waitUntilReady(timeoutMs = this.requestTimeoutMs): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        offReady();
        offDown();
      };
      const fail = (reason: string) => {
        cleanup();
        reject(new AriError('ari-not-ready', `ARI events connection not ready: ${reason}`, {
          method: 'GET', path: '/events', ariStatus: null, ariMessage: '',
        }));
      };
      const timer = setTimeout(() => fail(`not connected within ${timeoutMs} ms`), timeoutMs);
      const offReady = this.on('ready', () => {
        cleanup();
        resolve();
      });
      const offDown = this.on('disconnected', (info) => {
        if (!info.willReconnect) fail(info.reason);
      });
      if (this.state === 'stopped') fail(this.state);
    });
  }

  /** Subscribes an app to an event source and keeps the subscription across reconnects. */
  async subscribe(eventSource: string, app = this.app): Promise<void> {
    this.checkApp(app);
    await this.client.applications.subscribe(app, eventSource);
    let set = this.subscriptions.get(app);
    if (!set) this.subscriptions.set(app, (set = new Set()));
    set.add(eventSource);
  }

  async unsubscribe(eventSource: string, app = this.app): Promise<void> {
    this.checkApp(app);
    const set = this.subscriptions.get(app);
    set?.delete(eventSource);
    if (set?.size === 0) this.subscriptions.delete(app);
    try {
      await this.client.applications.unsubscribe(app, eventSource);
    } catch (err) {
      // 400/404/409/422: the source, the app or the subscription is already gone, which is what we wanted.
      if (!(err instanceof AriError && [400, 404, 409, 422].includes(err.ariStatus ?? 0))) throw err;
    }
  }

  /** Closes the WebSocket and the HTTP pool; no timer or socket is left behind. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasReady = this.isReady;
    this.state = 'stopped';
    this.generation += 1;
    this.clearTimers();
    this.isReady = false;
    this.readySince = null;
    this.notReady = 'stopped';
    const ws = this.ws;
    this.ws = null;
    if (ws) await closeSocket(ws);
    this.emit('disconnected', { reason: 'stopped', willReconnect: false, replaced: false });
    if (wasReady) this.logger.info('ARI connection stopped');
    await this.client.close();
  }

  private connect(): void {
    this.state = 'connecting';
    const generation = ++this.generation;
    const ws = new WebSocket(this.wsUrl, {
      headers: { authorization: this.client.rest.authorizationHeader },
      handshakeTimeout: this.requestTimeoutMs,
      perMessageDeflate: false,
    });
    this.ws = ws;
    const current = () => generation === this.generation;
    let socketError: string | null = null;
    ws.on('open', () => {
      if (current()) void this.onOpen(generation);
    });
    ws.on('message', (data: WebSocket.RawData) => {
      if (!current()) return;
      this.awaitingPong = false;
      this.onMessage(data);
    });
    ws.on('pong', () => {
      if (current()) this.awaitingPong = false;
    });
    ws.on('error', (err: Error) => {
      if (!current()) return;
      // Quiet while Asterisk stays away: one warning, then one every tenth attempt.
      const level = this.attempt % 10 === 0 ? 'warn' : 'debug';
      this.logger[level]({ err: err.message, attempt: this.attempt }, 'ARI events socket error');
      socketError = err.message;
    });
    ws.on('close', (code: number, reason: Buffer) => {
      // A refused upgrade (e.g. "Unexpected server response: 401") says more than the close code.
      if (current()) this.onClose(socketError ?? `socket closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
    });
  }

  private async onOpen(generation: number): Promise<void> {
    this.state = 'open';
    this.attempt = 0;
    this.startKeepalive();
    await this.restoreSubscriptions();
    if (generation !== this.generation || this.state !== 'open') return;
    this.isReady = true;
    this.readySince = Date.now();
    const tookBack = this.takenOver;
    this.takenOver = false;
    if (this.everConnected) {
      this.reconnectCount += 1;
      if (tookBack) {
        this.logger.warn(
          { replacements: this.replacements },
          'took the Stasis app back; if another client still uses this app name it has now lost it, and the two will take turns until one is stopped',
        );
      } else {
        this.logger.info({ reconnects: this.reconnectCount }, 'ARI events connection restored');
      }
    } else {
      this.logger.info('ARI events connection ready');
    }
    this.everConnected = true;
    this.emit('ready');
  }

  private onMessage(data: WebSocket.RawData): void {
    let event: AriEvent;
    try {
      event = JSON.parse(data.toString()) as AriEvent;
    } catch {
      this.logger.warn('ARI event is not JSON; ignored');
      return;
    }
    if (!event || typeof event !== 'object' || typeof event.type !== 'string') return;
    if (event.application !== undefined && !this.apps.includes(event.application)) return;
    if (event.type === 'ApplicationReplaced') {
      this.onReplaced(event.application);
      return;
    }
    this.emit('event', event);
    this.events.dispatch(event);
  }

  /**
   * Another client opened our app: Asterisk now sends it our calls and us
   * nothing. Not ready until we take the app back (see the class comment).
   */
  private onReplaced(app: string): void {
    const wasReady = this.isReady;
    const heldMs = this.readySince === null ? 0 : Date.now() - this.readySince;
    // Held long enough undisturbed: this is a new incident, not the other side of a tug of war.
    if (heldMs >= 2 * this.takeBackPolicy.maxDelayMs) this.replacements = 0;
    this.replacements += 1;
    this.replacementCount += 1;
    const reason = `application ${app} replaced by another client`;
    this.clearTimers();
    this.generation += 1;
    this.isReady = false;
    this.readySince = null;
    this.notReady = reason;
    this.takenOver = true;
    const ws = this.ws;
    this.ws = null;
    if (ws) void closeSocket(ws);
    if (wasReady) this.disconnectCount += 1;
    const delay = reconnectDelay(this.takeBackPolicy, this.replacements - 1);
    this.logger.error(
      { replacedApp: app, takeBackInMs: delay, replacements: this.replacements },
      'another client connected with the same Stasis app name and took it over: this instance sees none of its calls\' events and rings no agents until it takes the app back. Give each instance its own ari.app',
    );
    this.state = 'replaced';
    this.scheduleTakeBack(delay);
    this.emit('disconnected', { reason, willReconnect: true, replaced: true });
  }

  private scheduleTakeBack(delay: number): void {
    const generation = this.generation;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state !== 'replaced') return;
      void Promise.resolve()
        .then(() => this.mayTakeBack())
        .catch((err: unknown) => {
          // Not knowing whether the app is held for us is a no: stealing it would cost its holder its calls.
          this.logger.warn({ err }, 'could not tell whether the Stasis app may be taken back; asking again later');
          return false;
        })
        .then((may) => {
          if (this.state !== 'replaced' || generation !== this.generation) return;
          if (!may) {
            this.logger.info('the Stasis app stays with the client that took it over');
            this.scheduleTakeBack(delay);
            return;
          }
          this.logger.warn({ replacements: this.replacements }, 'taking the Stasis app back');
          this.connect();
        });
    }, delay);
  }

  private onClose(reason: string): void {
    this.clearTimers();
    this.ws = null;
    const wasReady = this.isReady;
    this.isReady = false;
    this.readySince = null;
    this.generation += 1;
    // A take-back that could not connect leaves the app with the other client, as far as we know.
    if (!this.takenOver) this.notReady = reason;
    this.scheduleReconnect(reason);
    if (wasReady) {
      this.disconnectCount += 1;
      this.logger.warn({ reason }, 'ARI events connection lost; reconnecting');
      this.emit('disconnected', { reason, willReconnect: true, replaced: false });
    }
  }

  private scheduleReconnect(reason: string): void {
    const delay = reconnectDelay(this.policy, this.attempt);
    this.attempt += 1;
    this.state = 'waiting';
    this.logger.debug({ delay, attempt: this.attempt, reason }, 'ARI reconnect scheduled');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state === 'waiting') this.connect();
    }, delay);
  }

  private startKeepalive(): void {
    this.awaitingPong = false;
    this.keepaliveTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws) return;
      if (this.awaitingPong) {
        this.logger.warn({ keepaliveMs: this.keepaliveMs }, 'ARI events socket did not answer a ping; dropping it');
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      ws.ping();
    }, this.keepaliveMs);
  }

  private async restoreSubscriptions(): Promise<void> {
    for (const [app, sources] of this.subscriptions) {
      for (const source of [...sources]) {
        try {
          await this.client.applications.subscribe(app, source);
        } catch (err) {
          if (err instanceof AriError && err.ariStatus !== null && err.ariStatus < 500) {
            // The channel or bridge ended while we were away.
            sources.delete(source);
          } else {
            this.logger.warn({ err, app, source }, 'could not restore ARI subscription');
          }
        }
      }
    }
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.retryTimer = null;
    this.keepaliveTimer = null;
  }

  private checkApp(app: string): void {
    if (!this.apps.includes(app)) {
      throw new ValidationError(`app ${JSON.stringify(app)} is not one of this connection's apps (${this.apps.join(', ')})`, { app });
    }
  }

  private emit<K extends keyof AriConnectionEvents>(name: K, ...args: Parameters<AriConnectionEvents[K]>): void {
    for (const listener of [...this.listeners[name]]) {
      try {
        (listener as (...a: Parameters<AriConnectionEvents[K]>) => void)(...args);
      } catch (err) {
        this.logger.error({ err, name }, 'ARI connection listener threw');
      }
    }
  }
}

/** Close politely, and cut the socket if the other side does not answer the close within a second. */
function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), 1000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000, 'stopping');
  });
}
