import { describe, expect, it } from 'vitest';
import type { Customer, TierId } from '../../src/customers/customer.js';
import { NotFoundError } from '../../src/errors.js';
import { decideRoute, type RouteInput } from '../../src/routing/decide-route.js';
import { effectivePriority } from '../../src/routing/effective-priority.js';
import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { RoutingPolicy } from '../../src/routing/routing-policy.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';
import type { Need, TransferContext } from '../../src/routing/types.js';
import { customer } from './customer-fixture.js';

const policy = () => new RoutingPolicy({ routing: defaultTiersConfig, queues: defaultQueuesConfig });

function route(tier: TierId, need: Need | null, more: Partial<RouteInput> = {}) {
  return decideRoute({
    dialled: '10000',
    need,
    tier,
    customer: null,
    policy: policy().snapshot(),
    transfer: null,
    ...more,
  });
}

describe('rule 1: the need picks the skill queue', () => {
  it.each([
    ['billing', 'gold', 80, 3],
    ['broadband', 'silver', 60, 2],
    ['orders', 'standard', 20, 1],
    ['complaints', 'gold', 80, 3],
    ['enterprise', 'silver', 60, 2],
  ] as const)('a %s call of a %s caller waits in the %s queue at priority %i for agents of level %i and up', (need, tier, priority, level) => {
    const decision = route(tier, need);
    expect(decision).toMatchObject({ queue: need, skill: need, priority, minAgentLevel: level, tier, preferHighestLevel: false });
    expect(decision.rules).toContain(1);
  });

  it.each([
    ['standard', 3],
    ['silver', 3],
    ['gold', 4],
    ['diamond', 5],
  ] as const)('a billing call overflows to higher-level general agents after the queue\'s overflow time (%s → level %i)', (tier, overflowLevel) => {
    expect(route(tier, 'billing').overflow).toEqual({ afterMs: 30_000, skill: 'general', minAgentLevel: overflowLevel });
  });

  it('overflows each queue after its own overflow time', () => {
    expect(route('gold', 'broadband').overflow?.afterMs).toBe(45_000);
    expect(route('gold', 'complaints').overflow).toEqual({ afterMs: 60_000, skill: 'general', minAgentLevel: 4 });
    expect(route('standard', 'complaints').overflow?.minAgentLevel).toBe(4);
  });

  it('says why in words a supervisor can read', () => {
    expect(route('gold', 'billing').reason).toBe(
      'need billing → billing; gold priority 80; agent level ≥ 3; after 30 s also general agents level ≥ 4; aging +10/min',
    );
  });

  it('takes the need from a dedicated number when the menu gave none, and the menu choice over the number', () => {
    const p = new RoutingPolicy({ routing: { ...defaultTiersConfig, needsByNumber: { '10010': 'broadband' } }, queues: defaultQueuesConfig });
    const byNumber = decideRoute({ dialled: '10010', need: null, tier: 'silver', customer: null, policy: p.snapshot(), transfer: null });
    expect(byNumber).toMatchObject({ queue: 'broadband', rules: [1, 5] });
    expect(byNumber.reason).toMatch(/^10010 is the broadband line → broadband/);
    const byMenu = decideRoute({ dialled: '10010', need: 'billing', tier: 'silver', customer: null, policy: p.snapshot(), transfer: null });
    expect(byMenu.queue).toBe('billing');
  });
});

describe('rule 2: an unidentified need', () => {
  it('an unidentified need goes to general agents', () => {
    const decision = route('silver', null);
    expect(decision).toMatchObject({ queue: 'general', skill: 'general', priority: 60, minAgentLevel: 2, overflow: null, rules: [2, 5] });
    expect(decision.reason).toMatch(/^need not identified on 10000 → general/);
  });
});

describe('rule 3: transfers', () => {
  const fromAgent: TransferContext = { from: 'agent', fromQueue: 'billing', fromAgent: '1007', note: 'wants to dispute roaming' };

  it('a transferred call gets the highest priority and keeps its context', () => {
    const caller = customer({ monthlySpend: 700 });
    const decision = route('silver', 'complaints', { transfer: fromAgent, customer: caller });
    expect(decision).toMatchObject({ queue: 'complaints', priority: 1000, tier: 'silver', minAgentLevel: 2 });
    expect(decision.rules).toEqual([1, 3, 5]);
    expect(decision.reason).toContain('transferred from agent 1007 (queue billing): transfer priority 1000');
    // Ahead of a diamond call that has waited ten minutes.
    const diamond = route('diamond', 'complaints');
    expect(effectivePriority(decision.priority, decision.agingPerMinute, 0))
      .toBeGreaterThan(effectivePriority(diamond.priority, diamond.agingPerMinute, 10 * 60_000));
  });

  it('a transferred important customer is still served by the highest-level agents', () => {
    const decision = route('diamond', 'billing', { transfer: fromAgent });
    expect(decision).toMatchObject({ priority: 1000, preferHighestLevel: true, minAgentLevel: 4 });
    expect(decision.rules).toEqual([1, 3, 4, 5]);
  });

  it('a call passed to a human from self-service gets the transfer priority too', () => {
    const decision = route('standard', null, { dialled: '10001', transfer: { from: 'self-service' } });
    expect(decision).toMatchObject({ queue: 'general', priority: 1000, rules: [2, 3, 5] });
    expect(decision.reason).toContain('transferred from self-service');
  });
});

