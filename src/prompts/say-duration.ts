import { countIds } from './integer-words.js';
import { MAX_SAYABLE, unsayable } from './decimal.js';
import type { Lang, Spoken } from './spoken.js';
import { fromWords } from './words.js';

export interface DurationOptions {
  /**
   * 'second' (default) says hours, minutes and seconds; 'minute' rounds to the
   * nearest minute for estimates such as the expected wait, and never says
   * "zero minutes" for a wait that is not zero (20 s → one minute).
   */
  precision?: 'second' | 'minute';
}

/**
 * A length of time given in seconds (rounded to the second), in hours, minutes
 * and seconds, leaving out the parts that are zero: 125 → 两分钟五秒 / "two
 * minutes five seconds", 3600 → 一小时 / "one hour", 3605 → 一小时五秒, 0 → 零秒 /
 * "zero seconds". Each part is a counted quantity, so exactly two is 两 (两小时,
 * 两分钟, 两秒) while 12 and 22 keep 二 (十二分钟, 二十二秒).
 */
export function sayDuration(seconds: number, lang: Lang, options: DurationOptions = {}): Spoken {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw unsayable(seconds, 'a duration', 'not a finite number of seconds');
  if (seconds < 0) throw unsayable(seconds, 'a duration', 'negative');
  let total = Math.round(seconds);
  if (options.precision === 'minute') total = total === 0 ? 0 : Math.max(60, Math.round(total / 60) * 60);
  const hours = Math.floor(total / 3600);
  if (hours > MAX_SAYABLE) throw unsayable(seconds, 'a duration', 'too long');
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;

  const ids: string[] = [];
  const part = (n: number, one: string, many: string) => {
    if (n > 0) ids.push(...countIds(String(n), lang), n === 1 ? one : many);
  };
  part(hours, 'unit/hour', 'unit/hours');
  part(minutes, 'unit/minute', 'unit/minutes');
  part(secs, 'unit/second', 'unit/seconds');
  if (ids.length === 0) ids.push('num/0', options.precision === 'minute' ? 'unit/minutes' : 'unit/seconds');
  return fromWords(ids, lang);
}
