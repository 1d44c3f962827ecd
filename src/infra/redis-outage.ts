import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isRedisConnectionError } from './redis-connection-errors.js';

/** The timers the outage watch needs; the service's Clock is one. */
export interface OutageTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): object;
  clearTimeout(handle: object): void;
}

const wallTimers: OutageTimers = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface RedisOutageOptions {
  /** The service's main connection: its state is the state of Redis for the whole service. */
  redis: Redis;
  logger: Logger;
  /** What clients are told to wait (Retry-After) while Redis is unreachable. */
  retryAfterSec?: number;
  /** While down, how often the main connection is asked whether Redis answers again. */
  probeMs?: number;
  timers?: OutageTimers;
}

const LOG_METHODS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/**
 * Whether Redis can be reached, told once per change. Every connection of the
 * service (subscribers, job queues) sees an outage on its own and retries
 * every few milliseconds, each retry an error: logged one by one that made
 * several warnings a second. Here the first connection failure is logged as
 * "redis unreachable", the rest are counted, and the return as "redis
 * reachable again" with the count and how long it lasted.
 *
 * `quiet(logger)` gives the parts of the service a logger through which
 * their Redis connection failures feed this state instead of each writing a
 * line; every other line passes unchanged.
 */
export class RedisOutage {
  private downSince: number | null = null;
  private quietened = 0;
  private probe: object | null = null;
  private closed = false;
  private readonly timers: OutageTimers;
  /**
   * Told apart from the switch's and the backend's socket errors by the port
   * they name: the URL's, and with Sentinel the sentinels' and every master's
   * the main connection has been connected to (a failed one's errors name it).
   */
  private readonly redisPorts = new Set<number>();
  readonly retryAfterSec: number;

  constructor(private readonly options: RedisOutageOptions) {
    this.timers = options.timers ?? wallTimers;
    this.retryAfterSec = options.retryAfterSec ?? 5;
    const { redis } = options;
    if (redis.options.port !== undefined) this.redisPorts.add(redis.options.port);
    for (const sentinel of redis.options.sentinels ?? []) this.redisPorts.add(sentinel.port ?? 26379);
    redis.on('ready', () => {
      const port = (redis as { stream?: { remotePort?: number } }).stream?.remotePort;
      if (port !== undefined) this.redisPorts.add(port);
    });
    // The listener also means no error event of this connection is ever unhandled.
    redis.on('error', (err: Error) => this.failed(err, 'main connection'));
    redis.on('reconnecting', () => this.failed(new Error('connection lost; reconnecting'), 'main connection'));
    redis.on('ready', () => this.recovered());
  }

  get down(): boolean {
    return this.downSince !== null;
  }

  /**
   * A connection failure seen by some part of the service. Returns true when
   * it is part of an outage already reported (or now reported), so the part
   * need not log it itself.
   */
  failed(err: unknown, part: string): boolean {
    if (this.closed) return false;
    if (this.downSince !== null) {
      this.quietened += 1;
      return true;
    }
    this.downSince = this.timers.now();
    this.quietened = 0;
    const message = err instanceof Error ? err.message : String(err);
    this.options.logger.warn({ err: message, part, retryAfterSec: this.retryAfterSec }, 'redis unreachable; API requests get 503 until it is back, further connection errors are counted, not logged');
    this.armProbe();
    return true;
  }

  /** Stops the probe; connection failures are logged by their parts again. */
  close(): void {
    this.closed = true;
    if (this.probe) this.timers.clearTimeout(this.probe);
    this.probe = null;
  }

  /** A logger (and its children) through which Redis connection failures go to this state instead of the log. */
  quiet(logger: Logger): Logger {
    return new Proxy(logger, {
      get: (target, prop, receiver) => {
        if (prop === 'child') {
          return (...args: Parameters<Logger['child']>) => this.quiet(target.child(...args) as unknown as Logger);
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof prop !== 'string' || !LOG_METHODS.has(prop) || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const err = errorOf(args[0]);
          if (err !== undefined && isRedisConnectionError(err, this.redisPorts) && this.failed(err, partOf(target))) return;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  private recovered(): void {
    if (this.downSince === null || this.closed) return;
    const downForSec = Math.round((this.timers.now() - this.downSince) / 100) / 10;
    this.options.logger.info({ downForSec, connectionErrorsNotLogged: this.quietened }, 'redis reachable again');
    this.downSince = null;
    this.quietened = 0;
    if (this.probe) this.timers.clearTimeout(this.probe);
    this.probe = null;
  }

  /**
   * A failure seen by another connection while the main one never dropped
   * (so never says 'ready' again): the main connection is asked.
   */
  private armProbe(): void {
    if (this.probe || this.closed) return;
    this.probe = this.timers.setTimeout(() => {
      this.probe = null;
      if (this.downSince === null || this.closed) return;
      const { redis } = this.options;
      if (redis.status !== 'ready') {
        this.armProbe();
        return;
      }
      redis.ping().then(() => this.recovered(), () => this.armProbe());
    }, this.options.probeMs ?? 1000);
  }
}

/** The error a log call carries: `logger.warn(err)`, `logger.warn({ err })` or `{ error }`. */
function errorOf(first: unknown): unknown {
  if (first instanceof Error) return first;
  if (first && typeof first === 'object') {
    const o = first as { err?: unknown; error?: unknown };
    return o.err ?? o.error;
  }
  return undefined;
}

/** The component a child logger is bound to, to say which part saw the outage first. */
function partOf(logger: Logger): string {
  const bindings = typeof logger.bindings === 'function' ? logger.bindings() : {};
  return typeof bindings.component === 'string' ? bindings.component : 'service';
}
