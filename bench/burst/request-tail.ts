import { request } from 'undici';
import type { RecordedRequest } from '../../src/sim/simulated-asterisk.js';

/** How many identical entries, ending with the last one kept, must match to find where a new listing carries on. */
const OVERLAP = 8;

/**
 * Follows the simulator's request log (GET /sim/requests), which only keeps
 * the most recent requests: read often enough, each listing overlaps the
 * previous one, and the tail keeps every request once, in order. A listing
 * that does not overlap means requests were lost between reads (`complete`
 * turns false) rather than counted twice.
 */
export class RequestTail {
  private readonly kept: RecordedRequest[] = [];
  private lostSome = false;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;

  constructor(private readonly simUrl: string, private readonly authorization: string) {}

  /** Reads that failed (the next read catches up, as long as the log has not turned over meanwhile). */
  failedReads = 0;

  start(everyMs: number): void {
    this.timer = setInterval(() => {
      this.read().catch(() => {
        this.failedReads += 1;
      });
    }, everyMs);
  }

  /** Stops reading without a last read (the run failed). */
  halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops following after one last read. */
  async stop(): Promise<RecordedRequest[]> {
    this.halt();
    await this.reading?.catch(() => undefined);
    await this.read();
    return this.kept;
  }

  /** Every request kept so far, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.kept;
  }

  get complete(): boolean {
    return !this.lostSome;
  }

  private read(): Promise<void> {
    this.reading ??= this.fetchAndMerge().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async fetchAndMerge(): Promise<void> {
    const res = await request(`${this.simUrl}/sim/requests`, { headers: { authorization: this.authorization } });
    const listing = (await res.body.json()) as RecordedRequest[];
    if (res.statusCode !== 200) throw new Error(`GET /sim/requests answered ${res.statusCode}`);
    this.merge(listing);
  }

  merge(listing: RecordedRequest[]): void {
    if (!this.kept.length) {
      this.kept.push(...listing);
      return;
    }
    const tail = this.kept.slice(-OVERLAP);
    for (let end = listing.length - 1; end >= tail.length - 1; end--) {
      if (tail.every((entry, i) => same(entry, listing[end - tail.length + 1 + i]!))) {
        // Entries already kept may have been read while still waiting or running: take their latest state.
        const overlap = Math.min(end + 1, this.kept.length);
        for (let i = 0; i < overlap; i++) this.kept[this.kept.length - overlap + i] = listing[end + 1 - overlap + i]!;
        this.kept.push(...listing.slice(end + 1));
        return;
      }
    }
    this.lostSome = true;
    this.kept.push(...listing.filter((entry) => entry.at >= this.kept[this.kept.length - 1]!.at));
  }
}

function same(a: RecordedRequest, b: RecordedRequest): boolean {
  return a.at === b.at && a.method === b.method && a.path === b.path && JSON.stringify(a.query) === JSON.stringify(b.query);
}
