import { z } from 'zod';

const dateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-01-05T09:00:00+08:00' });
const tier = z.enum(['diamond', 'gold', 'silver', 'standard']);

/** Who a campaign calls: customers found by a query over the customer data, or an uploaded list. */
export const targetInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('query'),
    balanceBelow: z.number().min(-1e9).max(1e9).optional().describe('Balance strictly below this (yuan); 0 finds the customers in arrears'),
    tiers: z.array(tier).min(1).optional(),
    enterpriseClass: z.array(z.enum(['A', 'B', 'C', 'none'])).min(1).optional().describe('`none`: customers of no enterprise'),
  }).strict(),
  z.object({
    kind: z.literal('csv'),
    csv: z.string().min(1).describe('One number a line: number[,amount[,account]], an optional header line first'),
  }).strict(),
]);

export const newCampaignBody = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(['reminder', 'notice']),
  target: targetInput,
  flow: z.union([z.string().min(1).max(64), z.record(z.string(), z.unknown())]).optional()
    .describe('A shipped flow id (campaign-reminder, campaign-notice: the default by kind) or a dialogue flow of the campaign\'s own'),
  schedule: z.object({ startAt: dateTime.optional(), endAt: dateTime }).strict(),
  limits: z.object({
    concurrent: z.number().int().min(1).max(1000).optional(),
    attempts: z.number().int().min(1).max(10).optional(),
    retryDelaySec: z.number().int().min(10).max(7 * 86_400).optional(),
  }).strict().optional(),
  pacing: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('limits') }).strict(),
    z.object({ mode: z.literal('assisted'), skill: z.string().min(1).max(64).describe('Agents of this skill are reserved and rung before each customer is dialled') }).strict(),
  ]).optional().describe('limits (the default): as many dials as the limits allow; assisted: each dial waits for a free agent of the skill'),
}).strict();

export const progressView = z.object({
  targets: z.number().int(), pending: z.number().int(), dialling: z.number().int(), answered: z.number().int(), listened: z.number().int(),
  pressed: z.object({ '0': z.number().int(), '1': z.number().int(), '2': z.number().int(), '9': z.number().int() }),
  unreached: z.number().int().describe('No answer or busy on every try'), failed: z.number().int(), skipped: z.number().int(), rejected: z.number().int(),
});

export const campaignView = z.object({
  id: z.string(), name: z.string(), kind: z.string(), flow: z.string(), ownFlow: z.boolean(), status: z.string(),
  startAt: z.string(), endAt: z.string(),
  limits: z.object({ concurrent: z.number().int(), attempts: z.number().int(), retryDelaySec: z.number().int() }),
  pacing: z.object({ mode: z.string(), skill: z.string().optional(), queue: z.string().optional() }),
  createdAt: z.string(), createdBy: z.string(), startedAt: z.string().nullable(), endedAt: z.string().nullable(), stopReason: z.string().nullable(),
  progress: progressView,
}).describe('Campaign');

export const rejectionView = z.object({ line: z.number().int(), number: z.string(), reason: z.string() });

export const dncEntryView = z.object({ number: z.string(), addedAt: z.string(), source: z.string() });
