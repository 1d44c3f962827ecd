import { countIds, digitIds, integerIds } from './integer-words.js';
import { isZero, MAX_SAYABLE, roundDecimal, toDecimal, unsayable } from './decimal.js';
import type { Lang, Spoken } from './spoken.js';
import { fromWords } from './words.js';

/**
 * An amount of money in yuan, rounded to the fen (2 decimals) half away from
 * zero on the decimal value: 0.005 → 0.01, 1.999 → 2.00, 1.005 → 1.01.
 *
 * Mandarin reads the amount as a decimal number then 元, as bills print it:
 * 123.45 → 一百二十三点四五元, 0.05 → 零点零五元, 10.5 → 十点五元, 10 → 十元.
 * A whole amount of exactly two is a counted quantity: 两元 (2.5 stays 二点五元).
 *
 * English names both units and leaves out a zero part, the way a price is
 * said: 123.45 → "one hundred twenty three yuan forty five fen", 10.5 → "ten
 * yuan fifty fen", 0.05 → "five fen", 10 → "ten yuan", 0 → "zero yuan".
 *
 * A negative amount is a debt: 欠费 / "in arrears," then the amount
 * (-12.5 → 欠费十二点五元 / "in arrears, twelve yuan fifty fen"). An amount that
 * rounds to zero is not a debt.
 */
export function sayAmount(value: number | string, lang: Lang): Spoken {
  const d = roundDecimal(toDecimal(value, 'an amount'), 2);
  if (Number(d.whole) > MAX_SAYABLE) throw unsayable(value, 'an amount', `larger than ${MAX_SAYABLE}`);
  const ids: string[] = d.negative && !isZero(d) ? ['word/arrears'] : [];
  const fen = Number(d.fraction);
  if (lang === 'zh') {
    if (fen === 0) ids.push(...countIds(d.whole, lang));
    else ids.push(...integerIds(d.whole, lang), 'word/point', ...digitIds(d.fraction.replace(/0+$/, '')));
    ids.push('unit/yuan');
  } else {
    if (d.whole !== '0' || fen === 0) ids.push(...integerIds(d.whole, lang), 'unit/yuan');
    if (fen > 0) ids.push(...integerIds(String(fen), lang), 'unit/fen');
  }
  return fromWords(ids, lang);
}
