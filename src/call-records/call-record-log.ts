import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../time/clock.js';
import type { CallEvent, RecordedCallEvent } from './call-event.js';

export interface CallRecordLogOptions {
  redis: Redis;
  keyPrefix: string;
  /** Approximate number of events kept (XADD MAXLEN ~). */
  maxEvents?: number;
  /** Where the time is read; the wall clock by default. */
  clock?: Clock;
}

/**
 * Appends call events to a Redis stream (`<prefix>:call-events`), the single
 * source the statistics are computed from. Each entry holds the call id, the
 * time and the event as JSON, so the shape can grow without a migration.
 */
export class CallRecordLog {
  readonly key: string;
  private readonly redis: Redis;
  private readonly maxEvents: number;
  private readonly clock: Clock;

  constructor(options: CallRecordLogOptions) {
    this.redis = options.redis;
    this.key = `${options.keyPrefix}:call-events`;
    this.maxEvents = options.maxEvents ?? 1_000_000;
    this.clock = options.clock ?? systemClock;
  }

  async append(callId: string, event: CallEvent, at: number = this.clock.now()): Promise<string> {
    const id = await this.redis.xadd(
      this.key, 'MAXLEN', '~', String(this.maxEvents), '*',
      'call', callId, 'at', String(at), 'event', JSON.stringify(event),
    );
    return id ?? '';
  }

  /** Events in stream order between two times (inclusive), oldest first. */
  async range(fromMs = 0, toMs = Number.MAX_SAFE_INTEGER, count = 10_000): Promise<RecordedCallEvent[]> {
    const out: RecordedCallEvent[] = [];
    let start = fromMs > 0 ? `${fromMs}-0` : '-';
    const end = toMs >= Number.MAX_SAFE_INTEGER ? '+' : `${toMs}-99999999`;
    for (;;) {
      const batch = await this.redis.xrange(this.key, start, end, 'COUNT', count);
      for (const [id, fields] of batch) {
        const rec = parseEntry(id, fields);
        if (rec && rec.at >= fromMs && rec.at <= toMs) out.push(rec);
      }
      if (batch.length < count) break;
      start = `(${batch[batch.length - 1]![0]}`;
    }
    return out;
  }

  /**
   * Deletes the events that happened before `cutoff` (ms, on the service's
   * clock); returns how many. Entries are in the order they were appended, so
   * the oldest ones are read until the first that is recent enough, and the
   * stream is trimmed up to it (XTRIM MINID): events appended meanwhile are
   * never touched. Entry ids come from Redis's clock, not the service's, so
   * the cut is found by the events' own times rather than computed.
   */
  async purgeBefore(cutoff: number): Promise<number> {
    let start = '-';
    let lastOld: string | null = null;
    let firstKept: string | null = null;
    while (!firstKept) {
      const batch = await this.redis.xrange(this.key, start, '+', 'COUNT', PURGE_READ_BATCH);
      for (const [id, fields] of batch) {
        if (eventTime(id, fields) >= cutoff) {
          firstKept = id;
          break;
        }
        lastOld = id;
      }
      if (batch.length < PURGE_READ_BATCH) break;
      start = `(${batch[batch.length - 1]![0]}`;
    }
    if (!lastOld) return 0;
    return this.redis.xtrim(this.key, 'MINID', firstKept ?? nextId(lastOld));
  }

  /** Every event of one call, oldest first. */
  async forCall(callId: string, fromMs = 0): Promise<RecordedCallEvent[]> {
    return (await this.range(fromMs)).filter((e) => e.callId === callId);
  }
}

/** Stream entries read at once while looking for the first one to keep. */
const PURGE_READ_BATCH = 1000;

/** When an entry's event happened: its `at` field, else the time in its id. */
function eventTime(id: string, fields: string[]): number {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'at') {
      const at = Number(fields[i + 1]);
      if (Number.isFinite(at)) return at;
    }
  }
  return Number(id.split('-')[0]);
}

/** The smallest stream id after `id`. */
function nextId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${BigInt(seq ?? '0') + 1n}`;
}

function parseEntry(id: string, fields: string[]): RecordedCallEvent | null {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const event = map.get('event');
  if (!event) return null;
  try {
    return { ...(JSON.parse(event) as CallEvent), callId: map.get('call') ?? '', at: Number(map.get('at')), id };
  } catch {
    return null;
  }
}
