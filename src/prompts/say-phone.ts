import { unsayable } from './decimal.js';
import type { Lang, Spoken } from './spoken.js';
import { fromWords } from './words.js';

const PHONE = /^\+?\d{1,32}$/;

/**
 * A phone number (or any reference made of digits) digit by digit. Mandarin
 * reads 1 as 幺 so it is not mistaken for 七 (13800000001 → 幺三八零零零零零零零幺);
 * English reads plain digits ("one three eight zero ..."). Spaces and dashes are
 * ignored; a leading + is said as 加 / plus.
 */
export function sayPhone(number: string, lang: Lang): Spoken {
  if (typeof number !== 'string') throw unsayable(number, 'a phone number', 'not a string of digits');
  const compact = number.replace(/[\s-]/g, '');
  if (!PHONE.test(compact)) {
    throw unsayable(number, 'a phone number', 'only digits, an optional leading +, spaces and dashes are allowed');
  }
  const ids = [...compact].map((c) => {
    if (c === '+') return 'word/plus';
    return lang === 'zh' && c === '1' ? 'num/1-phone' : `num/${c}`;
  });
  return fromWords(ids, lang);
}
