import { randomUUID } from 'node:crypto';
import { AriHttpError, badRequest } from './ari-http-error.js';
import { ControlClosedError, type ControlQueue } from './control-queue.js';
import { ItemTimer, type ItemEnd } from './item-timer.js';
import { planMedia, silenceMs, type MediaPlan } from './media-plan.js';
import type { SimBridge } from './sim-bridge.js';
import type { SimChannel } from './sim-channel.js';
import { SimPlayback, type PlaybackTarget } from './sim-playback.js';
import type { SimSwitch } from './sim-switch.js';

export interface PlayRequest {
  media: readonly string[];
  language: string;
  playbackId?: string;
  offsetMs?: number;
  skipMs?: number;
}

const OPERATIONS = new Set(['restart', 'pause', 'unpause', 'reverse', 'forward']);

/**
 * Playbacks as res_stasis_playback runs them. Each item publishes
 * PlaybackStarted (state playing, next_media_uri while more follow), then
 * PlaybackContinuing between items or PlaybackFinished after the last
 * (state done, or failed when the last item could not be played or the channel
 * hung up). A missing sound fails its item at once; a list goes on with the next.
 * Playbacks of one channel run one after the other in its command queue.
 */
export class PlaybackEngine {
  private readonly byId = new Map<string, SimPlayback>();

  constructor(private readonly sw: SimSwitch) {}

  /** Queues a playback; the 201 answer shows it `queued`. */
  start(target: PlaybackTarget, request: PlayRequest): SimPlayback {
    if (!request.media.length || request.media.some((m) => m === '')) throw badRequest('Missing parameter media');
    if ((request.skipMs ?? 0) < 0) throw badRequest('skipms cannot be negative');
    if ((request.offsetMs ?? 0) < 0) throw badRequest('offsetms cannot be negative');
    const id = request.playbackId || randomUUID();
    if (this.byId.has(id)) {
      throw new AriHttpError(409, 'playback-id-exists', 'Playback with given id already exists', { playbackId: id });
    }
    const playback = new SimPlayback(id, [...request.media], request.language, target, request.offsetMs ?? 0, request.skipMs || 3000);
    this.byId.set(id, playback);
    const queue: ControlQueue = target.kind === 'channel' ? target.channel.control : target.bridge.control;
    queue.run(() => this.play(playback)).catch((err: unknown) => {
      this.byId.delete(id);
      if (!(err instanceof ControlClosedError)) this.sw.log(`playback ${id} failed: ${(err as Error).message}`);
    });
    return playback;
  }

  require(id: string): SimPlayback {
    const playback = this.byId.get(id);
    if (!playback) throw new AriHttpError(404, 'playback-not-found', 'Playback not found', { playbackId: id });
    return playback;
  }

  /** DELETE /playbacks/{id}: a queued playback is cancelled, a playing one ends with state done. */
  stop(playback: SimPlayback): void {
    if (playback.state === 'queued') {
      playback.cancelled = true;
      return;
    }
    if (playback.finished) return;
    if (!playback.controllable) throw new AriHttpError(500, 'playback-not-controllable', 'Could not stop playback', { playbackId: playback.id });
    playback.stopRequested = true;
    playback.item?.stop();
  }

  /** POST /playbacks/{id}/control?operation=... */
  control(playback: SimPlayback, operation: string): void {
    if (!OPERATIONS.has(operation)) throw badRequest(`Invalid operation ${operation}`, { operation });
    const notPlaying = () => new AriHttpError(409, 'playback-not-playing', `Can only ${operation} while media is playing`, { playbackId: playback.id });
    if (playback.state === 'queued') {
      if (operation === 'restart') return;
      throw notPlaying();
    }
    if (playback.finished) throw notPlaying();
    if (playback.state === 'paused') {
      if (operation === 'pause') return;
      if (operation !== 'unpause') throw notPlaying();
    }
    if (!playback.controllable) {
      throw new AriHttpError(500, 'playback-not-controllable', `Could not ${operation} playback`, { playbackId: playback.id });
    }
    const item = playback.item;
    switch (operation) {
      case 'pause':
        playback.state = 'paused';
        item?.pause();
        break;
      case 'unpause':
        if (playback.state !== 'paused') return;
        playback.state = 'playing';
        this.publish(playback, 'PlaybackStarted');
        item?.resume();
        break;
      case 'restart':
        item?.restart();
        break;
      case 'reverse':
        item?.skip(-playback.skipMs);
        break;
      case 'forward':
        item?.skip(playback.skipMs);
        break;
    }
  }

