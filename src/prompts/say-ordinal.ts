import { ordinalIds } from './integer-words.js';
import { toWhole } from './decimal.js';
import type { Lang, Spoken } from './spoken.js';
import { fromWords } from './words.js';

/** 第N / Nth: 第二 / second, 第二十二 / twenty second, 第一百零一 / one hundred first. */
export function sayOrdinal(value: number, lang: Lang): Spoken {
  const d = toWhole(value, 'an ordinal', 1);
  return fromWords(ordinalIds(d.whole, lang), lang);
}
