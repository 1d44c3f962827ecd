import { zoneOffsetMs } from './time-zone.js';
import type { QuietHoursConfig } from './quiet-hours-schema.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * The hours in which customers are not called (no callback, no survey), e.g.
 * 21:00–08:00 local time in Asia/Shanghai, and the deadline arithmetic that
 * goes with them.
 *
 * Deadlines pause during quiet hours: a deadline of D seconds is reached once
 * D seconds *outside* quiet hours have passed since the request
 * (`addActiveTime`). With quiet hours 21:00–08:00, a one-hour deadline asked
 * for at 20:30 falls at 08:30 the next morning (30 min before 21:00, 30 min
 * after 08:00); asked for at 23:00 it falls at 09:00. Local times follow the
 * zone's daylight-saving changes: a boundary on a day whose clocks change is
 * at that wall-clock time in the offset in force then.
 *
 * `null` configuration: no quiet hours (deadlines are plain durations).
 */
export class QuietHours {
  private readonly start: number | null;
  private readonly end: number | null;
  private readonly timeZone: string;

  constructor(config: QuietHoursConfig | null) {
    this.start = config ? minutesOf(config.start) : null;
    this.end = config ? minutesOf(config.end) : null;
    this.timeZone = config?.timeZone ?? 'UTC';
  }

  get enabled(): boolean {
    return this.start !== null;
  }

  isQuiet(at: number): boolean {
    if (this.start === null || this.end === null) return false;
    const m = this.localMinute(at);
    return this.start < this.end ? m >= this.start && m < this.end : m >= this.start || m < this.end;
  }

  /** The first moment at or after `at` outside quiet hours (`at` itself when not quiet). */
  nextAllowed(at: number): number {
    if (!this.isQuiet(at)) return at;
    return this.nextBoundary(at, this.end!);
  }

  /** When the next quiet period starts after `at` (Infinity without quiet hours). */
  nextQuietStart(at: number): number {
    if (this.start === null) return Number.POSITIVE_INFINITY;
    return this.nextBoundary(at, this.start);
  }

  /** The moment `ms` of time outside quiet hours has passed since `from`. */
  addActiveTime(from: number, ms: number): number {
    if (ms < 0) throw new RangeError(`cannot add negative time (${ms} ms)`);
    let at = this.nextAllowed(from);
    let left = ms;
    // Each turn crosses one quiet period; a year of them bounds the loop.
    for (let i = 0; i < 400; i++) {
      const quiet = this.nextQuietStart(at);
      if (at + left <= quiet) return at + left;
      left -= quiet - at;
      at = this.nextAllowed(quiet);
    }
    throw new RangeError(`deadline of ${ms} ms is beyond what quiet hours allow computing`);
  }

  /** The first instant after `at` whose local time is `minute` (minutes after midnight). */
  private nextBoundary(at: number, minute: number): number {
    const dayStart = this.localMidnight(at);
    for (let day = 0; day <= 2; day++) {
      const candidate = this.localInstant(dayStart + day * DAY_MS, minute);
      if (candidate > at) return candidate;
    }
    throw new RangeError(`no local ${minute} min after ${new Date(at).toISOString()} in ${this.timeZone}`);
  }

  private localMinute(at: number): number {
    const local = at + zoneOffsetMs(at, this.timeZone);
    return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  }

  /** Local midnight of the day containing `at`, written as if the wall clock were UTC. */
  private localMidnight(at: number): number {
    const local = at + zoneOffsetMs(at, this.timeZone);
    return local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  }

  /** The instant whose wall-clock time is `minute` on the local day starting at `localDay` (wall clock as UTC). */
  private localInstant(localDay: number, minute: number): number {
    const wall = localDay + minute * MINUTE_MS;
    const guess = wall - zoneOffsetMs(wall, this.timeZone);
    // The offset at the result may differ from the one guessed with (a DST change in between).
    return wall - zoneOffsetMs(guess, this.timeZone);
  }
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}
