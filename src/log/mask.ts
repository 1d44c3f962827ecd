/**
 * Masking of personal data in logs and in what the API shows a viewer: phone
 * numbers keep their first 3 and last 4 digits (138****0001), account ids
 * their last 4. Short numbers (extensions, access codes such as 10000) are
 * not personal and stay as they are; words a switch uses for a withheld
 * number ("anonymous") carry no digits and stay too.
 */

/** Fewer digits than this is an extension or an access code, not a person's number. */
const MIN_PHONE_DIGITS = 7;
/** However short the number, at least this many of its digits are hidden. */
const MIN_HIDDEN_DIGITS = 4;
const TAIL_DIGITS = 4;

/**
 * 13800000001 → 138****0001, +8613800000001 → +86*******0001. A number too
 * short to keep 3 + 4 digits and hide 4 gives up digits from its head first,
 * then from its tail (0215551234 → 02****1234, 5551234 → ****234), so no
 * number of seven digits or more is ever shown whole.
 */
export function maskPhone(number: string | null | undefined): string {
  if (!number) return '';
  const plus = number.trimStart().startsWith('+') ? '+' : '';
  const digits = number.replace(/\D/g, '');
  if (digits.length < MIN_PHONE_DIGITS) return number;
  // The '+' counts as one of the three head characters, as a written number reads.
  const maxHead = plus ? 2 : 3;
  const hidden = Math.max(MIN_HIDDEN_DIGITS, digits.length - maxHead - TAIL_DIGITS);
  const shown = digits.length - hidden;
  const tail = Math.min(TAIL_DIGITS, shown);
  const head = shown - tail;
  return `${plus}${digits.slice(0, head)}${'*'.repeat(hidden)}${digits.slice(digits.length - tail)}`;
}

/** A run of digits, optionally after a '+', whose groups may be parted by single spaces or dashes. */
const DIGIT_GROUPS = /\+?\d(?:[ -]?\d)*/g;
/** Written in groups (138 0000 0001), a run counts as a phone number from this many digits: dates stay readable. */
const MIN_GROUPED_PHONE_DIGITS = 11;
const LONG_RUN = new RegExp(`\\+?\\d{${MIN_PHONE_DIGITS},}`, 'g');

/**
 * Free text (a pause reason, a note, a dial string) with every phone number in
 * it masked: any run of seven digits or more, and numbers written in groups
 * of eleven digits or more. Extensions, short ids and dates are left alone.
 */
export function maskPhonesInText(text: string): string {
  return text.replace(DIGIT_GROUPS, (run) => {
    const grouped = /[ -]/.test(run);
    if (grouped && run.replace(/\D/g, '').length >= MIN_GROUPED_PHONE_DIGITS) return maskPhone(run);
    return run.replace(LONG_RUN, (number) => maskPhone(number));
  });
}

export function maskAccount(id: string | null | undefined): string {
  if (!id) return '';
  if (id.length <= 4) return '****';
  return `${'*'.repeat(id.length - 4)}${id.slice(-4)}`;
}
