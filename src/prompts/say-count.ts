import { countIds } from './integer-words.js';
import { toWhole } from './decimal.js';
import type { Lang, Spoken } from './spoken.js';
import { fromWords } from './words.js';

/**
 * How many of something, for a sentence that carries its own measure word:
 * 您前面还有 [两] 位客户在等待, 您共有 [三] 笔业务…. Mandarin says 两 for exactly two
 * and 二 inside larger numbers (十二, 二十); English is the plain number.
 */
export function sayCount(value: number, lang: Lang): Spoken {
  const d = toWhole(value, 'a count', 0);
  return fromWords(countIds(d.whole, lang), lang);
}
