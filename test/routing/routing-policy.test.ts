import { describe, expect, it, vi } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors.js';
import { decideRoute } from '../../src/routing/decide-route.js';
import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { RoutingPolicy, type RoutingChange } from '../../src/routing/routing-policy.js';
import type { RoutingSnapshot } from '../../src/routing/routing-snapshot.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';

const config = { routing: defaultTiersConfig, queues: defaultQueuesConfig };

function goldBillingPriority(policy: RoutingSnapshot): number {
  return decideRoute({ dialled: '10000', need: 'billing', tier: 'gold', customer: null, transfer: null, policy }).priority;
}

/** The error `fn` throws; fails the test when it throws none. */
function caught(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected an error, none was thrown');
}

function firstIssue(error: ValidationError): { field: string; message: string } | undefined {
  return (error.details.issues as { field: string; message: string }[])[0];
}

describe('routing policy snapshots', () => {
  it("changing a tier's policy changes the next decision, not a snapshot already taken", () => {
    const policy = new RoutingPolicy(config);
    const taken = policy.snapshot();
    policy.patchTier('gold', { queuePriority: 90 }, 'alice');
    expect(goldBillingPriority(taken)).toBe(80);
    expect(goldBillingPriority(policy.snapshot())).toBe(90);
  });

  it('hands out deeply frozen snapshots', () => {
    const snapshot = new RoutingPolicy(config).snapshot();
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.tiers.gold.serviceLevelTarget)).toBe(true);
    expect(Object.isFrozen(snapshot.queues.billing)).toBe(true);
    expect(() => {
      (snapshot.tiers.gold as { queuePriority: number }).queuePriority = 1;
    }).toThrow(TypeError);
  });

  it('starts at version 1 from the configuration', () => {
    expect(new RoutingPolicy(config).snapshot()).toMatchObject({ version: 1, changedBy: 'config', transferPriority: 1000 });
  });

  it('refuses an invalid configuration naming the key', () => {
    const routing = { ...defaultTiersConfig, transferPriority: 50 };
    expect(() => new RoutingPolicy({ routing, queues: defaultQueuesConfig })).toThrow(ConfigError);
    expect(() => new RoutingPolicy({ routing, queues: defaultQueuesConfig })).toThrow(/routing\.transferPriority: transfer priority 50/);
  });
});

