import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../time/clock.js';
import { hashSecret } from './api-key.js';

/** How long a ticket may wait to be used: long enough to open a stream, too short to be worth stealing from a log. */
export const STREAM_TICKET_TTL_MS = 30_000;

const TICKET_PATTERN = /^st_[A-Za-z0-9_-]{43}$/;

export interface StreamTicketsOptions {
  redis: Redis;
  keyPrefix: string;
  clock?: Clock;
}

/**
 * Single-use tickets for GET /v1/stream. A browser's EventSource cannot send
 * an Authorization header, and a key in the URL ends up in proxy logs and
 * browser history; so a client asks for a ticket with its key in the header
 * and opens the stream with `?ticket=`. A ticket names the key it stands for,
 * lives 30 seconds and is used once: taking it from Redis is one GETDEL, so
 * two instances can never both accept it. Redis holds only a hash of the
 * ticket, keyed by that hash, and the key's id (never the key).
 */
export class StreamTickets {
  private readonly prefix: string;
  private readonly clock: Clock;

  constructor(private readonly options: StreamTicketsOptions) {
    this.prefix = `${options.keyPrefix}:stream-ticket`;
    this.clock = options.clock ?? systemClock;
  }

  async issue(keyId: string): Promise<{ ticket: string; expiresAt: number }> {
    const ticket = `st_${randomBytes(32).toString('base64url')}`;
    await this.options.redis.set(this.keyOf(ticket), keyId, 'PX', STREAM_TICKET_TTL_MS, 'NX');
    return { ticket, expiresAt: this.clock.now() + STREAM_TICKET_TTL_MS };
  }

  /** The id of the key a ticket stands for, taking the ticket; null if it is unknown, used or expired. */
  async redeem(ticket: string): Promise<string | null> {
    if (!TICKET_PATTERN.test(ticket)) return null;
    return this.options.redis.getdel(this.keyOf(ticket));
  }

  private keyOf(ticket: string): string {
    return `${this.prefix}:${hashSecret(ticket)}`;
  }
}
