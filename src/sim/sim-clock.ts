/**
 * Simulated time. Every duration the switch waits (ringing, Answer()'s media
 * wait, DTMF tones, prompt lengths) is real duration / `speed`, so tests can run
 * a call 20 times faster than life while keeping its order of events.
 * Timers are tracked so a restart or close leaves nothing pending.
 */
export class SimClock {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly speed: number) {
    if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be a positive number, got ${speed}`);
  }

  /** Wall-clock milliseconds for a simulated duration. */
  wall(ms: number): number {
    return Math.max(0, ms / this.speed);
  }

  /** Runs `fn` after `ms` of simulated time; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.wall(ms));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Waits `ms` of simulated time; resolves false at once when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        cancel();
        resolve(false);
      };
      const cancel = this.after(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Drops every pending timer (restart, close). */
  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
