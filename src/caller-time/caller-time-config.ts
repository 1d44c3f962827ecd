import { z } from 'zod';

const budget = z.number().positive();

/**
 * The `callerTime` section: how many seconds each tier's caller may wait, from
 * the answer to an agent's phone ringing (agents free), on the path most
 * callers take. `npm run caller-time` measures it from the prompt audio and the
 * flows, and fails when a tier is over; the diamond budget keeps the tier's
 * "talk to a person within ten seconds of dialling" with room for the ring.
 */
export const callerTimeConfigSchema = z.object({
  budgetsSec: z.object({
    diamond: budget.default(8),
    gold: budget.default(15),
    silver: budget.default(20),
    standard: budget.default(30),
  }).strict().prefault({}),
}).strict();

export type CallerTimeConfig = z.output<typeof callerTimeConfigSchema>;