  /** The channel hangs up: its current playback ends now (failed), queued ones are dropped silently. */
  interruptChannel(channel: SimChannel): void {
    this.interrupt((p) => p.target.kind === 'channel' && p.target.channel === channel);
  }

  interruptBridge(bridge: SimBridge): void {
    this.interrupt((p) => p.target.kind === 'bridge' && p.target.bridge === bridge);
  }

  reset(): void {
    for (const playback of this.byId.values()) {
      playback.finished = true;
      playback.item?.interrupt();
    }
    this.byId.clear();
  }

  private async play(playback: SimPlayback): Promise<void> {
    if (playback.cancelled) {
      playback.state = 'done';
      this.finish(playback);
      return;
    }
    // Media operations on a channel hearing MOH suspend the music for good.
    if (playback.target.kind === 'channel') playback.target.channel.moh = null;
    for (let i = 0; i < playback.media.length; i++) {
      playback.index = i;
      playback.state = 'playing';
      this.publish(playback, 'PlaybackStarted');
      const uri = playback.media[i] ?? '';
      const plan = planMedia(uri);
      if (plan.kind === 'endless' || uri.startsWith('sound:')) playback.controllable = true;
      const length = await this.lengthOf(plan, playback.language);
      if (playback.finished) return;
      const end = await this.playItem(playback, length, i === 0 ? playback.offsetMs : 0);
      if (playback.finished) return;
      const last = i === playback.media.length - 1;
      if (end === 'stopped') playback.state = 'done';
      else if (end === 'elapsed') playback.state = last ? 'done' : 'continuing';
      else playback.state = last ? 'failed' : 'continuing';
      if (playback.state === 'continuing') this.publish(playback, 'PlaybackContinuing');
      else {
        this.finish(playback);
        return;
      }
    }
  }

  private async playItem(playback: SimPlayback, lengthMs: number | null, offsetMs: number): Promise<ItemEnd | 'failed'> {
    if (playback.stopRequested) return 'stopped';
    if (lengthMs === null) return 'failed';
    const item = new ItemTimer(this.sw.clock, lengthMs, offsetMs);
    playback.item = item;
    if (playback.state === 'paused') item.pause();
    const end = await item.done;
    playback.item = null;
    return end;
  }

  /** Simulated length of one media item; null when Asterisk could not play it. */
  private async lengthOf(plan: MediaPlan, language: string): Promise<number | null> {
    if (plan.kind === 'endless') return Number.POSITIVE_INFINITY;
    if (plan.kind === 'unplayable') return null;
    let total = 0;
    for (const name of plan.names) {
      const ms = (await this.sw.sounds.durationOf(name, language)) ?? silenceMs(name);
      if (ms === null) {
        this.sw.log(`sound ${name} (${language}) not found: playback fails`);
        return null;
      }
      total += ms;
    }
    return total;
  }

  private interrupt(match: (p: SimPlayback) => boolean): void {
    for (const playback of [...this.byId.values()]) {
      if (!match(playback) || playback.finished) continue;
      if (playback.state === 'queued') {
        playback.finished = true;
        this.byId.delete(playback.id);
        continue;
      }
      playback.state = 'failed';
      playback.item?.interrupt();
      this.finish(playback);
    }
  }

  private finish(playback: SimPlayback): void {
    playback.finished = true;
    this.byId.delete(playback.id);
    this.publish(playback, 'PlaybackFinished');
  }

  private publish(playback: SimPlayback, type: string): void {
    const target = playback.target;
    const topics = target.kind === 'channel' ? { channelIds: [target.channel.id] } : { bridgeIds: [target.bridge.id] };
    this.sw.hub.publish(topics, type, { playback: playback.toJson() });
  }
}
