import { z } from 'zod';

/** Which customer backend the IVR reads, and how it treats a slow or failing one. */
export const customersConfigSchema = z.discriminatedUnion('backend', [
  z.object({ backend: z.literal('redis') }).strict(),
  z.object({
    backend: z.literal('http'),
    /** Base URL of the operator's billing/CRM adapter, e.g. https://crm.internal/ivr/v1 */
    baseUrl: z.string().url(),
    /** Bearer token sent to the CRM, if it needs one. */
    token: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(1500),
    /** Retries of idempotent reads after a timeout or 5xx (a caller is waiting: keep it small). */
    retries: z.number().int().min(0).max(3).default(1),
    circuit: z.object({
      failureThreshold: z.number().int().positive().default(5),
      openMs: z.number().int().positive().default(10_000),
    }).strict().default({ failureThreshold: 5, openMs: 10_000 }),
  }).strict(),
]);

export const customersSectionSchema = z.object({
  source: customersConfigSchema.default({ backend: 'redis' }),
  /** In-process cache of phone → customer for recognition on 10000 (ms). */
  cacheTtlMs: z.number().int().min(0).default(30_000),
  password: z.object({
    maxAttempts: z.number().int().min(1).default(3),
    lockMinutes: z.number().int().min(1).default(15),
  }).strict().default({ maxAttempts: 3, lockMinutes: 15 }),
}).strict();

export type CustomersConfig = z.infer<typeof customersSectionSchema>;
