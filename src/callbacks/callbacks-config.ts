import { z } from 'zod';
import { DAY_SEC, HOUR_SEC, intField } from '../routing/config-fields.js';
import { quietHoursSchema } from '../time/quiet-hours-schema.js';

/** How calls to customers are placed: by callbacks and by the care after the call. */
export const outboundSchema = z.object({
  /** Dial string of a customer's phone; {number} is replaced by the digits, e.g. PJSIP/{number}@trunk. */
  dialTemplate: z.string().regex(/^[^\s,/]+\/[^\s,]*\{number\}[^\s,]*$/, 'must be a dial string with {number}, e.g. PJSIP/{number}@trunk').default('PJSIP/{number}@trunk'),
  /** Caller id the customer sees: the hotline's number. */
  callerId: z.string().regex(/^\+?\d{1,20}$/, 'must be a phone number').default('10000'),
  /** How long a customer's phone rings before the attempt counts as not answered. */
  ringSec: intField(5, 120).default(30),
  quietHours: quietHoursSchema.nullable().prefault({}),
}).strict();

export type OutboundConfig = z.infer<typeof outboundSchema>;

/** The BullMQ workers of one service instance. */
export const workersSchema = z.object({
  /** Callback attempts in progress at once on this instance (each holds an agent and, once connected, a conversation). */
  dialConcurrency: intField(1, 10_000).default(100),
  /** Timers (enter the queue, deadline, quiet hours, expiry) handled at once. */
  timerConcurrency: intField(1, 1000).default(20),
  /**
   * A job's lock, renewed while its worker lives: when a service instance
   * dies, its attempts are taken over by another worker (or itself, restarted)
   * once the lock has lapsed and a stalled-job check has run.
   */
  lockDurationMs: intField(1000, 600_000).default(30_000),
  stalledIntervalMs: intField(500, 600_000).default(15_000),
  /** Times an attempt may be taken over after its worker died before it is given up. */
  maxStalledCount: intField(1, 100).default(10),
}).strict();

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
