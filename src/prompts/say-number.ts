import { digitIds, integerIds } from './integer-words.js';
import { isZero, toDecimal } from './decimal.js';
import type { Lang, Spoken } from './spoken.js';
import { fromWords } from './words.js';

/**
 * A number as a number: 一亿二千万零三百零五 / one hundred twenty million three
 * hundred five; negative with 负 / minus; a fraction digit by digit after 点 /
 * point (3.14 → 三点一四). A decimal string keeps the digits as written
 * ("12.50" → 十二点五零). Numbers read as numbers use 二, never 两
 * (see integer-words.ts).
 */
export function sayNumber(value: number | string, lang: Lang): Spoken {
  const d = toDecimal(value, 'a number');
  const ids: string[] = [];
  if (d.negative && !isZero(d)) ids.push('word/minus');
  ids.push(...integerIds(d.whole, lang));
  if (d.fraction) ids.push('word/point', ...digitIds(d.fraction));
  return fromWords(ids, lang);
}
