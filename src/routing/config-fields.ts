import { z } from 'zod';

/**
 * Field schemas shared by the routing sections of the configuration.
 *
 * Values may arrive as strings (environment overrides such as
 * HOTLINE__routing__tiers__gold__queuePriority=85), so numbers and booleans
 * accept their plain string spelling. Unlike z.coerce, an empty string, null or
 * "abc" is rejected rather than silently read as 0.
 */
const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

function fromNumericString(value: unknown): unknown {
  return typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value;
}

export function intField(min: number, max: number) {
  return z.preprocess(fromNumericString, bounded(z.number().int('must be a whole number'), min, max));
}

export function numberField(min: number, max: number) {
  return z.preprocess(fromNumericString, bounded(z.number(), min, max));
}

function bounded(schema: z.ZodNumber, min: number, max: number): z.ZodNumber {
  return schema.min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
}

export const boolField = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean(),
);

/** Prompt ids as listed in the prompt manifest, e.g. greet/diamond, queue/billing. */
export const promptIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*$/, 'must be a prompt id such as greet/gold');

/** Flow ids, e.g. 10000-gold. */
export const flowIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a flow id such as 10000-gold');

/** Queue ids and skills: lower-case words joined by dashes, e.g. billing, vip-billing. */
export const slugSchema = z.string().max(32).regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, starting with a letter');

export const HOUR_SEC = 3600;
export const DAY_SEC = 24 * HOUR_SEC;