describe('rule 4: big and important customers', () => {
  it('a diamond caller is served by the highest-level agents', () => {
    const decision = route('diamond', 'senior', { customer: customer({ monthlySpend: 3200 }) });
    expect(decision).toMatchObject({
      queue: 'senior',
      skill: 'senior',
      priority: 100,
      minAgentLevel: 4,
      preferHighestLevel: true,
      overflow: { afterMs: 15_000, skill: 'general', minAgentLevel: 5 },
    });
    expect(decision.rules).toEqual([1, 4, 5]);
    expect(decision.reason).toContain('important customer (diamond tier): highest-level agent first');
  });

  it.each<[string, Partial<Customer>, string]>([
    ['enterprise class A', { enterpriseClass: 'A' }, 'enterprise class A'],
    ['VIP', { vip: true }, 'VIP flag'],
  ])('a %s customer is served by the highest-level agents whatever the tier', (_what, fields, because) => {
    const decision = route('gold', 'billing', { customer: customer(fields) });
    expect(decision).toMatchObject({ preferHighestLevel: true, minAgentLevel: 3 });
    expect(decision.reason).toContain(`important customer (${because})`);
  });

  it('a manually downgraded VIP is served like the tier they were capped at', () => {
    const decision = route('silver', 'billing', { customer: customer({ vip: true, downgradeTo: 'silver' }) });
    expect(decision.preferHighestLevel).toBe(false);
    expect(decision.rules).not.toContain(4);
  });

  it('an ordinary gold caller goes to the longest-idle qualified agent', () => {
    expect(route('gold', 'billing', { customer: customer({ monthlySpend: 1800 }) }).preferHighestLevel).toBe(false);
  });

  it('follows the configured list of important tiers', () => {
    const routing = { ...defaultTiersConfig, importantCustomers: { tiers: ['diamond', 'gold'] as TierId[], enterpriseClasses: [], vip: false } };
    const p = new RoutingPolicy({ routing, queues: defaultQueuesConfig }).snapshot();
    const input = { dialled: '10000', need: 'billing' as const, customer: customer({ vip: true }), transfer: null, policy: p };
    expect(decideRoute({ ...input, tier: 'gold' }).preferHighestLevel).toBe(true);
    expect(decideRoute({ ...input, tier: 'silver' }).preferHighestLevel).toBe(false);
  });
});

describe('rule 5: aging', () => {
  it('a standard call waiting long enough overtakes a newly arrived gold call when the configured aging says so', () => {
    const standard = route('standard', 'billing');
    const gold = route('gold', 'billing');
    expect(standard).toMatchObject({ priority: 20, agingPerMinute: 10 });
    expect(gold).toMatchObject({ priority: 80, agingPerMinute: 10 });
    expect(standard.rules).toContain(5);
    const newGold = effectivePriority(gold.priority, gold.agingPerMinute, 0);
    // (80 - 20) / 10 per minute = 6 minutes.
    expect(effectivePriority(standard.priority, standard.agingPerMinute, 5 * 60_000 + 59_000)).toBeLessThan(newGold);
    expect(effectivePriority(standard.priority, standard.agingPerMinute, 6 * 60_000 + 1_000)).toBeGreaterThan(newGold);
  });

  it('a standard call never overtakes a newer gold call in a queue whose aging is off', () => {
    const p = policy();
    p.patchQueue('billing', { agingPerMinute: 0 }, 'alice');
    const standard = decideRoute({ dialled: '10000', need: 'billing', tier: 'standard', customer: null, transfer: null, policy: p.snapshot() });
    expect(standard.rules).not.toContain(5);
    expect(effectivePriority(standard.priority, standard.agingPerMinute, 8 * 3_600_000)).toBeLessThan(80);
  });
});

describe('decisions and the snapshot they were made with', () => {
  it('records the snapshot version', () => {
    const p = policy();
    p.patchTier('gold', { queuePriority: 85 }, 'alice');
    const decision = decideRoute({ dialled: '10000', need: 'billing', tier: 'gold', customer: null, transfer: null, policy: p.snapshot() });
    expect(decision).toMatchObject({ priority: 85, policyVersion: 2 });
  });

  it('refuses a tier the snapshot does not know with a typed error', () => {
    expect(() => route('platinum' as TierId, 'billing')).toThrow(NotFoundError);
    expect(() => route('platinum' as TierId, 'billing')).toThrow(expect.objectContaining({ status: 404, code: 'no-such-tier' }));
  });
});
