import { z } from 'zod';
import { intField, slugSchema } from '../routing/config-fields.js';
import { timeZoneSchema } from '../time/time-zone.js';
import { jobWorkerFields, leaseOutlastsLock } from '../outbound/job-worker-settings.js';

/** The survey dials' BullMQ worker on one service instance. */
const surveyWorkersSchema = leaseOutlastsLock(z.object(jobWorkerFields({ maxStalledCount: 3 })).strict());

/**
 * The `care:` section: the satisfaction follow-up after a handled call and
 * complaint tickets. The follow-up's delay per tier is the tier's
 * followUpDelaySec; customers are called with the `callbacks.outbound`
 * settings (dial string, caller id, ring time, quiet hours).
 */
export const careSectionSchema = z.object({
  survey: z.object({
    /** A customer is surveyed at most once in this many days (counted from the survey's due time). */
    periodDays: intField(1, 365).default(30),
    /** Dials of a survey call before giving up (no answer, busy). */
    attempts: intField(1, 5).default(2),
    retryDelaySec: intField(60, 86_400).default(1800),
    /** Language of the survey's prompts. */
    language: z.enum(['zh', 'en']).default('zh'),
    /** Survey calls in progress at once on one instance. */
    concurrency: intField(1, 1000).default(20),
    /** A survey record (it holds the customer's number) is deleted this many months after it was scheduled. */
    retentionMonths: intField(1, 120).default(13),
    workers: surveyWorkersSchema.prefault({}),
  }).strict().prefault({}),
  complaints: z.object({
    /** Calls routed to this queue open a complaint ticket. */
    queue: slugSchema.default('complaints'),
    /** A resolved ticket is deleted this many months after it was resolved; open tickets are kept until resolved. */
    closedRetentionMonths: intField(1, 240).default(36),
  }).strict().prefault({}),
  /** "Today" of the survey figures starts at local midnight here. */
  timeZone: timeZoneSchema.default('Asia/Shanghai'),
}).strict();

export type CareConfig = z.infer<typeof careSectionSchema>;
