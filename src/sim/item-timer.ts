import type { SimClock } from './sim-clock.js';

/** How one media item of a playback ended. */
export type ItemEnd = 'elapsed' | 'stopped' | 'interrupted';

/**
 * Plays one media item for its length in simulated time, with the controls
 * ARI offers on a playback: pause/unpause, restart, skip forward/back, stop.
 * An infinite length (a `tone:`) plays until stopped.
 */
export class ItemTimer {
  readonly done: Promise<ItemEnd>;
  private resolveDone!: (end: ItemEnd) => void;
  /** Simulated ms already played when the current run started. */
  private position: number;
  private runStartedAt = 0;
  private cancel: (() => void) | null = null;
  private ended = false;

  constructor(
    private readonly clock: SimClock,
    private readonly lengthMs: number,
    offsetMs = 0,
  ) {
    this.position = Math.min(Math.max(0, offsetMs), lengthMs);
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.run();
  }

  get paused(): boolean {
    return !this.ended && this.cancel === null;
  }

  pause(): void {
    if (this.ended || !this.cancel) return;
    this.position = this.playedNow();
    this.cancel();
    this.cancel = null;
  }

  resume(): void {
    if (this.ended || this.cancel) return;
    this.run();
  }

  restart(): void {
    this.seekTo(0);
  }

  /** Skips `deltaMs` forward (positive) or back (negative); past the end finishes the item. */
  skip(deltaMs: number): void {
    this.seekTo(this.playedNow() + deltaMs);
  }

  stop(): void {
    this.end('stopped');
  }

  interrupt(): void {
    this.end('interrupted');
  }

  private seekTo(positionMs: number): void {
    if (this.ended) return;
    const wasPaused = this.paused;
    this.cancel?.();
    this.cancel = null;
    this.position = Math.min(Math.max(0, positionMs), this.lengthMs);
    if (!wasPaused) this.run();
  }

  private run(): void {
    this.runStartedAt = Date.now();
    const remaining = this.lengthMs - this.position;
    if (remaining <= 0) {
      this.end('elapsed');
      return;
    }
    this.cancel = Number.isFinite(remaining) ? this.clock.after(remaining, () => this.end('elapsed')) : () => {};
  }

  private playedNow(): number {
    if (!this.cancel) return this.position;
    return Math.min(this.lengthMs, this.position + (Date.now() - this.runStartedAt) * this.clock.speed);
  }

  private end(how: ItemEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.cancel?.();
    this.cancel = null;
    this.resolveDone(how);
  }
}
