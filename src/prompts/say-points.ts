import { countIds } from './integer-words.js';
import { toWhole } from './decimal.js';
import type { Lang, Spoken } from './spoken.js';
import { fromWords } from './words.js';

/**
 * Loyalty points (积分), a whole number and its unit: 一千二百分 / "one thousand
 * two hundred points", 两分 / "two points", "one point". A negative balance of
 * points (after a correction) is said with 负 / minus.
 */
export function sayPoints(value: number, lang: Lang): Spoken {
  const d = toWhole(value, 'points', -Infinity);
  const one = d.whole === '1';
  const ids = [
    ...(d.negative ? ['word/minus'] : []),
    ...countIds(d.whole, lang),
    one ? 'unit/point' : 'unit/points',
  ];
  return fromWords(ids, lang);
}
