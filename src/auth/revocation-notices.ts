import { subscribeChannels } from '../infra/redis-subscriber.js';
import type { Redis } from 'ioredis';

export interface RevocationNoticesOptions {
  /** Duplicated for SUBSCRIBE, which takes a connection to itself. */
  redis: Redis;
  /** The channel ApiKeyStore publishes revoked key ids on (`ApiKeyStore.revocationChannel`). */
  channel: string;
  /** A key was revoked, on this instance or any other. */
  onRevoked: (keyId: string) => void;
  /**
   * The subscription is back after its connection was lost: notices sent
   * meanwhile are gone, so whoever holds keys should check them again.
   */
  onResubscribed?: () => void;
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** How long start waits for the first subscribe before the API goes on without it. */
const SUBSCRIBE_WAIT_MS = 5000;

/**
 * Hears of every key revocation, whichever instance (or `npm run keys`)
 * revoked it, the moment it is published. Connection trouble is logged once
 * when it starts and once when it ends, never per retry; the subscriber's
 * `error` events are always handled.
 */
export class RevocationNotices {
  private subscriber: Redis | null = null;
  private troubled = false;
  private subscribedOnce = false;

  constructor(private readonly options: RevocationNoticesOptions) {}

  async start(): Promise<void> {
    if (this.subscriber) return;
    const { connection: subscriber, subscribed } = subscribeChannels(this.options.redis, [this.options.channel], (err) => {
      if (this.troubled) return;
      this.troubled = true;
      this.options.logger.warn({ err: err.message }, 'key revocation notices interrupted; open streams are re-checked when they return');
    });
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => {
      if (this.troubled) return;
      this.troubled = true;
      this.options.logger.warn({ err: err.message }, 'key revocation notices interrupted; open streams are re-checked when they return');
    });
    subscriber.on('message', (channel: string, keyId: string) => {
      if (channel === this.options.channel) this.options.onRevoked(keyId);
    });
    // Subscribed again on every 'ready' (subscribeChannels): notices flow again.
    subscriber.on('ready', () => {
      if (!this.subscribedOnce) return;
      if (this.troubled) this.options.logger.info({}, 'key revocation notices back');
      this.troubled = false;
      this.options.onResubscribed?.();
    });
    // Normally subscribed within milliseconds; with Redis out of reach the API starts anyway (streams re-check their keys meanwhile).
    const later = Symbol('later');
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([subscribed, new Promise<symbol>((resolve) => {
      timer = setTimeout(() => resolve(later), SUBSCRIBE_WAIT_MS);
    })]);
    clearTimeout(timer);
    if (first === later) {
      this.options.logger.warn({ waitedMs: SUBSCRIBE_WAIT_MS }, 'key revocation notices not subscribed yet; open streams re-check their keys meanwhile');
      void subscribed.then(() => {
        this.subscribedOnce = true;
      });
      return;
    }
    this.subscribedOnce = true;
  }

  stop(): void {
    const subscriber = this.subscriber;
    this.subscriber = null;
    subscriber?.disconnect();
  }
}
