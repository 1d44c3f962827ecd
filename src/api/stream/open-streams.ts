import type { FastifyBaseLogger } from 'fastify';
import type { ApiKeyStore } from '../../auth/api-key-store.js';
import { UnauthorizedError } from '../../auth/auth-errors.js';
import { AppError } from '../../errors.js';
import type { Clock, TimerHandle } from '../../time/clock.js';

const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** Why the server ended a stream; sent to the client as the last event. */
export type StreamEndReason = 'revoked-api-key' | 'api-key-expired' | 'invalid-api-key' | 'server-closing';

export class TooManyStreamsError extends AppError {
  constructor(limit: number, scope: 'key' | 'total') {
    super(
      429,
      'too-many-streams',
      scope === 'key'
        ? `this API key already has ${limit} streams open on this server, the most allowed; close one first`
        : `this server already has ${limit} streams open, the most allowed; try again later`,
      { limit, scope },
    );
  }
}

export interface OpenStreamsOptions {
  maxPerKey: number;
  maxTotal: number;
  /** How often every open stream checks that its key still holds. */
  recheckMs: number;
  keys: Pick<ApiKeyStore, 'active'>;
  clock: Clock;
  logger: FastifyBaseLogger;
}

interface Held {
  keyId: string;
  end: (reason: StreamEndReason) => void;
  expiry: TimerHandle | null;
}

/**
 * The open /v1/stream connections of this instance, by key: the caps on how
 * many may be open, and the end of a key's streams when the key stops
 * holding. A revocation notice ends them at once (`endKey`); an expiry ends
 * them when it falls due (a timer per stream, on the service's Clock); and
 * every `recheckMs` each key with open streams is looked up again, in case a
 * notice was missed while Redis was out of reach.
 */
export class OpenStreams {
  private readonly byKey = new Map<string, Set<Held>>();
  private count = 0;
  private recheckTimer: TimerHandle | null = null;
  private checking = false;

  constructor(private readonly options: OpenStreamsOptions) {}

  get size(): number {
    return this.count;
  }

  /**
   * Admits a stream of a verified key, or throws TooManyStreamsError. Call it
   * before the first await of the request, so that admission and counting
   * are one step. `end` must close the connection; the returned function
   * forgets the stream (call it however the stream ends).
   */
  admit(key: { id: string; expiresAt: number | null }, end: (reason: StreamEndReason) => void): () => void {
    const { maxPerKey, maxTotal, clock } = this.options;
    const streams = this.byKey.get(key.id) ?? new Set<Held>();
    if (streams.size >= maxPerKey) throw new TooManyStreamsError(maxPerKey, 'key');
    if (this.count >= maxTotal) throw new TooManyStreamsError(maxTotal, 'total');
    const held: Held = { keyId: key.id, end, expiry: null };
    if (key.expiresAt !== null) this.armExpiry(held, key.expiresAt);
    streams.add(held);
    this.byKey.set(key.id, streams);
    this.count += 1;
    this.armRecheck();
    let forgotten = false;
    return () => {
      if (forgotten) return;
      forgotten = true;
      if (held.expiry) clock.clearTimeout(held.expiry);
      streams.delete(held);
      if (streams.size === 0 && this.byKey.get(key.id) === streams) this.byKey.delete(key.id);
      this.count -= 1;
      if (this.count === 0) this.disarmRecheck();
    };
  }

  /** Ends every stream of a key (revoked). */
  endKey(keyId: string, reason: StreamEndReason): void {
    for (const held of [...(this.byKey.get(keyId) ?? [])]) held.end(reason);
  }

  endAll(reason: StreamEndReason): void {
    for (const keyId of [...this.byKey.keys()]) this.endKey(keyId, reason);
    this.disarmRecheck();
  }

  /** Looks up each key with open streams and ends the streams of those no longer valid. */
  async recheck(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const keyId of [...this.byKey.keys()]) {
        try {
          await this.options.keys.active(keyId);
        } catch (err) {
          if (err instanceof UnauthorizedError) this.endKey(keyId, err.code as StreamEndReason);
          // Anything else (Redis out of reach) says nothing about the key: its streams stay until the next check.
          else this.options.logger.warn({ err }, 'could not re-check the key of open streams; trying again at the next check');
        }
      }
    } finally {
      this.checking = false;
    }
  }

  /** Timers cannot wait longer than about 24 days; a later expiry is waited for in steps. */
  private armExpiry(held: Held, expiresAt: number): void {
    const { clock } = this.options;
    const wait = expiresAt - clock.now();
    held.expiry = clock.setTimeout(() => {
      if (clock.now() >= expiresAt) held.end('api-key-expired');
      else this.armExpiry(held, expiresAt);
    }, Math.min(wait, LONGEST_TIMER_MS));
  }

  private armRecheck(): void {
    if (this.recheckTimer) return;
    this.recheckTimer = this.options.clock.setTimeout(() => {
      this.recheckTimer = null;
      void this.recheck().finally(() => {
        if (this.count > 0) this.armRecheck();
      });
    }, this.options.recheckMs);
  }

  private disarmRecheck(): void {
    if (this.recheckTimer) this.options.clock.clearTimeout(this.recheckTimer);
    this.recheckTimer = null;
  }
}
