import { z } from 'zod';
import type { TierId } from '../customers/customer.js';
import { classificationRulesSchema } from './classify-tier.js';
import { boolField, intField } from './config-fields.js';
import { mergeDefaults } from './merge-defaults.js';
import { needSchema } from './needs.js';
import { DEFAULT_TIER_POLICIES } from './tier-defaults.js';
import { tierPolicySchema } from './tier-policy.js';
import { TIER_IDS, tierIdSchema } from './tier-rank.js';

function tierWithDefaults(id: TierId) {
  return z.preprocess((value) => mergeDefaults(DEFAULT_TIER_POLICIES[id], value), tierPolicySchema);
}

/** Rule 4: who counts as a big or important customer, served by the highest-level agents. */
export const importantCustomersSchema = z.object({
  tiers: z.array(tierIdSchema).default(['diamond']),
  enterpriseClasses: z.array(z.enum(['A', 'B', 'C'])).default(['A']),
  vip: boolField.default(true),
}).strict();

export type ImportantCustomers = z.infer<typeof importantCustomersSchema>;

/**
 * The `routing:` section (config/tiers.yaml): the tiers, how callers are
 * classified into them, and the priority of transferred calls. Every key may
 * be left out and takes the value of the tier table in tier-defaults.ts; a missing section is all defaults.
 */
export const tiersConfigSchema = z.object({
  tiers: z.preprocess(
    (value) => value ?? {},
    z.object({
      diamond: tierWithDefaults('diamond'),
      gold: tierWithDefaults('gold'),
      silver: tierWithDefaults('silver'),
      standard: tierWithDefaults('standard'),
    }).strict(),
  ),
  classification: classificationRulesSchema.prefault({}),
  /** Rule 3: base priority of a transferred call; must stay above every tier's priority. */
  transferPriority: intField(0, 1_000_000).default(1000),
  importantCustomers: importantCustomersSchema.prefault({}),
  /**
   * Rule 1: access numbers that by themselves identify a need (e.g. a dedicated
   * fault line). A need chosen in a menu takes precedence.
   */
  needsByNumber: z.record(z.string().regex(/^[0-9*#+]+$/, 'must be a dialled number'), needSchema).default({}),
}).strict().superRefine((value, ctx) => {
  // Differentiation by value: a more valuable tier never waits behind a less valuable one.
  for (let i = 1; i < TIER_IDS.length; i++) {
    const higher = TIER_IDS[i - 1]!;
    const lower = TIER_IDS[i]!;
    if (value.tiers[lower].queuePriority > value.tiers[higher].queuePriority) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', lower, 'queuePriority'],
        message: `${lower}'s queue priority ${value.tiers[lower].queuePriority} must not exceed ${higher}'s ${value.tiers[higher].queuePriority}`,
      });
    }
  }
  const top = Math.max(...TIER_IDS.map((id) => value.tiers[id].queuePriority));
  if (value.transferPriority <= top) {
    ctx.addIssue({
      code: 'custom',
      path: ['transferPriority'],
      message: `transfer priority ${value.transferPriority} must be above every tier's queue priority (highest ${top})`,
    });
  }
}).prefault({ tiers: {} });

export type TiersConfig = z.infer<typeof tiersConfigSchema>;

/** The shipped `routing:` section (the README's tier table); config/tiers.yaml states the same values. */
export const defaultTiersConfig: TiersConfig = tiersConfigSchema.parse(undefined);
