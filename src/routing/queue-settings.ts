import { z } from 'zod';
import { boolField, intField, numberField, promptIdSchema, slugSchema } from './config-fields.js';

/**
 * One skill queue. A call waits in exactly one queue and is offered to agents
 * with the queue's skill; after `overflowAfterSec` it is also offered to
 * agents with `overflowSkill` (rule 1), at a level chosen by overflowPlan:
 *
 *   overflow level = min(5, max(call's minAgentLevel + 1, overflowMinLevel))
 *
 * so the widening always reaches agents *above* the level the call already
 * required, and never below the queue's floor for foreign-skill work.
 */
export const queueSettingsSchema = z.object({
  id: slugSchema,
  /** Skill an agent needs to take calls of this queue. */
  skill: slugSchema,
  /** Prompt naming the queue to the caller, e.g. queue/billing. */
  namePrompt: promptIdSchema,
  /** Seconds of waiting before general agents are also offered the call; null: never widen. */
  overflowAfterSec: intField(0, 3600).nullable(),
  overflowSkill: slugSchema,
  /** Lowest level of an overflow agent, whatever the call's own minimum. */
  overflowMinLevel: intField(1, 5),
  /** Rule 5: priority points a waiting call gains per minute (see effectivePriority). */
  agingPerMinute: numberField(0, 1000),
  /** After-call work before the agent is offered the next call. */
  wrapUpSec: intField(0, 600),
  /** An agent who does not answer within this is paused and the call goes back to the head of the queue. */
  ringTimeoutSec: intField(5, 120),
  /** Most calls waiting at once; a call arriving beyond it is not queued. */
  maxWaiting: intField(1, 100_000),
  /** Answered within this many seconds counts towards the queue's service level. */
  serviceLevelThresholdSec: intField(1, 3600),
  /** What is announced to waiting callers at their tier's interval. */
  announce: z.object({
    position: boolField,
    estimatedWait: boolField,
  }).strict(),
}).strict();

export type QueueSettings = z.infer<typeof queueSettingsSchema>;
