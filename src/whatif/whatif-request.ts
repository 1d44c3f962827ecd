import { z } from 'zod';
import { skillLevelSchema, skillNameSchema, skillsSchema } from '../acd/agent-schema.js';
import { queuePatchSchema, tierPatchSchema } from '../routing/routing-patch-schemas.js';
import { tierIdSchema } from '../routing/tier-rank.js';

/*
 * What a supervisor asks of a what-if run: the calls (a replay of a recorded
 * period or a forecast), the staffing, and the change to try. The same
 * request comes through POST /v1/whatif and `npm run whatif`.
 */

const DAY_MIN = 24 * 60;
const agentIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, 'must be 1-32 letters, digits, _ . -');

/** Minutes from the start of the period; an agent works every shift listed. */
const shiftSchema = z.object({
  fromMin: z.number().min(0).max(DAY_MIN),
  toMin: z.number().min(0).max(DAY_MIN),
}).strict().refine((s) => s.toMin > s.fromMin, { message: 'toMin must be after fromMin', path: ['toMin'] });

export const whatIfAgentSchema = z.object({
  id: agentIdSchema,
  skills: skillsSchema,
  /** Absent: the whole period. */
  shifts: z.array(shiftSchema).max(20).optional(),
}).strict();

/** A routing change exactly as PATCH /v1/tiers/:id and PATCH /v1/queues/:id take it. */
const routingChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tier'), id: tierIdSchema, patch: tierPatchSchema }).strict(),
  z.object({ kind: z.literal('queue'), id: skillNameSchema, patch: queuePatchSchema }).strict(),
]);

const agentChangeSchema = z.discriminatedUnion('kind', [
  /** `count` agents with these skills (ids `id`, or `whatif-1`, `whatif-2`... when absent or more than one). */
  z.object({
    kind: z.literal('add-agents'),
    count: z.number().int().min(1).max(500).default(1),
    id: agentIdSchema.optional(),
    skills: skillsSchema,
    shifts: z.array(shiftSchema).max(20).optional(),
  }).strict(),
  z.object({ kind: z.literal('remove-agent'), id: agentIdSchema }).strict(),
  /** Sets each skill named to its level; null takes the skill away. */
  z.object({ kind: z.literal('agent-skills'), id: agentIdSchema, skills: z.record(skillNameSchema, skillLevelSchema.nullable()) }).strict(),
  z.object({ kind: z.literal('agent-shifts'), id: agentIdSchema, shifts: z.array(shiftSchema).max(20) }).strict(),
]);

export const whatIfChangeSchema = z.union([routingChangeSchema, agentChangeSchema]);

const distributionSchema = z.enum(['exponential', 'lognormal', 'fixed']);

export const forecastSchema = z.object({
  kind: z.literal('forecast'),
  /** When the first quarter-hour starts (ISO 8601). */
  start: z.iso.datetime({ offset: true }),
  /** Calls entering the queues per quarter-hour, by need (a queue id; null: no need identified) and tier. */
  arrivals: z.array(z.object({
    need: skillNameSchema.nullable(),
    tier: tierIdSchema,
    perQuarterHour: z.array(z.number().int().min(0).max(10_000)).min(1).max(96),
  }).strict()).min(1).max(200),
  handleTime: z.object({
    meanSec: z.number().positive().max(7200),
    distribution: distributionSchema.default('exponential'),
    /** Standard deviation over mean, for the log-normal. */
    cv: z.number().positive().max(5).default(1),
  }).strict(),
  /** How long callers wait before giving up; meanSec null: nobody gives up. */
  patience: z.object({
    meanSec: z.number().positive().max(7200).nullable(),
    distribution: distributionSchema.default('exponential'),
    cv: z.number().positive().max(5).default(1),
  }).strict().default({ meanSec: null, distribution: 'exponential', cv: 1 }),
  /** Share of callers still waiting when their tier's callback offer comes who take it. */
  callbackTakeRate: z.number().min(0).max(1).default(0),
}).strict();

const replaySchema = z.object({
  kind: z.literal('replay'),
  /** The last so many minutes before now; or from/to. */
  lastMinutes: z.number().int().min(15).max(DAY_MIN).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
}).strict().refine((r) => (r.lastMinutes !== undefined) !== (r.from !== undefined && r.to !== undefined), {
  message: 'give lastMinutes, or from and to',
  path: ['lastMinutes'],
}).refine((r) => r.from === undefined || r.to === undefined || (Date.parse(r.to) > Date.parse(r.from) && Date.parse(r.to) - Date.parse(r.from) <= DAY_MIN * 60_000), {
  message: 'to must be after from, at most a day later',
  path: ['to'],
});

export const whatIfRequestSchema = z.object({
  source: z.discriminatedUnion('kind', [replaySchema, forecastSchema]),
  /** current: the agents defined now, those logged in working the whole period; listed: these agents. */
  staffing: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('current') }).strict(),
    z.object({ kind: z.literal('listed'), agents: z.array(whatIfAgentSchema).min(1).max(2000) }).strict(),
  ]).default({ kind: 'current' }),
  changes: z.array(whatIfChangeSchema).max(200).default([]),
  /** Same seed, same inputs: the same figures. */
  seed: z.number().int().min(0).max(2 ** 31).default(1),
  /** How long an agent's phone rings before they pick up; default: a replay's median, a forecast's 3 s. */
  agentRingSec: z.number().min(0).max(120).optional(),
  /** An agent who let a call ring out is back after this long. */
  missedReturnSec: z.number().min(0).max(3600).default(60),
}).strict();

export type WhatIfRequest = z.infer<typeof whatIfRequestSchema>;
export type WhatIfRequestInput = z.input<typeof whatIfRequestSchema>;
export type WhatIfChange = z.infer<typeof whatIfChangeSchema>;
export type WhatIfAgent = z.infer<typeof whatIfAgentSchema>;
export type ForecastSource = z.infer<typeof forecastSchema>;
