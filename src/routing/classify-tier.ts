import { z } from 'zod';
import type { DeepReadonly } from '../config/load-config.js';
import type { Customer, TierId } from '../customers/customer.js';
import { numberField } from './config-fields.js';
import { TIER_IDS, tierIdSchema, tierRank } from './tier-rank.js';
import { isWithheldNumber } from '../customers/withheld-number.js';

const enterpriseClassSchema = z.enum(['A', 'B', 'C']);

const spendRuleSchema = z.object({
  when: z.literal('monthly-spend'),
  /** Average monthly spend (yuan) at or above which the rule matches. */
  atLeast: numberField(0, 1_000_000),
  tier: tierIdSchema,
}).strict();

const enterpriseRuleSchema = z.object({
  when: z.literal('enterprise-class'),
  class: enterpriseClassSchema,
  tier: tierIdSchema,
}).strict();

const vipRuleSchema = z.object({
  when: z.literal('vip'),
  tier: tierIdSchema,
}).strict();

export const classificationRuleSchema = z.discriminatedUnion('when', [spendRuleSchema, enterpriseRuleSchema, vipRuleSchema]);
export type ClassificationRule = z.infer<typeof classificationRuleSchema>;

/** The default tier rules: spend ≥ 3000 / 1500 / 666, enterprise class A / B / C, VIP flag → diamond. */
export const DEFAULT_CLASSIFICATION_RULES: readonly ClassificationRule[] = [
  { when: 'monthly-spend', atLeast: 3000, tier: 'diamond' },
  { when: 'enterprise-class', class: 'A', tier: 'diamond' },
  { when: 'vip', tier: 'diamond' },
  { when: 'monthly-spend', atLeast: 1500, tier: 'gold' },
  { when: 'enterprise-class', class: 'B', tier: 'gold' },
  { when: 'monthly-spend', atLeast: 666, tier: 'silver' },
  { when: 'enterprise-class', class: 'C', tier: 'silver' },
];

/**
 * How a caller's value tier is worked out. The rules are alternatives ("spend
 * ≥ 3000 *or* enterprise class A"): the caller gets the highest tier any rule
 * gives, and among rules giving that tier the first listed names the reason.
 * A manual downgrade on the customer record is applied last and caps the tier.
 */
export const classificationRulesSchema = z.object({
  rules: z.array(classificationRuleSchema).default(() => DEFAULT_CLASSIFICATION_RULES.map((r) => ({ ...r }))),
  /** Tier of a known customer whom no rule matches. */
  otherwiseTier: tierIdSchema.default('standard'),
  /** Tier of an unknown or withheld number. */
  unknownCallerTier: tierIdSchema.default('standard'),
}).strict().superRefine((value, ctx) => {
  // Spend thresholds must rise with the tier, or a lower tier's rule would
  // shadow a higher one and the table would read differently from its effect.
  const spend = value.rules
    .map((rule, index) => ({ rule, index }))
    .filter((x): x is { rule: z.infer<typeof spendRuleSchema>; index: number } => x.rule.when === 'monthly-spend');
  const seenTier = new Set<TierId>();
  for (const { rule, index } of spend) {
    if (seenTier.has(rule.tier)) {
      ctx.addIssue({ code: 'custom', path: ['rules', index, 'tier'], message: `more than one monthly-spend rule for ${rule.tier}` });
    }
    seenTier.add(rule.tier);
    for (const other of spend) {
      if (tierRank(other.rule.tier) < tierRank(rule.tier) && other.rule.atLeast >= rule.atLeast) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'atLeast'],
          message: `${rule.tier}'s spend threshold ${rule.atLeast} must be above ${other.rule.tier}'s ${other.rule.atLeast}`,
        });
      }
    }
  }
  const seenClass = new Set<string>();
  value.rules.forEach((rule, index) => {
    if (rule.when !== 'enterprise-class') return;
    if (seenClass.has(rule.class)) {
      ctx.addIssue({ code: 'custom', path: ['rules', index, 'class'], message: `more than one rule for enterprise class ${rule.class}` });
    }
    seenClass.add(rule.class);
  });
  if (value.rules.filter((rule) => rule.when === 'vip').length > 1) {
    ctx.addIssue({ code: 'custom', path: ['rules'], message: 'more than one vip rule' });
  }
});

export type ClassificationRules = z.infer<typeof classificationRulesSchema>;

export interface TierClassification {
  tier: TierId;
  reason: string;
}

export interface ClassifyOptions {
  /** The calling number, so a withheld number is reported as such rather than as an unknown caller. */
  callerNumber?: string | null;
}

/**
 * The caller's value tier and a readable reason for the call record. Never
 * throws for missing data: an unknown or withheld caller is served at the
 * unknown-caller tier (standard by default).
 */
export function classifyTier(
  customer: Customer | null,
  rules: DeepReadonly<ClassificationRules>,
  options: ClassifyOptions = {},
): TierClassification {
  if (customer === null) {
    const withheld = 'callerNumber' in options && isWithheldNumber(options.callerNumber);
    return { tier: rules.unknownCallerTier, reason: withheld ? 'withheld number' : 'unknown caller' };
  }
  let best: TierClassification | null = null;
  for (const rule of rules.rules) {
    const reason = matchReason(rule, customer);
    if (reason !== null && (best === null || tierRank(rule.tier) > tierRank(best.tier))) {
      best = { tier: rule.tier, reason };
    }
  }
  const classified = best ?? { tier: rules.otherwiseTier, reason: `no tier rule matched (monthly spend ${customer.monthlySpend})` };
  const cap = customer.downgradeTo;
  if (cap !== null && TIER_IDS.includes(cap) && tierRank(cap) < tierRank(classified.tier)) {
    return { tier: cap, reason: `${classified.reason}; downgraded to ${cap} (was ${classified.tier})` };
  }
  return classified;
}

function matchReason(rule: DeepReadonly<ClassificationRule>, customer: Customer): string | null {
  switch (rule.when) {
    case 'monthly-spend':
      return customer.monthlySpend >= rule.atLeast ? `monthly spend ${customer.monthlySpend} ≥ ${rule.atLeast}` : null;
    case 'enterprise-class':
      return customer.enterpriseClass === rule.class ? `enterprise class ${rule.class}` : null;
    case 'vip':
      return customer.vip ? 'VIP flag' : null;
  }
}
