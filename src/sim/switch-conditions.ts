import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * How the switch serves ARI REST requests: how slow it is, how many requests
 * it works on at once, and how long it keeps an idle HTTP connection open.
 */
export interface SwitchConditions {
  /** Every ARI REST request waits this long (real milliseconds, not scaled by speed) after its body is read, before it runs. */
  latencyMs: number;
  /** How many ARI REST requests are served at once; the others wait for a free slot. Null: no limit. */
  maxConcurrentRequests: number | null;
  /** http.conf `session_keep_alive`: an HTTP connection idle this long is closed by the switch. */
  sessionKeepAliveMs: number;
}

/** Asterisk's own default for `session_keep_alive`. */
export const DEFAULT_SESSION_KEEP_ALIVE_MS = 15_000;

export const DEFAULT_CONDITIONS: Readonly<SwitchConditions> = Object.freeze({
  latencyMs: 0,
  maxConcurrentRequests: null,
  sessionKeepAliveMs: DEFAULT_SESSION_KEEP_ALIVE_MS,
});

const DAY_MS = 24 * 3600 * 1000;

/** A change of conditions: any subset of the fields. */
export const conditionsPatchSchema = z.object({
  latencyMs: z.number().int().min(0).max(DAY_MS).optional(),
  maxConcurrentRequests: z.number().int().min(1).max(100_000).nullable().optional(),
  sessionKeepAliveMs: z.number().int().min(1).max(DAY_MS).optional(),
}).strict();

export type ConditionsPatch = z.infer<typeof conditionsPatchSchema>;

/** A condition that cannot be applied; the message names the field. */
export class ConditionsError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(400, 'invalid-conditions', message, details);
  }
}

/** Validates a change from outside (options, control endpoint); the error names the bad field. */
export function parseConditionsPatch(input: unknown): ConditionsPatch {
  const result = conditionsPatchSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const unknownKeys = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
  const where = unknownKeys || (issue && issue.path.length ? issue.path.join('.') : 'conditions');
  throw new ConditionsError(`${where}: ${issue?.message ?? 'invalid conditions'}`, { field: where });
}

/**
 * The current conditions, changeable while the switch runs. Whoever waits on
 * them (a request sleeping its latency, waiting for a slot, an idle connection's
 * timer) is told of every change, so a change applies to what is waiting now.
 */
export class ConditionsBoard {
  private current: SwitchConditions;
  private readonly listeners = new Set<() => void>();

  constructor(initial: ConditionsPatch = {}) {
    this.current = { ...DEFAULT_CONDITIONS, ...definedFields(parseConditionsPatch(initial)) };
  }

  get(): SwitchConditions {
    return { ...this.current };
  }

  set(patch: unknown): SwitchConditions {
    this.current = { ...this.current, ...definedFields(parseConditionsPatch(patch)) };
    for (const listener of [...this.listeners]) listener();
    return this.get();
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The fields given a value: `undefined` leaves a condition as it is. */
function definedFields(patch: ConditionsPatch): Partial<SwitchConditions> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<SwitchConditions>;
}
