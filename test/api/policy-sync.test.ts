import { afterEach, describe, expect, inject, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';
import { RoutingConflictError } from '../../src/routing-sync/routing-conflict-error.js';
import { alice, bob, holdCommitsUntilAll, reaches, startInstance, uniquePrefix, type Instance } from './sync-fixture.js';

const redisUrl = inject('redisUrl');
const open: Instance[] = [];

async function instances(n: number, prefix = uniquePrefix('sync')): Promise<Instance[]> {
  const out: Instance[] = [];
  for (let i = 0; i < n; i++) out.push(await startInstance(redisUrl, prefix));
  open.push(...out);
  return out;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.close()));
});

describe('routing changes reach every instance', () => {
  it('a queue changed on one instance is in force on the other', async () => {
    const [a, b] = await instances(2);
    const result = await a!.sync.commit({ kind: 'queue', id: 'billing', patch: { overflowAfterSec: 50 } }, alice);
    expect(result).toMatchObject({ changed: true, before: { overflowAfterSec: 30 }, after: { overflowAfterSec: 50 } });
    expect(a!.policy.snapshot().queues.billing!.overflowAfterSec).toBe(50);
    const seen = await reaches(b!.policy, 2);
    expect(seen.queues.billing!.overflowAfterSec).toBe(50);
    expect(seen.changedBy).toBe('alice (key a1a1a1a1a1a1)');
  });

  it('an instance started later takes the stored routing rather than its configuration', async () => {
    const prefix = uniquePrefix('sync');
    const [a] = await instances(1, prefix);
    await a!.sync.commit({ kind: 'tier', id: 'gold', patch: { serviceLevelTarget: { percent: 92 } } }, alice);
    const [late] = await instances(1, prefix);
    expect(late!.policy.snapshot()).toMatchObject({ version: 2, tiers: { gold: { serviceLevelTarget: { percent: 92, seconds: 15 } } } });
  });

  it('an instance configured differently under the same version adopts the routing in force, and so do the others', async () => {
    const prefix = uniquePrefix('sync');
    const [first] = await instances(1, prefix);
    const other = await startInstance(redisUrl, prefix, {
      routing: defaultTiersConfig,
      queues: { ...defaultQueuesConfig, billing: { ...defaultQueuesConfig.billing!, maxWaiting: 7 } },
    });
    open.push(other);
    expect(other.policy.snapshot()).toMatchObject({ version: 2, queues: { billing: { maxWaiting: 500 } } });
    expect((await reaches(first!.policy, 2)).queues.billing!.maxWaiting).toBe(500);
  });

  it('rolls every instance back to an earlier version, as a new version', async () => {
    const [a, b] = await instances(2);
    await a!.sync.commit({ kind: 'queue', id: 'orders', patch: { wrapUpSec: 40 } }, alice);
    await reaches(b!.policy, 2);
    const rollback = await b!.sync.commit({ kind: 'rollback', version: 1 }, bob);
    expect(rollback.snapshot).toMatchObject({ version: 3, change: 'rollback to version 1', queues: { orders: { wrapUpSec: 20 } } });
    expect((await reaches(a!.policy, 3)).queues.orders!.wrapUpSec).toBe(20);
    expect((await a!.sync.versions()).map((v) => [v.version, v.change])).toEqual([[3, 'rollback to version 1'], [2, 'queue orders'], [1, 'configuration']]);
  });

  it('audits who changed what, before and after, with the version produced', async () => {
    const [a] = await instances(1);
    const { auditId } = await a!.sync.commit({ kind: 'tier', id: 'silver', patch: { queuePriority: 65 } }, bob);
    const [entry] = await a!.audit.list(10);
    expect(entry).toMatchObject({
      id: auditId, actor: bob, action: 'tier.update', target: 'silver', routingVersion: 2,
      before: { queuePriority: 60 }, after: { queuePriority: 65 },
    });
  });

  it('refuses an invalid change naming the field, and stores, audits and broadcasts nothing', async () => {
    const [a, b] = await instances(2);
    await expect(a!.sync.commit({ kind: 'tier', id: 'standard', patch: { queuePriority: 90 } }, alice)).rejects.toThrow(/queuePriority/);
    await expect(a!.sync.commit({ kind: 'queue', id: 'billing', patch: { ringTimeoutSec: 'soon' } }, alice)).rejects.toBeInstanceOf(ValidationError);
    expect(a!.policy.snapshot().version).toBe(1);
    expect(b!.policy.snapshot().version).toBe(1);
    expect(await a!.audit.list(10)).toEqual([]);
    expect((await a!.sync.versions()).map((v) => v.version)).toEqual([1]);
  });

  it('makes no version for a change that changes nothing', async () => {
    const [a] = await instances(1);
    const result = await a!.sync.commit({ kind: 'queue', id: 'billing', patch: { wrapUpSec: 15 } }, alice);
    expect(result).toMatchObject({ changed: false, auditId: null });
    expect(a!.policy.snapshot().version).toBe(1);
  });

  it('answers a rollback to a version not kept with no-such-routing-version', async () => {
    const [a] = await instances(1);
    await expect(a!.sync.commit({ kind: 'rollback', version: 42 }, alice)).rejects.toMatchObject({ status: 404, code: 'no-such-routing-version' });
  });
});

describe('concurrent changes on two instances', () => {
  it('commits one, refuses the other with a conflict, and never forks the routing', async () => {
    const [a, b] = await instances(2);
    const release = holdCommitsUntilAll([a!.redis, b!.redis]);
    const results = await Promise.allSettled([
      a!.sync.commit({ kind: 'queue', id: 'billing', patch: { maxWaiting: 300 } }, alice),
      b!.sync.commit({ kind: 'queue', id: 'billing', patch: { maxWaiting: 400 } }, bob),
    ]);
    release();
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(RoutingConflictError);
    expect(lost[0]!.reason).toMatchObject({ status: 409, details: { baseVersion: 1, currentVersion: 2 } });
    const [sa, sb] = await Promise.all([reaches(a!.policy, 2), reaches(b!.policy, 2)]);
    expect(sa).toEqual(sb);
    expect(sa.version).toBe(2);
    expect((await a!.sync.versions()).map((v) => v.version)).toEqual([2, 1]);
    expect(await a!.audit.list(10)).toHaveLength(1);
  });

  it('lets the loser make its change again on top of the winner', async () => {
    const [a, b] = await instances(2);
    const changes = [
      { instance: a!, change: { kind: 'queue', id: 'billing', patch: { maxWaiting: 300 } }, actor: alice },
      { instance: b!, change: { kind: 'queue', id: 'orders', patch: { maxWaiting: 400 } }, actor: bob },
    ] as const;
    const release = holdCommitsUntilAll([a!.redis, b!.redis]);
    const results = await Promise.allSettled(changes.map((c) => c.instance.sync.commit(c.change, c.actor)));
    release();
    const loser = changes[results.findIndex((r) => r.status === 'rejected')]!;
    const again = await loser.instance.sync.commit(loser.change, loser.actor);
    expect(again).toMatchObject({ changed: true, snapshot: { version: 3 } });
    const [fa, fb] = await Promise.all([reaches(a!.policy, 3), reaches(b!.policy, 3)]);
    expect(fa).toEqual(fb);
    expect(fa.queues).toMatchObject({ billing: { maxWaiting: 300 }, orders: { maxWaiting: 400 } });
  });
});
