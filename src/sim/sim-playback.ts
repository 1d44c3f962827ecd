import type { Playback, PlaybackState } from '../ari/models.js';
import type { ItemTimer } from './item-timer.js';
import type { SimBridge } from './sim-bridge.js';
import type { SimChannel } from './sim-channel.js';

export type PlaybackTarget = { kind: 'channel'; channel: SimChannel } | { kind: 'bridge'; bridge: SimBridge };

/** Asterisk's playback states; 'paused' is never announced by an event. */
export type SimPlaybackState = PlaybackState | 'paused';

/** One playback: a list of media URIs played one after the other on a channel or a bridge. */
export class SimPlayback {
  index = 0;
  state: SimPlaybackState = 'queued';
  /** Stopped while still queued: it ends as soon as its turn comes. */
  cancelled = false;
  /** A stop arrived while the current item was being prepared. */
  stopRequested = false;
  /** Once a `sound:` or `tone:` item played, the playback accepts stop/pause/skip (as in Asterisk). */
  controllable = false;
  /** Set once PlaybackFinished went out: nothing more is published for it. */
  finished = false;
  item: ItemTimer | null = null;

  constructor(
    readonly id: string,
    readonly media: readonly string[],
    readonly language: string,
    readonly target: PlaybackTarget,
    readonly offsetMs: number,
    readonly skipMs: number,
  ) {}

  get targetUri(): string {
    return this.target.kind === 'channel' ? `channel:${this.target.channel.id}` : `bridge:${this.target.bridge.id}`;
  }

  toJson(): Playback {
    const next = this.media[this.index + 1];
    return {
      id: this.id,
      media_uri: this.media[this.index] ?? '',
      ...(next !== undefined ? { next_media_uri: next } : {}),
      target_uri: this.targetUri,
      language: this.language,
      state: this.state as PlaybackState,
    };
  }
}
