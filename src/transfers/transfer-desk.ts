import type { Redis } from 'ioredis';
import { subscribeChannels } from '../infra/redis-subscriber.js';
import type { Logger } from 'pino';
import type { Acd } from '../acd/acd.js';
import type { TransferRelease } from '../acd/call-connector.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { CallNotTalkingError } from './call-not-talking-error.js';
import { NEEDS } from '../routing/needs.js';
import type { Need } from '../routing/types.js';

export interface TransferDeskOptions {
  acd: Acd;
  redis: Redis;
  keyPrefix: string;
  /** Queues that exist now (routing snapshot). */
  queues: () => Readonly<Record<string, unknown>>;
  /** Routes the released caller again (resumeTransferred). */
  resume: (release: TransferRelease, toQueue: Need, by: string, reason: string | null) => void;
  logger: Logger;
}

/**
 * Blind transfers to another queue (routing rule 3, decide-route.ts), asked by a supervisor
 * through the API or by the agent's phone (a feature code setting
 * HOTLINE_TRANSFER on the agent's channel). The instance holding the call
 * does it; a request reaching another instance is passed on through Redis
 * pub/sub (`<prefix>:transfers`).
 */
export class TransferDesk {
  private readonly channel: string;
  private subscriber: Redis | null = null;
  private offEvents: (() => void) | null = null;

  constructor(private readonly options: TransferDeskOptions) {
    this.channel = `${options.keyPrefix}:transfers`;
  }

  async start(): Promise<void> {
    const { connection: subscriber, subscribed } = subscribeChannels(this.options.redis, [this.channel], (err) => {
      this.options.logger.warn({ err: err.message }, 'subscribing to the transfer channel failed; trying again when the connection is back');
    });
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => this.options.logger.warn({ err: err.message }, 'transfer channel error'));
    subscriber.on('message', (_channel: string, text: string) => {
      let message: { callId?: unknown; toQueue?: unknown; by?: unknown; reason?: unknown };
      try { message = JSON.parse(text) as typeof message; } catch { return; }
      if (typeof message.callId !== 'string' || typeof message.toQueue !== 'string' || typeof message.by !== 'string') return;
      if (!this.options.acd.holds(message.callId)) return;
      void this.transferHere(message.callId, message.toQueue as Need, message.by, typeof message.reason === 'string' ? message.reason : null)
        .catch((err: unknown) => this.options.logger.warn({ err, callId: message.callId }, 'transfer failed'));
    });
    await subscribed;
    this.offEvents = this.options.acd.onEvent((event) => {
      if (event.type !== 'transfer-requested') return;
      void this.request(event.callId, event.toQueue, `agent ${event.agent}`)
        .catch((err: unknown) => this.options.logger.warn({ err, callId: event.callId, toQueue: event.toQueue }, 'transfer asked by the agent refused'));
    });
  }

  async stop(): Promise<void> {
    this.offEvents?.();
    this.offEvents = null;
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /**
   * Transfers a call talking to an agent to `toQueue`. Resolves 'transferred'
   * when done here, 'forwarded' when passed to the instance holding the call.
   * `reason` (why, in the words of whoever asked) travels with the caller's
   * context to the next agent's desk.
   */
  async request(callId: string, toQueue: string, by: string, reason: string | null = null): Promise<'transferred' | 'forwarded'> {
    if (!(NEEDS as readonly string[]).includes(toQueue) || !(toQueue in this.options.queues())) {
      throw new ValidationError(`queue: ${JSON.stringify(toQueue)} does not take transfers (queues: ${NEEDS.join(', ')})`, { field: 'queue' });
    }
    const state = await this.options.acd.callState(callId);
    if (!state) throw new NotFoundError('call', callId);
    if (state.state !== 'bridged') throw new CallNotTalkingError(callId, state.state);
    if (this.options.acd.holds(callId)) {
      await this.transferHere(callId, toQueue as Need, by, reason);
      return 'transferred';
    }
    await this.options.redis.publish(this.channel, JSON.stringify({ callId, toQueue, by, reason }));
    return 'forwarded';
  }

  private async transferHere(callId: string, toQueue: Need, by: string, reason: string | null): Promise<void> {
    const release = await this.options.acd.releaseForTransfer(callId, toQueue, by);
    if (!release) throw new CallNotTalkingError(callId, 'no longer bridged');
    this.options.resume(release, toQueue, by, reason);
  }
}
