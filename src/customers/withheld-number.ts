import { normalisePhone } from './customer-data.js';

/**
 * Spellings a switch or trunk uses for a calling number the caller chose to
 * hide or the network could not deliver. Asterisk leaves CALLERID(num) empty or
 * sets "anonymous" when the caller asked for privacy (PJSIP, RFC 3323); carriers
 * also send the other words.
 */
const WITHHELD = new Set(['', 'anonymous', 'unknown', 'restricted', 'private', 'unavailable', 'withheld']);

/**
 * True when the calling number identifies nobody, so no customer lookup makes
 * sense: absent, one of the words above, or nothing left once normalised (no
 * digits, or a country code alone).
 */
export function isWithheldNumber(number: string | null | undefined): boolean {
  if (number == null) return true;
  const v = number.trim().toLowerCase();
  return WITHHELD.has(v) || normalisePhone(v) === '';
}

/** True for a calling number written as one of the words above (or empty): a list of numbers holding it names no one. */
export function isWithheldWord(text: string): boolean {
  return WITHHELD.has(text.trim().toLowerCase());
}
