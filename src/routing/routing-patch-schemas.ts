import { queueSettingsSchema } from './queue-settings.js';
import { tierPolicySchema } from './tier-policy.js';

/*
 * The changes a supervisor may make to a tier or a queue while calls flow. The
 * supervisor API takes them as request bodies and a what-if run takes them as
 * the change it tries, so both accept exactly what config/tiers.yaml and
 * config/queues.yaml accept; RoutingPolicy then checks the patched whole.
 */

export const tierPatchSchema = tierPolicySchema
  .extend({ serviceLevelTarget: tierPolicySchema.shape.serviceLevelTarget.partial().strict() })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change')
  .describe('TierPatch: the fields to change; serviceLevelTarget may give percent or seconds alone');

export const queuePatchSchema = queueSettingsSchema
  .omit({ id: true })
  .extend({ announce: queueSettingsSchema.shape.announce.partial().strict() })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change')
  .describe('QueuePatch: the fields to change; announce may give position or estimatedWait alone');
