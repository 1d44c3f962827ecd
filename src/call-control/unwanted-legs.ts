import type { AriClient } from '../ari/ari-client.js';
import type { AriEvents } from '../ari/ari-events.js';
import { isChannelGone } from '../ari/is-channel-gone.js';
import type { AriEvent } from '../ari/models.js';
import type { Logger } from '../log/logger.js';
import type { TrackedTimers } from './tracked-timers.js';

export interface UnwantedLegsDeps {
  client: AriClient;
  events: AriEvents;
  app: string;
  timers: TrackedTimers;
  logger: Logger;
}

interface Watch {
  off(): void;
  cancelExpiry(): void;
  hangingUp: boolean;
  /** Asterisk accepted our hang-up: its end events follow. */
  hungUp: boolean;
  /** An event showed the leg exists. */
  seen: boolean;
  attempts: number;
}

/** Hang-up attempts per leg once it has shown (a failing switch must not make us loop). */
const MAX_ATTEMPTS = 3;

/**
 * Legs we originated and no longer want, watched by the channel id we chose.
 *
 * An originate whose answer came too late (or whose connection broke) may
 * still have created its channel: Asterisk goes on dialling, and if the agent
 * answers, the leg enters our app with a StasisStart like any incoming call.
 * Its id is the only thing that tells it apart, so we keep that id here for
 * the rest of the ring time and hang the leg up as soon as anything shows it
 * exists (its Dial, state changes, StasisStart). The originating app is
 * subscribed to the channel from its creation, so those events reach us.
 */
export class UnwantedLegs {
  private readonly watched = new Map<string, Watch>();

  constructor(private readonly deps: UnwantedLegsDeps) {}

  has(channelId: string): boolean {
    return this.watched.has(channelId);
  }

  get size(): number {
    return this.watched.size;
  }

  /**
   * Hangs the leg up now if it exists, and whenever it shows up within `forMs`.
   * `hangUpNow` false when the caller is already sending the hang-up.
   */
  add(channelId: string, forMs: number, hangUpNow = true): void {
    if (this.watched.has(channelId)) return;
    const log = this.deps.logger.child({ channelId });
    const watch: Watch = {
      hangingUp: false,
      hungUp: false,
      seen: false,
      attempts: 0,
      off: this.deps.events.onChannel(channelId, (event) => this.onEvent(channelId, event, log), this.deps.app),
      cancelExpiry: this.deps.timers.start(() => this.forget(channelId), forMs),
    };
    this.watched.set(channelId, watch);
    if (hangUpNow) void this.hangUp(channelId, watch, log);
  }

  /** Stops watching every leg (the service is stopping). */
  clear(): void {
    for (const id of [...this.watched.keys()]) this.forget(id);
  }

  private onEvent(channelId: string, event: AriEvent, log: Logger): void {
    const watch = this.watched.get(channelId);
    if (!watch) return;
    if (event.type === 'ChannelDestroyed' || event.type === 'StasisEnd') {
      this.forget(channelId);
      return;
    }
    if (event.type === 'ChannelHangupRequest') return;
    if (event.type === 'StasisStart') log.warn('a leg given up on was answered late; hanging it up');
    watch.seen = true;
    void this.hangUp(channelId, watch, log);
  }

  /**
   * Sends the hang-up. A leg that showed while a hang-up was on its way (or
   * that one failed) is tried again: its events may all have arrived meanwhile.
   */
  private async hangUp(channelId: string, watch: Watch, log: Logger): Promise<void> {
    if (watch.hangingUp || watch.hungUp) return;
    watch.hangingUp = true;
    const seenBefore = watch.seen;
    if (seenBefore) watch.attempts += 1;
    try {
      await this.deps.client.channels.hangup(channelId, 'normal');
      watch.hungUp = true;
    } catch (err) {
      if (isChannelGone(err) && seenBefore) {
        // It existed, and it is gone.
        this.forget(channelId);
        return;
      }
      // Gone before it existed: when it shows, its events bring us back here.
      if (!isChannelGone(err)) log.warn({ err }, 'could not hang up a leg given up on');
    } finally {
      watch.hangingUp = false;
    }
    if (!watch.hungUp && watch.seen && watch.attempts < MAX_ATTEMPTS && this.watched.get(channelId) === watch) {
      void this.hangUp(channelId, watch, log);
    }
  }

  private forget(channelId: string): void {
    const watch = this.watched.get(channelId);
    if (!watch) return;
    this.watched.delete(channelId);
    watch.off();
    watch.cancelExpiry();
  }
}
