/**
 * All ACD timing goes through a Clock, so the same assignment code runs on the
 * wall clock in production and in virtual time in tests and what-if replays.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Opaque: only the clock that made a handle can clear it. */
export type TimerHandle = object;

/**
 * The wall clock. Timers are unref'd: an armed overflow or wrap-up timer alone
 * must not keep a stopping process alive (the state lives in Redis and is
 * picked up by whichever instance runs next).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

interface ManualTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * Virtual time: nothing happens until `advance` moves the clock, which fires
 * the timers that fall due in time order (equal times in the order they were
 * set), each at its own due time.
 */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: ManualTimer[] = [];

  constructor(start: number = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /**
   * A timer due now (or in the past) fires on the next turn of the event loop
   * without waiting for `advance`, as on the wall clock: work that finishes
   * after an advance and finds something already due must not stall until the
   * next one. Later timers wait for `advance`.
   */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: ManualTimer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    if (timer.at <= this.current) {
      setImmediate(() => {
        if (!this.timers.includes(timer)) return;
        this.timers = this.timers.filter((t) => t !== timer);
        timer.fn();
      });
    }
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Move time forward by `ms`, firing due timers one by one. Between timers it
   * yields to the event loop so that work started by one timer (Redis round
   * trips) can run before the next fires, as it would in real time.
   */
  async advance(ms: number): Promise<void> {
    if (ms < 0) throw new RangeError(`cannot move a clock backwards (${ms} ms)`);
    const target = this.current + ms;
    for (;;) {
      const due = this.nextDue(target);
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.fn();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.current = target;
  }

  private nextDue(limit: number): ManualTimer | null {
    let best: ManualTimer | null = null;
    for (const t of this.timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.id < best.id))) best = t;
    }
    return best;
  }
}
