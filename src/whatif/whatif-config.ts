import { z } from 'zod';

const whole = (min: number, max: number) => z.coerce.number({ message: 'must be a number' }).int('must be a whole number')
  .min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/**
 * The `whatif:` section. Runs take their turn one at a time (each a few
 * seconds of CPU per simulated hour), so a burst of requests cannot starve
 * the calls the instance is serving; `maxQueued` bounds how many may wait.
 */
export const whatIfSectionSchema = z.object({
  /** Runs waiting for their turn beyond which a new one is refused (429). */
  maxQueued: whole(1, 1000).default(20),
  /** How long a finished run's result can be fetched. */
  resultsKeptHours: whole(1, 720).default(24),
}).strict();

export type WhatIfConfig = z.infer<typeof whatIfSectionSchema>;
