import { z } from 'zod';

/**
 * The answer of a what-if run, field by field: every JSON answer of the API is
 * built through a schema that lists its fields, so nothing the engine adds
 * later reaches a client unannounced (README, "What-if").
 */
const figures = z.object({
  offered: z.number(),
  answered: z.number(),
  abandoned: z.number(),
  shortAbandoned: z.number().describe('Gave up before the short-abandon threshold: not offered'),
  callbacks: z.number(),
  serviceLevelPercent: z.number().nullable(),
  targetPercent: z.number().nullable().describe("The tier's target share (null for a queue)"),
  targetSeconds: z.number(),
  asaMs: z.number().nullable(),
  longestWaitMs: z.number().nullable(),
  abandonRatePercent: z.number().nullable(),
  occupancyPercent: z.number().nullable(),
});

const difference = z.object(Object.fromEntries(Object.keys(figures.shape).map((k) => [k, z.number().nullable()])) as {
  [K in keyof typeof figures.shape]: z.ZodNullable<z.ZodNumber>;
});

const period = z.object({
  start: z.number(),
  end: z.number(),
  tiers: z.record(z.string(), figures),
  queues: z.record(z.string(), figures),
});

const scenario = z.object({ total: period, intervals: z.array(period) });

const side = z.object({ baseline: figures, change: figures, diff: difference });

const comparedPeriod = z.object({
  start: z.number(),
  end: z.number(),
  tiers: z.record(z.string(), side),
  queues: z.record(z.string(), side),
});

export const whatIfResultSchema = z.object({
  from: z.number(),
  to: z.number(),
  source: z.enum(['replay', 'forecast']),
  calls: z.number(),
  agents: z.object({ baseline: z.number(), change: z.number() }),
  drawn: z.object({ patience: z.number(), talk: z.number() }).nullable().describe('Replay only: callers whose patience or talk time was not observed and was drawn'),
  unfinished: z.object({ baseline: z.number(), change: z.number() }).describe('Calls still in progress two hours after the period (normally 0)'),
  baseline: scenario,
  change: scenario,
  comparison: z.object({ total: comparedPeriod, intervals: z.array(comparedPeriod) }),
  runSeconds: z.number(),
});
