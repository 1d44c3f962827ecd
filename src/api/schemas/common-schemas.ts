import { z } from 'zod';

export const errorSchema = z.object({
  error: z.string().describe('Fixed kebab-case code, e.g. invalid-request, forbidden, routing-conflict'),
  message: z.string().describe('What is wrong, naming the field at fault'),
  details: z.record(z.string(), z.unknown()).optional(),
}).describe('Error');

/** The error answers every authenticated route may give. */
export const authErrors = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  429: errorSchema,
} as const;

/** An id in the path: queue, tier, agent or key. */
export const idParams = z.object({
  id: z.string().min(1).max(64),
}).strict();

/** Optional `?key=` is refused everywhere but /v1/stream: every other route takes no query unless it says so. */
export const noQuery = z.object({}).strict();

/** A time in responses: ISO 8601 UTC. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Non-negative whole numbers in a query string, e.g. ?limit=50. */
export function queryInt(min: number, max: number) {
  return z.string()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}
