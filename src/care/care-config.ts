import { z } from 'zod';
import { intField, slugSchema } from '../routing/config-fields.js';
import { timeZoneSchema } from '../time/time-zone.js';

/** The survey dials' BullMQ worker on one service instance. */
const surveyWorkersSchema = z.object({
  /**
   * A survey job's lock, renewed while its worker lives: the dial of a
   * worker that died is taken over once the lock has lapsed and a
   * stalled-job check has run.
   */
  lockDurationMs: intField(1000, 600_000).default(30_000),
  stalledIntervalMs: intField(500, 600_000).default(15_000),
  /** Times a survey job may be taken over after its worker died before it is given up. */
  maxStalledCount: intField(1, 100).default(3),
  /**
   * How long a survey dial stays its run's after the run last renewed it. A
   * job lock can lapse under a worker that is only slow; the dial is taken
   * over only once this lease has lapsed too, so it must be well over the
   * lock (at least twice).
   */
  tryLeaseMs: intField(2000, 3_600_000).default(120_000),
}).strict().refine((w) => w.tryLeaseMs >= 2 * w.lockDurationMs, {
  message: 'tryLeaseMs must be at least twice lockDurationMs: a dial must not be taken over from a worker whose job lock merely lapsed',
  path: ['tryLeaseMs'],
});

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