describe('tuning tiers and queues', () => {
  it('returns the tier before and after, merging nested fields, as a new version', () => {
    const policy = new RoutingPolicy(config);
    const result = policy.patchTier('gold', { serviceLevelTarget: { percent: 92 }, followUpDelaySec: null }, 'alice');
    expect(result.before).toMatchObject({ serviceLevelTarget: { percent: 90, seconds: 15 }, followUpDelaySec: 86_400 });
    expect(result.after).toMatchObject({ serviceLevelTarget: { percent: 92, seconds: 15 }, followUpDelaySec: null });
    expect(result.snapshot).toMatchObject({ version: 2, changedBy: 'alice', change: 'tier gold' });
    expect(policy.snapshot()).toBe(result.snapshot);
  });

  it('returns the queue before and after', () => {
    const policy = new RoutingPolicy(config);
    const result = policy.patchQueue('billing', { overflowAfterSec: 20, announce: { estimatedWait: false } }, 'bob');
    expect(result.before).toMatchObject({ overflowAfterSec: 30, announce: { position: true, estimatedWait: true } });
    expect(result.after).toMatchObject({ overflowAfterSec: 20, announce: { position: true, estimatedWait: false } });
    expect(result.snapshot.change).toBe('queue billing');
  });

  it('makes no new version for a patch that changes nothing', () => {
    const policy = new RoutingPolicy(config);
    const listener = vi.fn();
    policy.onChange(listener);
    const result = policy.patchTier('gold', { queuePriority: 80 }, 'alice');
    expect(result.snapshot.version).toBe(1);
    expect(listener).not.toHaveBeenCalled();
  });

  it.each([
    ['gold', { queuePriority: -5 }, 'tiers.gold.queuePriority', /must be at least 0/],
    ['gold', { queuePriority: 'high' }, 'tiers.gold.queuePriority', /expected number/],
    ['gold', { minAgentLevel: 2.5 }, 'tiers.gold.minAgentLevel', /whole number/],
    ['gold', { serviceLevelTarget: { percent: 120 } }, 'tiers.gold.serviceLevelTarget.percent', /must be at most 100/],
    ['gold', { queuePriority: 120 }, 'tiers.gold.queuePriority', /gold's queue priority 120 must not exceed diamond's 100/],
    ['gold', { colour: 'gold' }, 'tiers.gold', /colour/],
  ])('refuses a bad change to tier %s (%j) with a 400 naming %s', (id, patch, field, message) => {
    const policy = new RoutingPolicy(config);
    const error = caught(() => policy.patchTier(id, patch, 'alice'));
    expect(error).toMatchObject({ status: 400, code: 'invalid-request' });
    expect(firstIssue(error)?.field).toBe(field);
    expect(firstIssue(error)?.message).toMatch(message);
    expect(error.message).toContain(`invalid change to tier ${id}: ${field}: `);
    expect(policy.snapshot().version).toBe(1);
  });

  it.each([
    [{ overflowSkill: 'fax' }, 'queues.billing.overflowSkill', /no queue has skill "fax"/],
    [{ ringTimeoutSec: 500 }, 'queues.billing.ringTimeoutSec', /must be at most 120/],
    [{ id: 'bills' }, 'queues.billing.id', /differs from its key/],
    [{ maxWaiting: null }, 'queues.billing.maxWaiting', /expected number/],
  ])('refuses a bad change to a queue (%j) with a 400 naming %s', (patch, field, message) => {
    const policy = new RoutingPolicy(config);
    const error = caught(() => policy.patchQueue('billing', patch, 'bob'));
    expect(firstIssue(error)?.field).toBe(field);
    expect(firstIssue(error)?.message).toMatch(message);
    expect(policy.snapshot().version).toBe(1);
  });

  it.each([
    [null, /must be an object/],
    [[{ queuePriority: 1 }], /must be an object/],
    [{}, /names no field/],
  ])('refuses a patch that is not a set of fields (%j)', (patch, message) => {
    const policy = new RoutingPolicy(config);
    expect(() => policy.patchTier('gold', patch, 'alice')).toThrow(message);
    expect(() => policy.patchQueue('billing', patch, 'alice')).toThrow(message);
  });

  it('refuses a change that does not say who makes it', () => {
    const policy = new RoutingPolicy(config);
    expect(() => policy.patchTier('gold', { queuePriority: 85 }, ' ')).toThrow(/must name who makes it/);
    expect(policy.snapshot().version).toBe(1);
  });

  it('answers 404 for a tier or queue that does not exist', () => {
    const policy = new RoutingPolicy(config);
    expect(() => policy.patchTier('platinum', { queuePriority: 1 }, 'alice')).toThrow(
      expect.objectContaining({ status: 404, code: 'no-such-tier', details: { id: 'platinum' } }),
    );
    expect(() => policy.patchTier('toString', { queuePriority: 1 }, 'alice')).toThrow(expect.objectContaining({ code: 'no-such-tier' }));
    expect(() => policy.patchQueue('fax', { wrapUpSec: 1 }, 'alice')).toThrow(expect.objectContaining({ status: 404, code: 'no-such-queue' }));
  });

  it('refuses a change the extra validation rejects, and keeps the policy as it was', () => {
    const policy = new RoutingPolicy(config, {
      validate: (candidate) => {
        for (const [id, tier] of Object.entries(candidate.tiers)) {
          if (!tier.greetingPrompt.startsWith('greet/')) throw new ValidationError(`tiers.${id}.greetingPrompt: no such prompt`);
        }
      },
    });
    expect(() => policy.patchTier('gold', { greetingPrompt: 'menu/main' }, 'alice')).toThrow(/no such prompt/);
    expect(policy.snapshot().version).toBe(1);
    expect(policy.snapshot().tiers.gold.greetingPrompt).toBe('greet/gold');
  });
});

