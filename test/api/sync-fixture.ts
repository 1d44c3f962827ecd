import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { AuditLog, type AuditActor } from '../../src/auth/audit-log.js';
import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { RoutingPolicy, type RoutingConfig } from '../../src/routing/routing-policy.js';
import type { RoutingSnapshot } from '../../src/routing/routing-snapshot.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';
import { PolicySync } from '../../src/routing-sync/policy-sync.js';

export const alice: AuditActor = { keyId: 'a1a1a1a1a1a1', name: 'alice', role: 'admin' };
export const bob: AuditActor = { keyId: 'b2b2b2b2b2b2', name: 'bob', role: 'supervisor' };

/** One service instance's routing: its own policy, Redis connections and sync. */
export interface Instance {
  policy: RoutingPolicy;
  sync: PolicySync;
  redis: Redis;
  audit: AuditLog;
  close(): Promise<void>;
}

export function uniquePrefix(area: string): string {
  return `test:${area}:${randomUUID()}`;
}

export async function startInstance(redisUrl: string, keyPrefix: string, config: RoutingConfig = { routing: defaultTiersConfig, queues: defaultQueuesConfig }): Promise<Instance> {
  const redis = new Redis(redisUrl);
  const policy = new RoutingPolicy(config);
  const audit = new AuditLog({ redis, keyPrefix });
  const sync = new PolicySync({ redis, keyPrefix, policy, audit, logger: pino({ level: 'silent' }) });
  await sync.start();
  return {
    policy, sync, redis, audit,
    async close() {
      await sync.stop();
      redis.disconnect();
    },
  };
}

/** Resolves with the policy's snapshot once it reaches `version` (at once if it already has). */
export function reaches(policy: RoutingPolicy, version: number): Promise<RoutingSnapshot> {
  return new Promise((resolve) => {
    if (policy.snapshot().version >= version) return resolve(policy.snapshot());
    const off = policy.onChange(({ after }) => {
      if (after.version >= version) {
        off();
        resolve(after);
      }
    });
  });
}

/**
 * Holds every routing commit script (EVAL) of the given connections until
 * all of them have sent one, so that each commit was computed from the same
 * version: a real race, made certain.
 */
export function holdCommitsUntilAll(connections: Redis[]): () => void {
  let waiting = connections.length;
  let release!: () => void;
  const allThere = new Promise<void>((resolve) => { release = resolve; });
  const restores = connections.map((redis) => {
    const original = redis.eval.bind(redis) as (...args: unknown[]) => Promise<unknown>;
    let held = false;
    (redis as unknown as { eval: (...args: unknown[]) => Promise<unknown> }).eval = async (...args: unknown[]) => {
      if (!held) {
        held = true;
        waiting -= 1;
        if (waiting === 0) release();
        await allThere;
      }
      return original(...args);
    };
    return () => { (redis as unknown as { eval: unknown }).eval = original; };
  });
  return () => { for (const restore of restores) restore(); };
}
