import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * Local time in an IANA time zone without a date library: Intl gives the wall
 * clock of an instant, and the difference with UTC is the zone's offset then.
 * Offsets are whole quarter-hours in every zone in use today, so a UTC
 * quarter-hour is also a local one and buckets can be cut on the epoch.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone if Intl knows it; a ConfigError naming it otherwise. */
export function checkTimeZone(timeZone: string): string {
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    throw new ConfigError(`unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as Asia/Shanghai)`, { timeZone });
  }
}

interface WallClock { year: number; month: number; day: number; hour: number; minute: number; second: number }

function wallClock(at: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Local time minus UTC at `at`, in ms (+8 h for Asia/Shanghai). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const wholeSecond = Math.floor(at / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSecond;
}

/** The instant of local midnight starting the day that contains `at`. */
export function startOfLocalDay(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const midnightAsUtc = Date.UTC(w.year, w.month - 1, w.day);
  // The offset at midnight may differ from the offset now (a DST change that day).
  const guess = midnightAsUtc - zoneOffsetMs(at, timeZone);
  return midnightAsUtc - zoneOffsetMs(guess, timeZone);
}

/** YYYY-MM-DD of `at` in the zone. */
export function localDate(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** ISO 8601 with the zone's offset, e.g. 2026-01-05T09:15:00+08:00: what a supervisor reads. */
export function formatLocal(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const offsetMin = Math.round(zoneOffsetMs(at, timeZone) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An IANA time zone in configuration, e.g. Asia/Shanghai. */
export const timeZoneSchema = z.string().refine((tz) => {
  try {
    checkTimeZone(tz);
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Shanghai');
