import type { Redis } from 'ioredis';
import type { AgentState } from '../acd/agent.js';
import { subscribeChannels } from '../infra/redis-subscriber.js';
import type { Logger } from '../log/logger.js';
import type { ScreenPop } from './screen-pop.js';

/** How long start waits for the first subscribe before the API goes on without it. */
const SUBSCRIBE_WAIT_MS = 5000;

/** What an agent's desk is told, whichever instance it is connected to. */
export type DeskNotice =
  | { type: 'state'; agent: string; state: AgentState; pauseReason: string | null; callId: string | null }
  | { type: 'pop'; agent: string; pop: ScreenPop }
  | { type: 'cleared'; agent: string; callId: string | null };

export type DeskListener = (notice: DeskNotice) => void;

/**
 * Desk notices over Redis pub/sub (`<prefix>:desk`): an agent's phone is rung
 * by the instance that owns the caller, a supervisor changes the agent on any
 * instance, and the agent's page follows a stream on yet another. Every change
 * is published once by the instance that made it and delivered to the
 * streams of every instance, this one included (one path for all).
 */
export class DeskNotices {
  private readonly channel: string;
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<DeskListener>>();

  constructor(private readonly redis: Redis, keyPrefix: string, private readonly logger: Logger) {
    this.channel = `${keyPrefix}:desk`;
  }

  async start(): Promise<void> {
    if (this.subscriber) return;
    const { connection, subscribed } = subscribeChannels(this.redis, [this.channel], (err) => {
      this.logger.warn({ err: err.message }, 'desk notices interrupted; desks catch up when they reconnect');
    });
    this.subscriber = connection;
    connection.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'desk notices connection error'));
    connection.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let notice: DeskNotice;
      try { notice = JSON.parse(text) as DeskNotice; } catch { return; }
      for (const listener of [...(this.listeners.get(notice.agent) ?? [])]) {
        try { listener(notice); } catch (err) { this.logger.warn({ err }, 'desk listener failed'); }
      }
    });
    // Normally subscribed within milliseconds; without Redis the API starts anyway and desks catch up when they reconnect.
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([subscribed.then(() => false), new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), SUBSCRIBE_WAIT_MS); })]);
    clearTimeout(timer);
    if (late) this.logger.warn({ waitedMs: SUBSCRIBE_WAIT_MS }, 'desk notices not subscribed yet; desks catch up when they reconnect');
  }

  stop(): void {
    const subscriber = this.subscriber;
    this.subscriber = null;
    subscriber?.disconnect();
  }

  publish(notice: DeskNotice): void {
    this.redis.publish(this.channel, JSON.stringify(notice)).catch((err: unknown) => {
      this.logger.warn({ err, agent: notice.agent, type: notice.type }, 'could not publish a desk notice; the desk catches up when it reconnects');
    });
  }

  /** Notices about one agent; returns the unsubscribe. */
  subscribe(agent: string, listener: DeskListener): () => void {
    let set = this.listeners.get(agent);
    if (!set) this.listeners.set(agent, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(agent);
    };
  }
}
