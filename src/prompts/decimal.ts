import { ValidationError } from '../errors.js';

/** A number as decimal digits, so rounding and reading never meet binary floating point. */
export interface Decimal {
  negative: boolean;
  /** Integer part without leading zeros ('0' for none). */
  whole: string;
  /** Fraction digits as written ('' for none). */
  fraction: string;
}

/** The largest magnitude we can say: 9999亿9999万9999 in Mandarin, 999 billion... in English. */
export const MAX_SAYABLE = 999_999_999_999;

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * Reads a number or a decimal string ("-12.50"). A JS number is taken at its
 * shortest decimal form (what String() prints: 1.005 stays 1.005), which is the
 * value the caller's data meant, not the nearest binary fraction.
 */
export function toDecimal(value: number | string, what: string): Decimal {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw unsayable(value, what, 'not a finite number');
    text = plainDecimal(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    throw unsayable(value, what, 'not a number');
  }
  const match = DECIMAL_TEXT.exec(text);
  if (!match) throw unsayable(value, what, 'not a decimal number');
  const whole = match[2]!.replace(/^0+(?=\d)/, '');
  const decimal = { negative: match[1] === '-', whole, fraction: match[3] ?? '' };
  if (Number(whole) > MAX_SAYABLE) throw unsayable(value, what, `larger than ${MAX_SAYABLE}`);
  return decimal;
}

/** Rounds to `places` fraction digits, half away from zero (0.005 → 0.01, 1.999 → 2.00). */
export function roundDecimal(d: Decimal, places: number): Decimal {
  const padded = d.fraction.padEnd(places, '0');
  const kept = padded.slice(0, places);
  const roundUp = (padded[places] ?? '0') >= '5';
  let digits = d.whole + kept;
  if (roundUp) digits = incrementDigits(digits);
  const whole = digits.slice(0, digits.length - places).replace(/^0+(?=\d)/, '') || '0';
  return { negative: d.negative, whole, fraction: digits.slice(digits.length - places) };
}

export function isZero(d: Decimal): boolean {
  return /^0*$/.test(d.whole) && /^0*$/.test(d.fraction);
}

export function unsayable(value: unknown, what: string, why: string): ValidationError {
  return new ValidationError(`cannot say ${describe(value)} as ${what}: ${why}`, { value: describe(value), kind: what });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return String(value);
}

function incrementDigits(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== '9') {
      out[i] = String(Number(out[i]) + 1);
      return out.join('');
    }
    out[i] = '0';
  }
  return `1${out.join('')}`;
}

/** String(n) without exponent notation (1e-7 → 0.0000001). */
function plainDecimal(n: number): string {
  const text = String(n);
  const exp = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exp) return text;
  const [, sign, int, frac = '', power] = exp;
  const digits = int! + frac;
  const point = int!.length + Number(power);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A whole number of at least `min`, as digits (negative numbers keep their sign in `negative`). */
export function toWhole(value: number | string, what: string, min: number): Decimal {
  const d = toDecimal(value, what);
  if (/[1-9]/.test(d.fraction)) throw unsayable(value, what, 'not a whole number');
  const whole = { negative: d.negative && d.whole !== '0', whole: d.whole, fraction: '' };
  const n = Number(whole.whole) * (whole.negative ? -1 : 1);
  if (n < min) throw unsayable(value, what, `must be at least ${min}`);
  return whole;
}
