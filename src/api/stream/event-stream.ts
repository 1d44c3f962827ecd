import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { RevocationNotices } from '../../auth/revocation-notices.js';
import { systemClock } from '../../time/clock.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { OpenStreams, type StreamEndReason } from './open-streams.js';

/** One open server-sent event stream, as a route uses it. */
export interface EventStream {
  /** Writes one event; a client too far behind to take it is dropped instead. */
  send(event: string, data: unknown): void;
  /** Ends the stream once, telling the client why when the server ends it. */
  close(reason?: StreamEndReason): void;
  /** Runs when the stream ends, for whatever end (the client left, the key revoked, too slow). */
  onClose(fn: () => void): void;
}

export interface EventStreamOptions {
  log: FastifyBaseLogger;
  /** What the stream is, in the "too slow" warning. */
  name: string;
  /** How long an EventSource waits before it reconnects. */
  retryMs: number;
  /** A client this far behind is not reading: it is dropped rather than buffered without end. */
  maxBufferedBytes: number;
  /**
   * Counts the stream against its key's caps (or refuses it by throwing, before
   * anything is written) and returns how to give the place back; `end` ends the
   * stream when the key is revoked.
   */
  admit: (end: (reason: StreamEndReason) => void) => () => void;
}

/**
 * Takes over the reply for a stream of server-sent events: the supervisors'
 * stream and the agents' desk stream open, pace and close theirs the same way.
 */
export function openEventStream(reply: FastifyReply, options: EventStreamOptions): EventStream {
  const raw = reply.raw;
  let closed = false;
  const cleanups: (() => void)[] = [];
  const write = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const close = (reason?: StreamEndReason) => {
    if (closed) return;
    closed = true;
    for (const fn of cleanups.splice(0)) fn();
    forget();
    if (reason && !raw.writableEnded && !raw.destroyed) write('end', { reason });
    raw.end();
  };
  // Admitted (or refused with 429) before anything is awaited or written, so the caps cannot be overrun by a burst.
  const forget = options.admit((reason) => close(reason));
  reply.hijack();
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: ${options.retryMs}\n\n`);
  raw.on('close', () => close());
  return {
    send(event, data) {
      if (closed) return;
      if (raw.writableLength > options.maxBufferedBytes) {
        options.log.warn(`${options.name} client too slow; closing its stream`);
        close();
        return;
      }
      write(event, data);
    },
    close,
    onClose(fn) {
      if (closed) fn();
      else cleanups.push(fn);
    },
  };
}

/**
 * The open streams of one kind (the supervisors', the desks'), capped per key
 * and per instance, each ended as soon as its key is revoked on any instance
 * (a notice over Redis pub/sub) and re-checked every interval in case a
 * notice was missed. Start the notices with `revocations.start()`.
 */
export function revocableStreams(deps: Pick<SupervisorDeps, 'settings' | 'keys' | 'redis' | 'clock'>, maxPerKey: number, logger: FastifyBaseLogger): { open: OpenStreams; revocations: RevocationNotices } {
  const open = new OpenStreams({
    maxPerKey,
    maxTotal: deps.settings.streams.maxTotal,
    recheckMs: deps.settings.streams.recheckSec * 1000,
    keys: deps.keys,
    clock: deps.clock ?? systemClock,
    logger,
  });
  const revocations = new RevocationNotices({
    redis: deps.redis,
    channel: deps.keys.revocationChannel,
    onRevoked: (keyId) => open.endKey(keyId, 'revoked-api-key'),
    onResubscribed: () => void open.recheck(),
    logger,
  });
  return { open, revocations };
}
