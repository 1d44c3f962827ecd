import type { RecordedCallEvent } from '../call-records/call-event.js';
import { emptyTally, type Tally } from './tally.js';
import { startOfLocalDay } from '../time/time-zone.js';

export const BUCKET_MS = 15 * 60_000;

/** The tallies of one period, by queue id and by tier id. */
export interface TallyGroup {
  readonly queues: Map<string, Tally>;
  readonly tiers: Map<string, Tally>;
}

export interface CallTallyOptions {
  /** IANA zone whose midnight starts "today". */
  timeZone: string;
  /** Abandons with a shorter wait are short abandons (ms). */
  shortAbandonMs: number;
}

/** Where one queue entry of a call is counted, until the call leaves that queue. */
interface Entry {
  bucket: number;
  tier: string;
}

/**
 * Folds call-record events into per-queue and per-tier tallies by 15-minute
 * bucket and by local day. Events must come in stream order. Each figure of
 * a queue entry — answered, abandoned, talk time — is counted in the bucket
 * of the `queued` event that opened it, so a call that waits across a quarter
 * hour or midnight counts in the period it was offered in.
 *
 * Events of a queue entry whose `queued` event was not folded in (it came
 * before the first event read) are ignored: they belong to an earlier period.
 * Memory grows with the buckets kept and the calls in progress, not with the
 * number of calls.
 */
export class CallTally {
  private readonly buckets = new Map<number, TallyGroup>();
  private readonly days = new Map<number, TallyGroup>();
  private readonly dayOfBucket = new Map<number, number>();
  /** callId → queue → entry, for calls still waiting or talking. */
  private readonly open = new Map<string, Map<string, Entry>>();

  constructor(private readonly options: CallTallyOptions) {}

  add(event: RecordedCallEvent): void {
    if (!Number.isFinite(event.at)) return;
    switch (event.type) {
      case 'queued': {
        if (!isName(event.queue) || !isName(event.tier)) return;
        const entry = { bucket: bucketOf(event.at), tier: event.tier };
        let calls = this.open.get(event.callId);
        if (!calls) this.open.set(event.callId, (calls = new Map()));
        calls.set(event.queue, entry);
        this.count(entry, event.queue, (t) => { t.entered += 1; });
        return;
      }
      case 'answered': {
        const entry = this.entry(event.callId, event.queue);
        if (!entry || !isDuration(event.waitMs)) return;
        this.count(entry, event.queue, (t) => {
          t.answered += 1;
          t.answeredWaitMs += event.waitMs;
          t.answeredWaits.add(event.waitMs);
        });
        return;
      }
      case 'abandoned': {
        const entry = this.close(event.callId, event.queue);
        if (!entry || !isDuration(event.waitMs)) return;
        const short = event.waitMs < this.options.shortAbandonMs;
        this.count(entry, event.queue, (t) => {
          if (short) {
            t.shortAbandoned += 1;
          } else {
            t.abandoned += 1;
            t.abandonedWaits.add(event.waitMs);
          }
        });
        return;
      }
      case 'left-queue': {
        const entry = this.close(event.callId, event.queue);
        if (entry) this.count(entry, event.queue, (t) => { t.left += 1; });
        return;
      }
      case 'agent-ended': {
        const entry = this.close(event.callId, event.queue);
        if (!entry || !isDuration(event.talkMs)) return;
        this.count(entry, event.queue, (t) => {
          t.talked += 1;
          t.talkMs += event.talkMs;
        });
        return;
      }
      case 'callback-requested': {
        // A request is counted when it is made, whether or not the call was queued.
        if (!isName(event.queue) || !isName(event.tier)) return;
        this.count({ bucket: bucketOf(event.at), tier: event.tier }, event.queue, (t) => { t.callbacksRequested += 1; });
        return;
      }
      case 'ended':
        // Every queue entry of the call is over (its last figure came before).
        this.open.delete(event.callId);
        return;
      default:
    }
  }

  /** The tallies of the 15-minute bucket starting at `start`, if anything was counted in it. */
  bucket(start: number): TallyGroup | undefined {
    return this.buckets.get(start);
  }

  /** The tallies of the local day starting at `dayStart` (see startOfLocalDay). */
  day(dayStart: number): TallyGroup | undefined {
    return this.days.get(dayStart);
  }

  /** Forgets buckets and days over before `before`, and calls whose queue entry is in a bucket forgotten. */
  prune(before: number): void {
    for (const start of this.buckets.keys()) {
      if (start + BUCKET_MS <= before) {
        this.buckets.delete(start);
        this.dayOfBucket.delete(start);
      }
    }
    // A day that started before `before` but is not over yet is kept whole.
    const firstDayKept = startOfLocalDay(before, this.options.timeZone);
    for (const start of this.days.keys()) if (start < firstDayKept) this.days.delete(start);
    for (const [callId, calls] of this.open) {
      for (const [queue, entry] of calls) if (entry.bucket + BUCKET_MS <= before) calls.delete(queue);
      if (calls.size === 0) this.open.delete(callId);
    }
  }

  /** Queue entries still waiting or talking (for tests and diagnostics). */
  get openEntries(): number {
    let n = 0;
    for (const calls of this.open.values()) n += calls.size;
    return n;
  }

  private entry(callId: string, queue: string): Entry | undefined {
    return this.open.get(callId)?.get(queue);
  }

  private close(callId: string, queue: string): Entry | undefined {
    const calls = this.open.get(callId);
    const entry = calls?.get(queue);
    if (calls && entry) {
      calls.delete(queue);
      if (calls.size === 0) this.open.delete(callId);
    }
    return entry;
  }

  private count(entry: Entry, queue: string, change: (tally: Tally) => void): void {
    const bucket = this.group(this.buckets, entry.bucket);
    const day = this.group(this.days, this.dayStartOf(entry.bucket));
    for (const group of [bucket, day]) {
      change(tallyIn(group.queues, queue));
      change(tallyIn(group.tiers, entry.tier));
    }
  }

  private dayStartOf(bucket: number): number {
    let day = this.dayOfBucket.get(bucket);
    if (day === undefined) {
      day = startOfLocalDay(bucket, this.options.timeZone);
      this.dayOfBucket.set(bucket, day);
    }
    return day;
  }

  private group(map: Map<number, TallyGroup>, key: number): TallyGroup {
    let group = map.get(key);
    if (!group) map.set(key, (group = { queues: new Map(), tiers: new Map() }));
    return group;
  }
}

export function bucketOf(at: number): number {
  return Math.floor(at / BUCKET_MS) * BUCKET_MS;
}

function tallyIn(map: Map<string, Tally>, key: string): Tally {
  let tally = map.get(key);
  if (!tally) map.set(key, (tally = emptyTally()));
  return tally;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
