import { z } from 'zod';
import { intField } from '../routing/config-fields.js';
import { jobWorkerFields, leaseOutlastsLock } from '../outbound/job-worker-settings.js';

/** The campaign dials' BullMQ worker on one service instance. */
const campaignWorkersSchema = leaseOutlastsLock(z.object({
  /** Campaign calls worked at once on this instance (a dial, its message, a hand-off to an agent). */
  concurrency: intField(1, 1000).default(50),
  ...jobWorkerFields({ maxStalledCount: 3 }),
}).strict());

/**
 * The `campaigns:` section: outbound payment reminders and service notices.
 * Customers are called with the `callbacks.outbound` settings (dial string,
 * caller id, ring time, quiet hours).
 *
 *   maxDialsPerCampaign   dials in progress at once for one campaign, at most
 *                         (a campaign may ask for fewer, never more)
 *   maxDialsTotal         dials in progress at once for every campaign together,
 *                         across every instance
 *   periodDays            a number is called by at most one campaign in this
 *                         many days (the campaign that called it may still retry)
 *   retry                 the default retry plan for no answer and busy
 *   tickMs                how often each instance looks for dials to start
 */
export const campaignsSectionSchema = z.object({
  maxDialsPerCampaign: intField(1, 1000).default(2),
  maxDialsTotal: intField(1, 10_000).default(4),
  periodDays: intField(0, 365).default(7),
  retry: z.object({
    /** Dials of one number at most (no answer and busy each use one). */
    attempts: intField(1, 10).default(3),
    delaySec: intField(10, 7 * 86_400).default(1800),
  }).strict().prefault({}),
  /** Language of the messages unless the customer prefers another. */
  language: z.enum(['zh', 'en']).default('zh'),
  /** Targets a campaign may hold (a query or an uploaded list). */
  maxTargets: intField(1, 1_000_000).default(100_000),
  /** Largest request body of a campaign's creation or a do-not-call import (the lists travel in it). */
  uploadLimitBytes: intField(1024, 100 * 1024 * 1024).default(8 * 1024 * 1024),
  tickMs: intField(50, 60_000).default(500),
  workers: campaignWorkersSchema.prefault({}),
}).strict();

export type CampaignsConfig = z.infer<typeof campaignsSectionSchema>;
