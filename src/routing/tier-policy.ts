import { z } from 'zod';
import { DAY_SEC, flowIdSchema, intField, numberField, promptIdSchema } from './config-fields.js';

/**
 * How one value tier is served (README, "Value tiers and routing"): the greeting and menu it hears, how
 * fast it is answered and by whom, and the care after the call. Durations are
 * whole seconds and say so in their names.
 */
export const tierPolicySchema = z.object({
  /** Prompt played first, e.g. greet/diamond. */
  greetingPrompt: promptIdSchema,
  /** Menu flow of 10000 for this tier, e.g. 10000-diamond. */
  menuFlow: flowIdSchema,
  /** Base priority in every queue; a transferred call uses the transfer priority instead. */
  queuePriority: intField(0, 100_000),
  /** Share of calls to be answered within `seconds` (reported against in the stats). */
  serviceLevelTarget: z.object({
    percent: numberField(1, 100),
    seconds: intField(1, 3600),
  }).strict(),
  /** Lowest agent level allowed to take the call (1..5). */
  minAgentLevel: intField(1, 5),
  /** A callback is offered once the estimated wait exceeds this. */
  callbackOfferThresholdSec: intField(0, 3600),
  /** A callback is dialled no later than this after it was requested. */
  callbackDeadlineSec: intField(60, 7 * DAY_SEC),
  /** Delay of the satisfaction follow-up call after a handled call; null: no follow-up. */
  followUpDelaySec: intField(60, 30 * DAY_SEC).nullable(),
  /** A complaint ticket is due this long after it was opened. */
  complaintDeadlineSec: intField(60, 30 * DAY_SEC),
  /** While waiting, position and estimated wait are announced this often. */
  holdAnnouncementIntervalSec: intField(10, 600),
}).strict();

export type TierPolicy = z.infer<typeof tierPolicySchema>;
