import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallReport } from '../../src/call-tool/place-call.js';
import { PasswordGuard } from '../../src/customers/password-guard.js';
import { RedisCustomerStore } from '../../src/customers/redis-customer-store.js';
import { seedCustomers } from '../../src/customers/seed-customers.js';
import { createRedis, type RedisSettings } from '../../src/infra/redis-connection.js';
import { startSentinelGroup, type PrivateSentinelGroup } from '../../src/infra/private-redis.js';
import { decideRoute } from '../../src/routing/decide-route.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { numberWriter } from './support/number-writer.js';

/**
 * Redis with Sentinel while calls flow: a master, a replica and three
 * sentinels (real redis-server processes), one service instance on the
 * simulated Asterisk finding its Redis through the sentinels. Callers dial
 * 10001 (self-service: the balance, read from Redis) and 10000 (general
 * agents) back to back while the master is failed over, first by
 * `SENTINEL FAILOVER`, then by killing it. Calls placed after each failover
 * are served, every callback booked before is dialled, no agent is left
 * anywhere but available, and the callers affected and the failover times
 * are printed (docs/deployment.md quotes them).
 */
/** General agents (none has billing): they take the live callers. */
const AGENTS = ['1012', '1015', '1016', '1017', '1018'];
/** The one billing agent, logged in after the failovers: the callbacks wait for it in the ACD through both. */
const CALLBACK_AGENT = '1007';
const CALLBACK_NUMBERS = ['13900000101', '13900000102', '13900000103'];

let group: PrivateSentinelGroup | undefined;
let hotline: HotlineFixture | undefined;
let probe: Redis | undefined;
let settings: RedisSettings;

interface Placed { lane: string; startedAt: number; endedAt: number; report: CallReport }

beforeAll(async () => {
  group = await startSentinelGroup({ replicas: 1, sentinels: 3, downAfterMs: 1500 });
  await group.settled();
  settings = {
    url: `redis://127.0.0.1:${group.servers[0]!.port}`,
    sentinels: group.sentinelAddresses.map((a) => ({ host: a.split(':')[0]!, port: Number(a.split(':')[1]) })),
    masterName: group.masterName,
  };
  const prefix = `test:sentinel:${randomUUID().slice(0, 8)}`;
  hotline = await startHotline({
    overrides: {
      redis: { url: settings.url, keyPrefix: prefix, sentinels: group.sentinelAddresses, masterName: group.masterName, failoverWaitMs: 15_000 },
      // Billing callers never overflow to the general agents here: the callbacks wait for the billing agent.
      queues: { general: { wrapUpSec: 0 }, billing: { wrapUpSec: 0, overflowAfterSec: 3600 } },
      callbacks: { outbound: { quietHours: null } },
    },
    readyAgents: AGENTS,
  });
  // Agents answer at once and stay until the caller hangs up; a called-back customer talks briefly.
  for (const id of [...AGENTS, CALLBACK_AGENT]) hotline.sim.setAgent(id, { kind: 'answer', afterMs: 100, hangupAfterMs: 60_000 });
  for (const n of CALLBACK_NUMBERS) hotline.sim.setAgent(n, { kind: 'answer', afterMs: 400, hangupAfterMs: 3000 });
  // The sample customers, in the Sentinel group's master (the fixture seeds the shared test Redis).
  probe = createRedis(settings, 'service');
  probe.on('error', () => {});
  const store = new RedisCustomerStore(probe, prefix);
  await seedCustomers(store, new PasswordGuard({ redis: probe, keyPrefix: prefix, customers: store, maxAttempts: 3, lockMinutes: 15 }), 'config/customers.sample.json');
}, 90_000);

afterAll(async () => {
  // Each step on its own, so a failed one still lets the processes after it stop.
  await hotline?.stop().catch(() => {});
  probe?.disconnect();
  await group?.stop();
}, 60_000);

/** Callers placing calls back to back on each lane until stopped. */
function callersOn(lanes: Record<string, () => Promise<CallReport>>) {
  const placed: Placed[] = [];
  let running = true;
  const loops = Object.entries(lanes).map(async ([lane, place]) => {
    while (running) {
      const startedAt = Date.now();
      const report = await place().catch((err: unknown) => ({ outcome: { kind: 'error', message: String(err) } }) as CallReport);
      placed.push({ lane, startedAt, endedAt: Date.now(), report });
    }
  });
  return { placed, stop: async () => { running = false; await Promise.all(loops); } };
}

