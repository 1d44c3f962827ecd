/**
 * setTimeout with a count of the timers still pending, so tests can prove that
 * a finished call leaves none behind.
 */
export class TrackedTimers {
  private readonly pending = new Set<NodeJS.Timeout>();

  /** Runs `fn` after `ms`; returns a function that cancels it (safe to call twice). */
  start(fn: () => void, ms: number): () => void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, ms);
    this.pending.add(timer);
    return () => {
      if (this.pending.delete(timer)) clearTimeout(timer);
    };
  }

  get active(): number {
    return this.pending.size;
  }

  clearAll(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
