import { digitIds, integerIds, ordinalIds } from './integer-words.js';
import { unsayable } from './decimal.js';
import type { Lang, Spoken } from './spoken.js';
import { fromWords } from './words.js';

/**
 * A calendar date: 'YYYY-MM-DD' (said as written), an ISO date-time with its
 * offset or a Date (said as the date in `timeZone`), or { year, month, day }.
 */
export type DateInput = string | Date | { year: number; month: number; day: number };

export interface DateOptions {
  /** Zone whose calendar gives the date of an instant. Default Asia/Shanghai. */
  timeZone?: string;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Mandarin reads the year digit by digit, then month and day as numbers:
 * 2026-11-22 → 二零二六年十一月二十二日 (二, not 两: these are names, not counts).
 * English: month, ordinal day, then the year in pairs as people say it —
 * "November twenty second twenty twenty six"; 2005 → "two thousand five",
 * 1905 → "nineteen oh five", 1900 → "nineteen hundred".
 */
export function sayDate(value: DateInput, lang: Lang, options: DateOptions = {}): Spoken {
  const { year, month, day } = calendarDate(value, options.timeZone ?? 'Asia/Shanghai');
  const ids =
    lang === 'zh'
      ? [...digitIds(String(year)), 'word/year', `month/${month}`, ...integerIds(String(day), lang), 'word/day']
      : [`month/${month}`, ...ordinalIds(String(day), lang), ...enYear(year)];
  return fromWords(ids, lang);
}

function enYear(year: number): string[] {
  if (year % 1000 === 0 || (year >= 2000 && year <= 2009)) return integerIds(String(year), 'en');
  const high = Math.floor(year / 100);
  const low = year % 100;
  const tail = low === 0 ? ['num/100'] : low < 10 ? ['word/oh', `num/${low}`] : integerIds(String(low), 'en');
  return [...integerIds(String(high), 'en'), ...tail];
}

function calendarDate(value: DateInput, timeZone: string): { year: number; month: number; day: number } {
  let parts: { year: number; month: number; day: number };
  if (typeof value === 'string') {
    const dateOnly = DATE_ONLY.exec(value.trim());
    if (dateOnly) {
      parts = { year: Number(dateOnly[1]), month: Number(dateOnly[2]), day: Number(dateOnly[3]) };
    } else if (DATE_TIME.test(value.trim())) {
      parts = inZone(new Date(value.trim()), timeZone, value);
    } else {
      throw unsayable(value, 'a date', 'expected YYYY-MM-DD or an ISO date-time with an offset');
    }
  } else if (value instanceof Date) {
    parts = inZone(value, timeZone, value);
  } else if (value && typeof value === 'object') {
    parts = { year: value.year, month: value.month, day: value.day };
  } else {
    throw unsayable(value, 'a date', 'not a date');
  }
  const { year, month, day } = parts;
  const shown = typeof value === 'object' && !(value instanceof Date) ? `${year}-${month}-${day}` : value;
  if (![year, month, day].every(Number.isInteger)) throw unsayable(shown, 'a date', 'year, month and day must be whole numbers');
  if (year < 1000 || year > 9999) throw unsayable(shown, 'a date', 'the year must have four digits');
  if (month < 1 || month > 12) throw unsayable(shown, 'a date', 'no such month');
  if (day < 1 || day > daysInMonth(year, month)) throw unsayable(shown, 'a date', 'no such day in that month');
  return parts;
}

function inZone(instant: Date, timeZone: string, shown: unknown): { year: number; month: number; day: number } {
  if (Number.isNaN(instant.getTime())) throw unsayable(shown, 'a date', 'not a valid date');
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
  } catch {
    throw unsayable(shown, 'a date', `unknown time zone ${JSON.stringify(timeZone)}`);
  }
  const get = (type: string) => Number(format.formatToParts(instant).find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
