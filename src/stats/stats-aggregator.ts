import type { Redis } from 'ioredis';
import type { CallEvent, RecordedCallEvent } from '../call-records/call-event.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import { CallTally } from './call-tally.js';
import { dayFigures, intervalFigures, type GroupFigures, type IntervalBucket, type StatsFilter } from './stats-report.js';
import type { StatsConfig } from './stats-config.js';
import { systemClock, type Clock } from '../time/clock.js';
import { startOfLocalDay } from '../time/time-zone.js';

const DAY_MS = 24 * 3600_000;
/** Stream ids carry Redis's clock, event times the service's: read an hour more in case they differ. */
const CLOCK_SKEW_MARGIN_MS = 3600_000;

export interface StatsAggregatorOptions {
  redis: Redis;
  /** The call-record stream (CallRecordLog.key). */
  streamKey: string;
  settings: Pick<StatsConfig, 'timeZone' | 'shortAbandonSec' | 'historyDays'>;
  /** Where the time is read; the wall clock by default. */
  clock?: Clock;
  /** Stream id after which the first read starts; default: the start of the history kept. */
  startId?: string;
  /** Entries per XREAD. */
  batchSize?: number;
}

export interface TodayFigures extends GroupFigures {
  /** Local midnight that started today, ms since the epoch. */
  dayStart: number;
}

/**
 * Live statistics from the call-record stream. Every read first catches up
 * with the stream from the last entry seen (XREAD), so a request costs the
 * events since the previous one, not the day's; what a request answers
 * includes every event appended before it started. The first read loads the
 * history kept (`historyDays`).
 *
 * Each service instance keeps its own aggregator; all read the same stream,
 * so all answer the same figures.
 */
export class StatsAggregator {
  private readonly tally: CallTally;
  private readonly clock: Clock;
  private readonly batchSize: number;
  private lastId: string | null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: StatsAggregatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.batchSize = options.batchSize ?? 1000;
    this.lastId = options.startId ?? null;
    this.tally = new CallTally({ timeZone: options.settings.timeZone, shortAbandonMs: options.settings.shortAbandonSec * 1000 });
  }

  /** The oldest instant statistics are kept for. */
  historyStart(now: number = this.clock.now()): number {
    return startOfLocalDay(now - this.options.settings.historyDays * DAY_MS, this.options.settings.timeZone);
  }

  /** Reads the events appended since the last read. Reads never overlap. */
  refresh(): Promise<void> {
    this.chain = this.chain.catch(() => undefined).then(() => this.catchUp());
    return this.chain;
  }

  async today(snapshot: RoutingSnapshot): Promise<TodayFigures> {
    await this.refresh();
    const dayStart = startOfLocalDay(this.clock.now(), this.options.settings.timeZone);
    return { dayStart, ...dayFigures(this.tally.day(dayStart), snapshot) };
  }

  async intervals(snapshot: RoutingSnapshot, from: number, to: number, filter: StatsFilter = {}): Promise<IntervalBucket[]> {
    await this.refresh();
    return intervalFigures(this.tally, snapshot, from, to, filter);
  }

  private async catchUp(): Promise<void> {
    const now = this.clock.now();
    const keepFrom = this.historyStart(now);
    let from = this.lastId ?? `${Math.max(0, keepFrom - CLOCK_SKEW_MARGIN_MS)}-0`;
    for (;;) {
      const reply = await this.options.redis.xread('COUNT', this.batchSize, 'STREAMS', this.options.streamKey, from);
      const entries = reply?.[0]?.[1] ?? [];
      for (const [id, fields] of entries) {
        const event = parseEntry(fields);
        if (event && event.at >= keepFrom) this.tally.add(event);
        from = id;
      }
      this.lastId = from;
      if (entries.length < this.batchSize) break;
    }
    this.tally.prune(keepFrom);
  }
}

/** A stream entry as CallRecordLog writes it: call, at, event (JSON). */
function parseEntry(fields: string[]): RecordedCallEvent | null {
  let callId = '';
  let at = Number.NaN;
  let json: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    if (name === 'call') callId = fields[i + 1]!;
    else if (name === 'at') at = Number(fields[i + 1]);
    else if (name === 'event') json = fields[i + 1];
  }
  if (!json || !Number.isFinite(at)) return null;
  try {
    const event = JSON.parse(json) as CallEvent;
    return typeof event === 'object' && event !== null ? { ...event, callId, at } : null;
  } catch {
    return null;
  }
}