function served(p: Placed): boolean {
  const o = p.report.outcome;
  return p.lane.startsWith('self-service') ? o.kind === 'self-service' && 'item' in o && o.item === 'balance' : o.kind === 'agent';
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function bookCallbacks(h: HotlineFixture): Promise<string[]> {
  const ids: string[] = [];
  for (const number of CALLBACK_NUMBERS) {
    const d = decideRoute({ dialled: '10000', need: 'billing', tier: 'standard', customer: null, policy: h.service.policy.snapshot(), transfer: null });
    const booked = await h.service.callbacks.request({
      callId: `sentinel-${number}`, queue: d.queue, skill: d.skill, minAgentLevel: d.minAgentLevel, priority: d.priority,
      preferHighestLevel: d.preferHighestLevel, overflow: d.overflow, tier: 'standard', number, context: null, reason: d.reason, lang: 'zh',
    });
    ids.push(booked.callbackId);
  }
  return ids;
}

describe('Redis with Sentinel', () => {
  it('a failover, asked for and after the master is killed, while calls flow: later calls served, every callback dialled, no agent stuck', async () => {
    const h = hotline!;
    const g = group!;
    const calls = callersOn({
      'agents-1': () => h.call('10000', '13800000004', ['0'], { maxQueueWaitMs: 30_000 }),
      'agents-2': () => h.call('10000', '13800000003', ['0'], { maxQueueWaitMs: 30_000 }),
      'self-service': () => h.call('10001', '13800000004', ['1']),
    });
    const callbackIds: string[] = [];
    const figures: Record<string, unknown>[] = [];
    let writer: ReturnType<typeof numberWriter> | undefined;
    try {
      await until(() => calls.placed.filter(served).length >= 3, 60_000, 'calls served before any failover');
      callbackIds.push(...await bookCallbacks(h));

      for (const how of ['SENTINEL FAILOVER', 'master killed'] as const) {
        const oldPort = await g.masterPort();
        const oldMaster = g.servers.find((s) => s.port === oldPort)!;
        writer = numberWriter(settings, `${h.prefix}:failover-probe:${how === 'master killed' ? 'kill' : 'manual'}`);
        await new Promise((r) => setTimeout(r, 300));
        const at = Date.now();
        if (how === 'SENTINEL FAILOVER') {
          await g.ask((c) => c.call('SENTINEL', 'FAILOVER', g.masterName));
        } else {
          await oldMaster.stop('SIGKILL');
        }
        await until(async () => (await g.masterPort().catch(() => oldPort)) !== oldPort, 60_000, `${how}: a new master`);
        const promotedAfterMs = Date.now() - at;
        // The service is served again once a call placed now is: one of each kind.
        const from = Date.now();
        await until(() => ['agents', 'self-service'].every((lane) => calls.placed.some((p) => p.startedAt >= from && p.lane.startsWith(lane) && served(p))), 90_000, `${how}: calls placed after it served`);
        const writes = await writer.stop();
        writer = undefined;
        const during = calls.placed.filter((p) => p.endedAt >= at && p.startedAt <= from);
        const affected = during.filter((p) => !served(p));
        figures.push({
          how, promotedAfterMs,
          callsInProgressOrPlaced: during.length, callersAffected: affected.length,
          affected: affected.map((p) => `${p.lane}: ${JSON.stringify(p.report.outcome)}`),
          writesAcknowledged: writes.acked, writesLost: writes.lost, writesFailed: writes.failed.length, longestWriteWaitMs: writes.longestWaitMs,
        });
        // A killed master comes back empty and the sentinels make it a replica of the new one, as they do with a demoted one.
        if (how === 'master killed') await oldMaster.restart();
        await g.settled(60_000);
      }
    } finally {
      writer?.close();
      await calls.stop();
    }
    console.log(`Redis failover figures: ${JSON.stringify(figures, null, 2)}`);
    // The service's writes waited for the new master instead of failing (its connections retry for failoverWaitMs).
    expect(figures.map((f) => `${f.how}: ${f.writesFailed} writes failed`)).toEqual(figures.map((f) => `${f.how}: 0 writes failed`));

    // Every callback booked before the failovers waited through them in the billing queue: its agent now takes them one by one.
    expect((await Promise.all(callbackIds.map((id) => h.service.callbacks.get(id)))).map((cb) => cb?.state)).toEqual(callbackIds.map(() => 'waiting'));
    await h.service.acd.agents.login(CALLBACK_AGENT, { ready: true });
    const callbackStates = async () => Promise.all(callbackIds.map(async (id) => {
      const cb = await h.service.callbacks.get(id);
      return cb ? `${cb.state} after ${cb.attempts} tries (${cb.lastResult ?? 'not dialled'})` : 'lost';
    }));
    await until(async () => (await callbackStates()).every((s) => s.startsWith('connected')), 90_000, 'every callback connected')
      .catch(async (err: Error) => { throw new Error(`${err.message}: ${(await callbackStates()).join('; ')}`); });

    // No agent is left reserved, ringing or talking, and no caller left waiting.
    await h.idle();
    const staffed = [...AGENTS, CALLBACK_AGENT];
    await until(async () => (await h.service.acd.agents.list()).filter((a) => staffed.includes(a.id)).every((a) => a.state === 'available'), 30_000, 'every agent available')
      .catch(async (err: Error) => { throw new Error(`${err.message}: ${(await h.service.acd.agents.list()).filter((a) => staffed.includes(a.id)).map((a) => `${a.id} ${a.state}`).join(', ')}`); });
    expect(await h.service.acd.waiting('general')).toEqual([]);
    expect(await h.service.acd.waiting('billing')).toEqual([]);
    // Calls placed after each failover were served (checked above); every call of the run ended.
    expect(calls.placed.filter((p) => p.report.outcome.kind === 'error')).toEqual([]);
  }, 420_000);
});
