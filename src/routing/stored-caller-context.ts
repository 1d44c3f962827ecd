import { z } from 'zod';
import { tierIdSchema } from './tier-rank.js';
import type { CallerContext } from './types.js';

/**
 * The caller's context as it is kept in Redis (a queued call's `ctx`, a
 * callback's `context`) and read back: for the agent's channel variables, a
 * transferred caller's next queue, a callback's place. One schema for every
 * reader, so a context written by an older release or damaged in storage is
 * found out in one place instead of being half-trusted by three parsers.
 * Lists written before they existed read as empty and a missing transfer as
 * none; unknown fields are dropped.
 */
export const callerContextSchema = z.object({
  callId: z.string(),
  callerNumber: z.string(),
  dialled: z.string(),
  customer: z.object({ accountId: z.string(), name: z.string(), phone: z.string() }).nullable(),
  tier: tierIdSchema,
  tierReason: z.string(),
  passwordVerified: z.boolean(),
  asked: z.array(z.string()).default([]),
  menuPath: z.array(z.string()).default([]),
  transfer: z.object({
    from: z.enum(['agent', 'self-service']),
    fromQueue: z.string().nullable().optional(),
    fromAgent: z.string().nullable().optional(),
    note: z.string().nullable().optional(),
    reason: z.string().nullable().optional(),
  }).nullable().default(null),
  campaign: z.object({ id: z.string(), name: z.string(), kind: z.enum(['reminder', 'notice']) }).nullable().optional(),
}) satisfies z.ZodType<CallerContext, unknown>;

/** A stored context read back: the context, or none (with why, when something was stored but unusable). */
export type StoredCallerContext =
  | { kind: 'context'; context: CallerContext }
  | { kind: 'none' }
  | { kind: 'malformed'; problem: string };

/** The stored form of a context; no context is stored as ''. */
export function serializeCallerContext(context: CallerContext | null): string {
  return context ? JSON.stringify(context) : '';
}

/**
 * Reads a stored context. Nothing stored ('', 'null', '{}', absent) is `none`;
 * text that is not JSON or not a context is `malformed` — the caller logs it
 * and goes on as without a context (the call is still served).
 */
export function parseCallerContext(text: string | null | undefined): StoredCallerContext {
  if (text === null || text === undefined || text === '' || text === 'null' || text === '{}') return { kind: 'none' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'malformed', problem: `not JSON: ${(err as Error).message}` };
  }
  const parsed = callerContextSchema.safeParse(value);
  if (!parsed.success) return { kind: 'malformed', problem: z.prettifyError(parsed.error) };
  return { kind: 'context', context: parsed.data };
}

/** The context, or null when there is none or it is malformed (`onMalformed` is told why, to log it). */
export function callerContextOrNull(text: string | null | undefined, onMalformed: (problem: string) => void): CallerContext | null {
  const read = parseCallerContext(text);
  if (read.kind === 'malformed') onMalformed(read.problem);
  return read.kind === 'context' ? read.context : null;
}
