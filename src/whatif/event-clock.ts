import type { Clock, TimerHandle } from '../time/clock.js';

interface EventTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * Virtual time for a discrete-event run: timers wait in a heap and fire only
 * when the driver asks for the next one, which moves the clock to its time.
 * Equal times fire in the order they were set, so a run is repeatable.
 * Unlike ManualClock (a test's clock, which scans its timers), a heap keeps
 * tens of thousands of pending timers cheap.
 */
export class EventClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly heap: EventTimer[] = [];

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: EventTimer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn, cancelled: false };
    this.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    (handle as EventTimer).cancelled = true;
  }

  /** When the next timer falls due; null when none is left. */
  nextAt(): number | null {
    this.dropCancelled();
    return this.heap[0]?.at ?? null;
  }

  /** Moves the clock to the next timer and fires it; false when none is left. */
  fireNext(): boolean {
    this.dropCancelled();
    const timer = this.pop();
    if (!timer) return false;
    this.current = Math.max(this.current, timer.at);
    timer.fn();
    return true;
  }

  /** Moves the clock forward without firing anything (the end of a run). */
  moveTo(at: number): void {
    this.current = Math.max(this.current, at);
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.pop();
  }

  private push(timer: EventTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): EventTimer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (!top || !last || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < heap.length && before(heap[l]!, heap[least]!)) least = l;
      if (r < heap.length && before(heap[r]!, heap[least]!)) least = r;
      if (least === i) break;
      [heap[i], heap[least]] = [heap[least]!, heap[i]!];
      i = least;
    }
    return top;
  }
}

function before(a: EventTimer, b: EventTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}
