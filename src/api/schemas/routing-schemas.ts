import { z } from 'zod';
import type { QueueSettings } from '../../routing/queue-settings.js';
import type { TierPolicy } from '../../routing/tier-policy.js';

/*
 * Request bodies reuse the configuration schemas, so the API accepts exactly
 * what config/tiers.yaml and config/queues.yaml accept; RoutingPolicy then
 * checks the patched whole (e.g. tier priorities in order). Responses are
 * plain schemas of the same types (the configuration schemas read strings as
 * numbers, which a response never needs); the annotations keep them in step.
 */

export { queuePatchSchema, tierPatchSchema } from '../../routing/routing-patch-schemas.js';

export const tierPolicyView: z.ZodType<TierPolicy> = z.object({
  greetingPrompt: z.string(),
  menuFlow: z.string(),
  queuePriority: z.number().int(),
  serviceLevelTarget: z.object({ percent: z.number(), seconds: z.number().int() }),
  minAgentLevel: z.number().int(),
  callbackOfferThresholdSec: z.number().int(),
  callbackDeadlineSec: z.number().int(),
  followUpDelaySec: z.number().int().nullable(),
  complaintDeadlineSec: z.number().int(),
  holdAnnouncementIntervalSec: z.number().int(),
}).describe('TierPolicy');

export const queueSettingsView: z.ZodType<QueueSettings> = z.object({
  id: z.string(),
  skill: z.string(),
  namePrompt: z.string(),
  overflowAfterSec: z.number().int().nullable(),
  overflowSkill: z.string(),
  overflowMinLevel: z.number().int(),
  agingPerMinute: z.number(),
  wrapUpSec: z.number().int(),
  ringTimeoutSec: z.number().int(),
  maxWaiting: z.number().int(),
  serviceLevelThresholdSec: z.number().int(),
  announce: z.object({ position: z.boolean(), estimatedWait: z.boolean() }),
}).describe('QueueSettings');

export const tierView = z.object({ id: z.string() }).and(tierPolicyView);

export function changeResponse<T extends z.ZodType>(item: T) {
  return z.object({
    version: z.number().int().describe('Routing version in force after the request'),
    changed: z.boolean().describe('False when the patch left everything as it was (no new version)'),
    before: item,
    after: item,
  });
}

export const versionsResponse = z.object({
  current: z.number().int(),
  versions: z.array(z.object({
    version: z.number().int(),
    changedBy: z.string(),
    change: z.string(),
    at: z.string().describe('When it was committed (ISO 8601 UTC)'),
  })).describe('Versions kept for rollback, newest first'),
});

export const rollbackBody = z.object({
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
}).strict();
