import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `hk_<id>_<secret>`: a 12-hex-digit id that names the key
 * in lists, logs and the audit trail, and a secret of 32 random bytes in
 * base64url (43 characters). Only the id and a hash of the secret are stored.
 *
 * The hash is a plain SHA-256. A slow password hash (scrypt, bcrypt) exists to
 * make guessing low-entropy human passwords expensive; a 256-bit random
 * secret cannot be guessed whatever the hash, and a slow hash would add tens
 * of milliseconds to every API request. SHA-256 is preimage-resistant, so a
 * leaked hash does not give the key back.
 */
const KEY_PATTERN = /^hk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyParts {
  id: string;
  secret: string;
}

export function generateApiKey(): ApiKeyParts & { key: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `hk_${id}_${secret}`, id, secret };
}

/**
 * A key chosen by an operator instead of generated (the demo's IVR_DEMO_KEY):
 * any 12 to 256 printable ASCII characters without spaces that do not start
 * with `hk_`. Its id is derived from its hash, so it needs no structure.
 */
const OPAQUE_PATTERN = /^(?!hk_)[\x21-\x7e]{12,256}$/;

/** The id and secret of a well-formed key (generated or chosen); null for anything else. */
export function parseApiKey(text: string): ApiKeyParts | null {
  const match = KEY_PATTERN.exec(text);
  if (match) return { id: match[1]!, secret: match[2]! };
  if (OPAQUE_PATTERN.test(text)) return { id: hashSecret(`id:${text}`).slice(0, 12), secret: text };
  return null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares in constant time, so response times say nothing about how much of a guess was right. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}

export const API_KEY_FORMAT = 'hk_<12 hex digits>_<43 base64url characters> (or a chosen key of 12 to 256 printable characters)';
