import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIER_POLICIES } from '../../src/routing/tier-defaults.js';
import { defaultQueuesConfig, queuesConfigSchema } from '../../src/routing/queues-config.js';
import { defaultTiersConfig, tiersConfigSchema } from '../../src/routing/tiers-config.js';
import { NEEDS } from '../../src/routing/needs.js';

function yamlFile(path: string): Record<string, unknown> {
  return parseYaml(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

describe('shipped routing configuration', () => {
  it('config/tiers.yaml holds only the routing section, and states exactly the built-in defaults', () => {
    const doc = yamlFile('config/tiers.yaml');
    expect(Object.keys(doc)).toEqual(['routing']);
    expect(tiersConfigSchema.parse(doc.routing)).toEqual(defaultTiersConfig);
  });

  it('config/queues.yaml holds only the queues section, and states exactly the built-in defaults', () => {
    const doc = yamlFile('config/queues.yaml');
    expect(Object.keys(doc)).toEqual(['queues']);
    expect(queuesConfigSchema.parse(doc.queues)).toEqual(defaultQueuesConfig);
  });

  it.each([
    ['diamond', 100, 95, 10, 4, 30, 15 * 60, 2 * 3600, 4 * 3600],
    ['gold', 80, 90, 15, 3, 60, 3600, 24 * 3600, 24 * 3600],
    ['silver', 60, 85, 20, 2, 90, 4 * 3600, 48 * 3600, 48 * 3600],
    ['standard', 20, 80, 30, 1, 120, 24 * 3600, null, 72 * 3600],
  ] as const)('serves %s as the README tier table says', (id, priority, percent, seconds, level, offer, callback, followUp, complaint) => {
    expect(defaultTiersConfig.tiers[id]).toMatchObject({
      greetingPrompt: `greet/${id}`,
      menuFlow: `10000-${id}`,
      queuePriority: priority,
      serviceLevelTarget: { percent, seconds },
      minAgentLevel: level,
      callbackOfferThresholdSec: offer,
      callbackDeadlineSec: callback,
      followUpDelaySec: followUp,
      complaintDeadlineSec: complaint,
    });
  });

  it('has a queue for every need, the senior queue serving the senior skill', () => {
    for (const need of NEEDS) expect(defaultQueuesConfig[need]?.id).toBe(need);
    expect(defaultQueuesConfig.senior?.skill).toBe('senior');
    expect(defaultQueuesConfig.general?.overflowAfterSec).toBeNull();
  });

  it('puts transfers above every tier', () => {
    expect(defaultTiersConfig.transferPriority).toBe(1000);
  });
});

describe('tiers configuration', () => {
  it('fills keys left out from the tier table, one field at a time', () => {
    const parsed = tiersConfigSchema.parse({ tiers: { gold: { queuePriority: 85, serviceLevelTarget: { percent: 92 } } } });
    expect(parsed.tiers.gold).toEqual({
      ...DEFAULT_TIER_POLICIES.gold,
      queuePriority: 85,
      serviceLevelTarget: { percent: 92, seconds: 15 },
    });
    expect(parsed.tiers.diamond).toEqual(DEFAULT_TIER_POLICIES.diamond);
  });

  it('reads numbers given as strings, as environment overrides are', () => {
    expect(tiersConfigSchema.parse({ tiers: { gold: { queuePriority: '85' } } }).tiers.gold.queuePriority).toBe(85);
  });

  it.each([
    [{ tiers: { gold: { queuePriority: '' } } }, 'tiers.gold.queuePriority', /expected number/],
    [{ tiers: { gold: { minAgentLevel: 6 } } }, 'tiers.gold.minAgentLevel', /must be at most 5/],
    [{ tiers: { gold: { callbackDeadlineSec: 90.5 } } }, 'tiers.gold.callbackDeadlineSec', /must be a whole number/],
    [{ tiers: { gold: { menuFlow: '10000 gold' } } }, 'tiers.gold.menuFlow', /flow id/],
    [{ tiers: { gold: { queuPriority: 85 } } }, 'tiers.gold', /queuPriority/],
    [{ tiers: { platinum: {} } }, 'tiers', /platinum/],
    [{ tiers: { silver: { queuePriority: 90 } } }, 'tiers.silver.queuePriority', /silver's queue priority 90 must not exceed gold's 80/],
    [{ transferPriority: 100 }, 'transferPriority', /must be above every tier's queue priority \(highest 100\)/],
    [{ needsByNumber: { '10010': 'fax' } }, 'needsByNumber.10010', /billing/],
  ])('rejects %j naming %s', (value, key, message) => {
    const result = tiersConfigSchema.safeParse(value);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(key);
    expect(issue.message).toMatch(message);
  });
});

describe('queues configuration', () => {
  it('gives a further queue generic settings derived from its id', () => {
    const parsed = queuesConfigSchema.parse({ 'billing-en': { overflowAfterSec: 40 } });
    expect(parsed['billing-en']).toMatchObject({
      id: 'billing-en',
      skill: 'billing-en',
      namePrompt: 'queue/billing-en',
      overflowAfterSec: 40,
      overflowSkill: 'general',
    });
    expect(Object.keys(parsed)).toEqual([...NEEDS, 'billing-en']);
  });

  it.each([
    [{ billing: { overflowSkill: 'nobody' } }, 'billing.overflowSkill', /no queue has skill "nobody"/],
    [{ general: { overflowAfterSec: 10 } }, 'general.overflowSkill', /own skill widens nothing/],
    [{ billing: { id: 'bills' } }, 'billing.id', /differs from its key/],
    [{ billing: { ringTimeoutSec: 2 } }, 'billing.ringTimeoutSec', /must be at least 5/],
    [{ billing: { agingPerMinute: -1 } }, 'billing.agingPerMinute', /must be at least 0/],
    [{ billing: { announce: { position: 'yes' } } }, 'billing.announce.position', /expected boolean/],
    [{ 'Billing EN': {} }, 'Billing EN.id', /lower-case/],
    [{ senior: null }, 'senior', /expected object/],
  ])('rejects %j naming %s', (value, key, message) => {
    const result = queuesConfigSchema.safeParse(value);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(key);
    expect(issue.message).toMatch(message);
  });

  it('accepts an overflow to the skill of a queue added in the same configuration', () => {
    const parsed = queuesConfigSchema.parse({ billing: { overflowSkill: 'billing-senior' }, 'billing-senior': { overflowAfterSec: null } });
    expect(parsed.billing?.overflowSkill).toBe('billing-senior');
  });
});