describe('rollback', () => {
  it('makes an earlier version current again as a new version', () => {
    const policy = new RoutingPolicy(config);
    policy.patchTier('gold', { queuePriority: 90 }, 'alice');
    policy.patchQueue('billing', { overflowAfterSec: 10 }, 'bob');
    const { before, after } = policy.rollback(1, 'carol');
    expect(before.version).toBe(3);
    expect(after).toMatchObject({ version: 4, changedBy: 'carol', change: 'rollback to version 1' });
    expect(after.tiers.gold.queuePriority).toBe(80);
    expect(after.queues.billing?.overflowAfterSec).toBe(30);
    expect(policy.versions().map((v) => v.version)).toEqual([1, 2, 3, 4]);
    // And back again: nothing is lost by rolling back.
    expect(policy.rollback(3, 'carol').after.queues.billing?.overflowAfterSec).toBe(10);
  });

  it('answers 404 for a version it does not hold, including one beyond the history limit', () => {
    const policy = new RoutingPolicy(config, { historyLimit: 2 });
    policy.patchTier('gold', { queuePriority: 81 }, 'alice');
    policy.patchTier('gold', { queuePriority: 82 }, 'alice');
    expect(policy.versions().map((v) => v.version)).toEqual([2, 3]);
    expect(() => policy.rollback(1)).toThrow(expect.objectContaining({ status: 404, code: 'no-such-routing-version' }));
    expect(() => policy.rollback(99)).toThrow(expect.objectContaining({ code: 'no-such-routing-version' }));
    expect(policy.rollback(2).after.tiers.gold.queuePriority).toBe(81);
  });

  it('makes no new version when rolling back to what is already in force', () => {
    const policy = new RoutingPolicy(config);
    expect(policy.rollback(1).after.version).toBe(1);
  });
});

describe('changes from other instances and listeners', () => {
  it('applies a newer snapshot from another instance and ignores an older or equal one', () => {
    const here = new RoutingPolicy(config);
    const there = new RoutingPolicy(config);
    there.patchTier('silver', { queuePriority: 70 }, 'dave');
    const remote = JSON.parse(JSON.stringify(there.snapshot())) as unknown;
    expect(here.apply(remote)).toBe(true);
    expect(here.snapshot()).toMatchObject({ version: 2, changedBy: 'dave' });
    expect(here.snapshot().tiers.silver.queuePriority).toBe(70);
    expect(here.apply(remote)).toBe(false);
    expect(here.apply(JSON.parse(JSON.stringify(new RoutingPolicy(config).snapshot())))).toBe(false);
    expect(here.snapshot().version).toBe(2);
  });

  it('refuses a snapshot that is incomplete or invalid, naming the field', () => {
    const policy = new RoutingPolicy(config);
    const good = JSON.parse(JSON.stringify(policy.snapshot())) as Record<string, unknown>;
    const { queues: _q, ...incomplete } = good;
    expect(() => policy.apply({ ...incomplete, version: 5 })).toThrow(/queues/);
    const badQueue = { ...good, version: 5, queues: { ...(good.queues as object), billing: { ...(good.queues as Record<string, object>).billing, wrapUpSec: -1 } } };
    expect(() => policy.apply(badQueue)).toThrow(/queues\.billing\.wrapUpSec: must be at least 0/);
    expect(() => policy.apply('v5')).toThrow(ValidationError);
    expect(policy.snapshot().version).toBe(1);
  });

  it('tells listeners who changed what, before and after, until they stop listening', () => {
    const policy = new RoutingPolicy(config);
    const changes: RoutingChange[] = [];
    const stop = policy.onChange((change) => changes.push(change));
    policy.patchQueue('orders', { wrapUpSec: 25 }, 'erin');
    policy.rollback(1, 'frank');
    stop();
    policy.patchQueue('orders', { wrapUpSec: 40 }, 'erin');
    expect(changes.map(({ kind, target, actor, before, after }) => [kind, target, actor, before.version, after.version])).toEqual([
      ['queue', 'orders', 'erin', 1, 2],
      ['rollback', null, 'frank', 2, 3],
    ]);
  });

  it('keeps a change and tells every listener even when one of them throws', () => {
    const policy = new RoutingPolicy(config);
    const second = vi.fn();
    policy.onChange(() => {
      throw new Error('audit store down');
    });
    policy.onChange(second);
    expect(() => policy.patchTier('gold', { queuePriority: 85 }, 'alice')).toThrow('audit store down');
    expect(second).toHaveBeenCalledOnce();
    expect(policy.snapshot().tiers.gold.queuePriority).toBe(85);
  });

  it('hands listener errors to onListenerError when given', () => {
    const seen: unknown[] = [];
    const policy = new RoutingPolicy(config, { onListenerError: (e) => seen.push(e) });
    policy.onChange(() => {
      throw new Error('broadcast failed');
    });
    expect(() => policy.patchTier('gold', { queuePriority: 85 }, 'alice')).not.toThrow();
    expect(seen).toEqual([new Error('broadcast failed')]);
  });
});
