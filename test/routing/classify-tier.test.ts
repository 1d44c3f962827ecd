import { describe, expect, it } from 'vitest';
import { classifyTier, classificationRulesSchema } from '../../src/routing/classify-tier.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';
import { customer } from './customer-fixture.js';

const rules = defaultTiersConfig.classification;

describe('tier classification by monthly spend', () => {
  it.each([
    [0, 'standard'],
    [665.99, 'standard'],
    [666, 'silver'],
    [1499.99, 'silver'],
    [1500, 'gold'],
    [2999.99, 'gold'],
    [3000, 'diamond'],
    [3200, 'diamond'],
  ] as const)('a monthly spend of %s makes a %s customer', (monthlySpend, tier) => {
    expect(classifyTier(customer({ monthlySpend }), rules).tier).toBe(tier);
  });

  it('names the threshold that was met', () => {
    expect(classifyTier(customer({ monthlySpend: 3200 }), rules).reason).toBe('monthly spend 3200 ≥ 3000');
    expect(classifyTier(customer({ monthlySpend: 1499.99 }), rules).reason).toBe('monthly spend 1499.99 ≥ 666');
  });

  it('says no rule matched for a low-spending customer', () => {
    expect(classifyTier(customer({ monthlySpend: 88 }), rules)).toEqual({
      tier: 'standard',
      reason: 'no tier rule matched (monthly spend 88)',
    });
  });
});

describe('tier classification by enterprise class and flags', () => {
  it.each([
    ['A', 'diamond'],
    ['B', 'gold'],
    ['C', 'silver'],
  ] as const)('enterprise class %s makes a %s customer whatever the spend', (enterpriseClass, tier) => {
    expect(classifyTier(customer({ enterpriseClass, monthlySpend: 120 }), rules)).toEqual({
      tier,
      reason: `enterprise class ${enterpriseClass}`,
    });
  });

  it('gives the higher tier when spend and enterprise class disagree', () => {
    expect(classifyTier(customer({ enterpriseClass: 'C', monthlySpend: 1800 }), rules).tier).toBe('gold');
    expect(classifyTier(customer({ enterpriseClass: 'A', monthlySpend: 700 }), rules).tier).toBe('diamond');
  });

  it('makes a VIP a diamond customer by default', () => {
    expect(classifyTier(customer({ vip: true, monthlySpend: 10 }), rules)).toEqual({ tier: 'diamond', reason: 'VIP flag' });
  });

  it('gives a VIP the configured tier when the VIP rule is changed', () => {
    const goldVip = classificationRulesSchema.parse({
      rules: rules.rules.map((r) => (r.when === 'vip' ? { ...r, tier: 'gold' } : r)),
    });
    expect(classifyTier(customer({ vip: true, monthlySpend: 10 }), goldVip).tier).toBe('gold');
  });

  it('caps the tier at a manual downgrade, applied after every rule', () => {
    expect(classifyTier(customer({ monthlySpend: 1800, downgradeTo: 'silver' }), rules)).toEqual({
      tier: 'silver',
      reason: 'monthly spend 1800 ≥ 1500; downgraded to silver (was gold)',
    });
    expect(classifyTier(customer({ vip: true, enterpriseClass: 'A', downgradeTo: 'standard' }), rules).tier).toBe('standard');
  });

  it('leaves a tier already below the downgrade as it is', () => {
    expect(classifyTier(customer({ monthlySpend: 700, downgradeTo: 'gold' }), rules)).toEqual({
      tier: 'silver',
      reason: 'monthly spend 700 ≥ 666',
    });
  });
});

describe('tier classification of callers who are not customers', () => {
  it('serves an unknown caller at standard without an error', () => {
    expect(classifyTier(null, rules)).toEqual({ tier: 'standard', reason: 'unknown caller' });
    expect(classifyTier(null, rules, { callerNumber: '02100000001' })).toEqual({ tier: 'standard', reason: 'unknown caller' });
  });

  it.each(['', 'anonymous', 'Anonymous', 'restricted', null])('serves a withheld number (%j) at standard and says so', (callerNumber) => {
    expect(classifyTier(null, rules, { callerNumber })).toEqual({ tier: 'standard', reason: 'withheld number' });
  });

  it('uses the configured tier for unknown callers', () => {
    const silverUnknown = classificationRulesSchema.parse({ unknownCallerTier: 'silver' });
    expect(classifyTier(null, silverUnknown).tier).toBe('silver');
  });
});

describe('classification rules configuration', () => {
  it('rejects spend thresholds that do not rise with the tier, naming the rule', () => {
    const result = classificationRulesSchema.safeParse({
      rules: [
        { when: 'monthly-spend', atLeast: 1000, tier: 'diamond' },
        { when: 'monthly-spend', atLeast: 1500, tier: 'gold' },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['rules', 0, 'atLeast'], message: "diamond's spend threshold 1000 must be above gold's 1500" }),
    ]);
  });

  it('rejects two rules for the same enterprise class', () => {
    const result = classificationRulesSchema.safeParse({
      rules: [
        { when: 'enterprise-class', class: 'A', tier: 'diamond' },
        { when: 'enterprise-class', class: 'A', tier: 'gold' },
      ],
    });
    expect(result.error?.issues[0]).toMatchObject({ path: ['rules', 1, 'class'] });
  });

  it('rejects a rule of an unknown kind', () => {
    const result = classificationRulesSchema.safeParse({ rules: [{ when: 'age', tier: 'gold' }] });
    expect(result.error?.issues[0]?.path).toEqual(['rules', 0, 'when']);
  });
});
