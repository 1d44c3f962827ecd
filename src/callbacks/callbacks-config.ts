import { z } from 'zod';
import { DAY_SEC, HOUR_SEC, intField } from '../routing/config-fields.js';
import { outboundSchema } from '../outbound/outbound-config.js';
import { jobWorkerFields, leaseOutlastsLock } from '../outbound/job-worker-settings.js';

/** The BullMQ workers of one service instance. */
export const workersSchema = leaseOutlastsLock(z.object({
  /** Callback attempts in progress at once on this instance (each holds an agent and, once connected, a conversation). */
  dialConcurrency: intField(1, 10_000).default(100),
  /** Timers (enter the queue, deadline, quiet hours, expiry) handled at once. */
  timerConcurrency: intField(1, 1000).default(20),
  ...jobWorkerFields({ maxStalledCount: 10 }),
}).strict());

/**
 * The `callbacks:` section. Durations in seconds.
 *
 *   retry.attempts        customer dials at most (busy, no answer, failed each use one)
 *   retry.delaysSec       wait before the 2nd, 3rd... dial; the last repeats
 *   dispatchMarginSec     a callback still waiting this long before its deadline
 *                         gets the highest priority in its queue
 *   expireAfterSec        a callback still not completed this long after its
 *                         deadline is given up as expired
 *   maxRescheduleSec      a supervisor may move a callback at most this far
 *                         after it was requested
 *   sweepIntervalSec      how often each instance re-checks every open callback
 *                         against Redis and BullMQ (lost timers, lost hand-offs)
 */
export const callbacksSectionSchema = z.object({
  outbound: outboundSchema.prefault({}),
  retry: z.object({
    attempts: intField(1, 10).default(3),
    delaysSec: z.array(intField(10, DAY_SEC)).min(1).default([120, 300]),
  }).strict().prefault({}),
  dispatchMarginSec: intField(0, DAY_SEC).default(120),
  expireAfterSec: intField(60, 7 * DAY_SEC).default(DAY_SEC),
  maxRescheduleSec: intField(HOUR_SEC, 30 * DAY_SEC).default(7 * DAY_SEC),
  /** How long finished callbacks stay listed. */
  keepClosedSec: intField(HOUR_SEC, 90 * DAY_SEC).default(7 * DAY_SEC),
  sweepIntervalSec: intField(1, 3600).default(60),
  workers: workersSchema.prefault({}),
}).strict();

export type CallbacksConfig = z.infer<typeof callbacksSectionSchema>;
