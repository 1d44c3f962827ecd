import type { z } from 'zod';
import { intField } from '../routing/config-fields.js';

/**
 * The settings every outbound job worker shares (callback dials, survey
 * dials): its BullMQ job lock and stalled-job check, and the lease of the
 * dial it works (see TryLeases).
 */
export function jobWorkerFields(defaults: { maxStalledCount: number }) {
  return {
    /**
     * A job's lock, renewed while its worker lives: the dial of a worker
     * that died is taken over once the lock has lapsed and a stalled-job
     * check has run.
     */
    lockDurationMs: intField(1000, 600_000).default(30_000),
    stalledIntervalMs: intField(500, 600_000).default(15_000),
    /** Times a job may be taken over after its worker died before it is given up. */
    maxStalledCount: intField(1, 100).default(defaults.maxStalledCount),
    /**
     * How long a dial in progress stays its run's after the run last renewed
     * it (every third of it). A job lock can lapse under a worker that is
     * only slow; the dial is taken over only once this lease has lapsed too,
     * so it must be well over the lock (at least twice).
     */
    tryLeaseMs: intField(2000, 3_600_000).default(120_000),
  };
}

/** The lease must outlast the lock it backs: a dial is never taken from a worker whose lock merely lapsed. */
export function leaseOutlastsLock<T extends z.ZodType<{ tryLeaseMs: number; lockDurationMs: number }>>(schema: T) {
  return schema.refine((w) => w.tryLeaseMs >= 2 * w.lockDurationMs, {
    message: 'tryLeaseMs must be at least twice lockDurationMs: a dial must not be taken over from a worker whose job lock merely lapsed',
    path: ['tryLeaseMs'],
  });
}

/**
 * The BullMQ options of one dial's job (a survey call, a campaign try): a job
 * failing on a passing fault (Redis, the switch) is run again a few times,
 * and finished jobs are kept a day (failed ones a week) to look into.
 */
export const DIAL_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
