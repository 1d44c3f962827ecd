import { z } from 'zod';
import { AGENT_STATES, type AgentState } from '../../acd/agent.js';

const percent = z.number().nullable();
const ms = z.number().nullable();

export const figuresSchema = z.object({
  offered: z.number().int().describe('Queue entries minus short abandons'),
  answered: z.number().int(),
  abandoned: z.number().int().describe('Hang-ups while waiting or ringing, after the short-abandon threshold'),
  shortAbandoned: z.number().int().describe('Hang-ups before the short-abandon threshold; outside every other figure'),
  leftQueue: z.number().int().describe('Taken out unanswered by the service, e.g. for a callback'),
  answeredWithinThreshold: z.number().int(),
  abandonedAfterThreshold: z.number().int(),
  serviceLevelPercent: percent.describe('answered within threshold / (answered + abandoned after threshold); null when 0/0'),
  target: z.object({
    percent: z.number().nullable().describe("The tier's target share; null for queues"),
    seconds: z.number().int().describe('The threshold'),
  }),
  asaMs: ms.describe('Mean wait of answered calls'),
  ahtMs: ms.describe('Mean talk time (wrap-up excluded)'),
  abandonRatePercent: percent.describe('abandoned / offered'),
  callbacksRequested: z.number().int(),
}).describe('Figures');

const agentsByState = z.object(
  Object.fromEntries(AGENT_STATES.map((s) => [s, z.number().int()])) as Record<AgentState, z.ZodNumber>,
).describe('AgentsByState');

const callbackCounts = z.object({ pending: z.number().int(), overdue: z.number().int() });
const surveyScore = z.object({ responses: z.number().int(), averageScore: z.number().nullable() });

export const realtimeSchema = z.object({
  at: z.string().describe('When the figures were taken (local time with offset)'),
  timeZone: z.string(),
  since: z.string().describe('Local midnight from which "today" counts'),
  policyVersion: z.number().int().describe('Routing version whose thresholds and targets apply'),
  queues: z.array(z.object({
    id: z.string(),
    waiting: z.number().int(),
    longestWaitMs: ms,
    estimatedWaitMs: ms,
    agents: agentsByState,
    callbacks: callbackCounts,
    survey: surveyScore,
    today: figuresSchema,
  })),
  tiers: z.array(z.object({
    id: z.string(),
    waiting: z.number().int(),
    longestWaitMs: ms,
    callbacks: callbackCounts,
    survey: surveyScore,
    today: figuresSchema,
  })),
  agents: agentsByState,
}).describe('RealtimeReport');

const dateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-01-05T09:00:00+08:00' });

export const intervalsQuery = z.object({
  from: dateTime.describe('Start (the quarter-hour containing it is the first bucket)'),
  to: dateTime.describe('End, exclusive'),
  queue: z.string().min(1).max(64).optional(),
  tier: z.string().min(1).max(64).optional(),
  format: z.enum(['json', 'csv']).optional().describe('Or send Accept: text/csv'),
}).strict();

export const intervalsSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  bucketMinutes: z.literal(15),
  policyVersion: z.number().int(),
  buckets: z.array(z.object({
    start: z.string(),
    end: z.string(),
    queues: z.record(z.string(), figuresSchema),
    tiers: z.record(z.string(), figuresSchema),
  })).describe('Every quarter-hour of the range; a queue or tier is listed only where it had calls'),
}).describe('Intervals');
