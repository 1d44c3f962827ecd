import type { FastifyRequest } from 'fastify';
import { roleAllows, type Role } from '../../auth/roles.js';
import { maskPhone, maskPhonesInText } from '../../log/mask.js';

/**
 * How much of a phone number the API may show the key asking: supervisors
 * and admins work with callers and see numbers whole; a viewer (the
 * wallboard's key, on a screen anyone passing can read) sees them masked
 * (138****0001), and so does an auditor outside recordings: its work is the
 * recorded conversations, not the live floor. A request without a key gets
 * the masked form.
 */
export type NumberExposure = 'full' | 'masked';

export function exposureFor(role: Role | null | undefined): NumberExposure {
  return role && roleAllows(role, 'supervisor') ? 'full' : 'masked';
}

export function exposureOf(req: FastifyRequest): NumberExposure {
  return exposureFor(req.apiKey?.role);
}

/**
 * Recordings tie a caller's number to what they said, so their listings are
 * stricter: numbers whole only for those who may hear the recordings anyway
 * (auditors and admins); a supervisor sees them masked.
 */
export function recordingExposureFor(role: Role | null | undefined): NumberExposure {
  return role && roleAllows(role, 'auditor') ? 'full' : 'masked';
}

export function recordingExposureOf(req: FastifyRequest): NumberExposure {
  return recordingExposureFor(req.apiKey?.role);
}

/**
 * The audit trail is an auditor's work as much as the recordings are (who
 * listened, and why: reasons name complaint tickets and callers), so an
 * auditor reads it whole, as a supervisor does.
 */
export function auditExposureOf(req: FastifyRequest): NumberExposure {
  const role = req.apiKey?.role;
  return role && roleAllows(role, 'auditor') ? 'full' : exposureFor(role);
}

/** A field that holds a phone number and nothing else. */
export function phoneFor(number: string, exposure: NumberExposure): string {
  return exposure === 'full' ? number : maskPhone(number);
}

/** Free text a person typed or the service composed (reasons, notes, dial strings): any number in it. */
export function textFor<T extends string | null>(text: T, exposure: NumberExposure): T {
  return exposure === 'full' || text === null ? text : (maskPhonesInText(text) as T);
}

/** Fields that name one of the service's own records (callback, call, key ids): random, never a person's number. */
const ID_FIELD = /^(?:id|[a-z]+Id)$/;

/**
 * A JSON value whose shape the API does not fix (an audit entry's before and
 * after): every string in it, at any depth, as free text, but for the ids of
 * the service's own records, which must stay usable. Keys are kept; numbers
 * and booleans pass as they are.
 */
export function jsonFor(value: unknown, exposure: NumberExposure): unknown {
  if (exposure === 'full') return value;
  if (typeof value === 'string') return maskPhonesInText(value);
  if (Array.isArray(value)) return value.map((item) => jsonFor(item, exposure));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, ID_FIELD.test(key) && typeof item === 'string' ? item : jsonFor(item, exposure)]));
  }
  return value;
}
