/**
 * Waits counted by whole second, rounded up: a wait of 20.000 s is in bin 20,
 * one of 20.001 s in bin 21. "Within T seconds" is then bins 1..T, exact for
 * the whole-second thresholds the tiers and queues use, and the service level
 * can be computed for whichever threshold is in force when it is read — a
 * supervisor who changes a target sees today's figures against the new one.
 *
 * Waits beyond the longest threshold allowed (3600 s) share one bin, so a
 * histogram never holds more than 3602 bins however many calls it counts.
 */
export const MAX_THRESHOLD_SEC = 3600;

export class WaitHistogram {
  private readonly bins = new Map<number, number>();
  private count = 0;

  get total(): number {
    return this.count;
  }

  add(waitMs: number): void {
    const bin = Math.min(MAX_THRESHOLD_SEC + 1, Math.max(0, Math.ceil(waitMs / 1000)));
    this.bins.set(bin, (this.bins.get(bin) ?? 0) + 1);
    this.count += 1;
  }

  /** Waits of at most `seconds`. */
  atMost(seconds: number): number {
    let n = 0;
    for (const [bin, c] of this.bins) if (bin <= seconds) n += c;
    return n;
  }

  /** Waits longer than `seconds`. */
  above(seconds: number): number {
    return this.count - this.atMost(seconds);
  }

  addAll(other: WaitHistogram): void {
    for (const [bin, c] of other.bins) this.bins.set(bin, (this.bins.get(bin) ?? 0) + c);
    this.count += other.count;
  }
}
