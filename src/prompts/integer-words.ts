import type { Lang } from './spoken.js';

/**
 * Word ids for whole numbers, the building blocks of every spoken value.
 * Inputs are digit strings without sign or leading zeros, at most 12 digits.
 *
 * Mandarin: groups of four digits under 万 and 亿. Within the number, a run of
 * zeros between spoken digits is read as one 零 — also across a group boundary
 * when a group starts with zeros or is all zeros (一万零五, 一亿零一万, 一亿零一千) —
 * while zeros ending a group are silent (二千万一千, 十万). 十 at the very start is
 * said without 一 (十, 十一万), elsewhere with it (一百一十, 一万零一十).
 *
 * 二 or 两: numbers read as numbers always use 二 (二百, 二千, 一亿二千万). Only the
 * count "exactly two" before a measure word uses 两 (两分钟, 两位, 两元) — see
 * countIds.
 *
 * English: short scale, no "and" (one hundred five, one hundred twenty million
 * three hundred five).
 */
export function integerIds(digits: string, lang: Lang): string[] {
  return lang === 'zh' ? zhInteger(digits) : enInteger(Number(digits));
}

/** A whole count before a measure word: as integerIds, except Mandarin says 两 for exactly two. */
export function countIds(digits: string, lang: Lang): string[] {
  return lang === 'zh' && digits === '2' ? ['num/2-count'] : integerIds(digits, lang);
}

/** Ordinal words: 第三 / third, 第二十二 / twenty second. `digits` is at least 1. */
export function ordinalIds(digits: string, lang: Lang): string[] {
  if (lang === 'zh') return ['word/ordinal', ...zhInteger(digits)];
  const ids = enInteger(Number(digits));
  // English marks only the last word: one hundred twenty third.
  const last = ids.pop()!;
  return [...ids, last.replace(/^num\//, 'ord/')];
}

/** Digit by digit in the plain number words (二零二六, three zero five). */
export function digitIds(digits: string): string[] {
  return [...digits].map((d) => `num/${d}`);
}

const ZH_UNITS = ['', 'num/10', 'num/100', 'num/1000'];
const ZH_GROUPS = ['', 'num/10k', 'num/100m'];

function zhInteger(digits: string): string[] {
  if (/^0*$/.test(digits)) return ['num/0'];
  const out: string[] = [];
  let pendingZero = false;
  const len = digits.length;
  for (let i = 0; i < len; i++) {
    const d = digits[i]!;
    const position = len - 1 - i;
    const unit = position % 4;
    const group = Math.floor(position / 4);
    if (d === '0') {
      if (out.length > 0) pendingZero = true;
    } else {
      if (pendingZero) out.push('num/0');
      pendingZero = false;
      if (!(d === '1' && unit === 1 && out.length === 0)) out.push(`num/${d}`);
      if (unit > 0) out.push(ZH_UNITS[unit]!);
    }
    if (unit === 0 && group > 0 && /[1-9]/.test(digits.slice(Math.max(0, i - 3), i + 1))) {
      out.push(ZH_GROUPS[group]!);
      // Zeros ending a group are not read.
      pendingZero = false;
    }
  }
  return out;
}

const EN_SCALES: [number, string][] = [
  [1_000_000_000, 'num/billion'],
  [1_000_000, 'num/million'],
  [1_000, 'num/1000'],
];

function enInteger(n: number): string[] {
  if (n === 0) return ['num/0'];
  const out: string[] = [];
  let rest = n;
  for (const [scale, id] of EN_SCALES) {
    const chunk = Math.floor(rest / scale);
    if (chunk > 0) out.push(...enBelowThousand(chunk), id);
    rest %= scale;
  }
  if (rest > 0) out.push(...enBelowThousand(rest));
  return out;
}

function enBelowThousand(n: number): string[] {
  const out: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) out.push(`num/${hundreds}`, 'num/100');
  if (rest > 0 && rest < 20) out.push(`num/${rest}`);
  if (rest >= 20) {
    out.push(`num/${rest - (rest % 10)}`);
    if (rest % 10 > 0) out.push(`num/${rest % 10}`);
  }
  return out;
}
