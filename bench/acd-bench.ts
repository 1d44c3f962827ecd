/**
 * ACD assignment benchmark: 500 agents, 5,000 waiting calls, one private Redis.
 *
 *   npm run bench:acd
 *
 * Measures, end to end through the real Acd (Lua scripts, call records, the
 * connector) with an in-memory switch whose originate notes the time:
 * 1. agent becomes available (ready) with 5,000 calls waiting → originate request;
 * 2. call enqueued while qualified agents are available (5,000 others waiting) → originate;
 * 3. sustained assignments per second: 500 agents answering, talking 0 s and
 *    taking the next call, until 5,000 waiting calls are served;
 * 4. the same "which call for this agent / which agent for this call" decision
 *    made by a naive full scan of all calls × all agents in memory, for comparison.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Acd } from '../src/acd/acd.js';
import type { AcdQueueSettings } from '../src/acd/acd-context.js';
import type { AgentDefinition } from '../src/acd/agent.js';
import { chooseAgent, qualifyingLevel, type AvailableAgent } from '../src/acd/choose-agent.js';
import { effectivePriorityAt, type WaitingCall } from '../src/acd/choose-call.js';
import { systemClock } from '../src/time/clock.js';
import { CallRecordLog } from '../src/call-records/call-record-log.js';
import { startPrivateRedis } from '../src/infra/private-redis.js';
import type { CallerContext, RouteDecision } from '../src/routing/types.js';
import { FakeCallControl } from '../test/acd/support/fake-call-control.js';

const AGENTS = 500;
const CALLS = 5_000;
const SAMPLES = 2_000;
const SKILLS = ['billing', 'broadband', 'orders', 'complaints', 'enterprise', 'general', 'senior'] as const;
const TIERS = [
  { tier: 'diamond', priority: 100, minLevel: 4 },
  { tier: 'gold', priority: 80, minLevel: 3 },
  { tier: 'silver', priority: 60, minLevel: 2 },
  { tier: 'standard', priority: 20, minLevel: 1 },
] as const;

let seed = 20260105;
function rnd(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function row(name: string, values: number[], unit = 'ms'): string[] {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => `${v.toFixed(3)} ${unit}`;
  return [name, f(percentile(s, 50)), f(percentile(s, 95)), f(percentile(s, 99)), f(s[s.length - 1]!), String(s.length)];
}

function printTable(rows: string[][]): void {
  const head = ['measure', 'p50', 'p95', 'p99', 'max', 'samples'];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

function agentDefinitions(): AgentDefinition[] {
  return Array.from({ length: AGENTS }, (_, i) => {
    const skills: Record<string, number> = { [SKILLS[i % SKILLS.length]!]: 1 + Math.floor(rnd() * 5) };
    const extra = Math.floor(rnd() * 3);
    for (let k = 0; k < extra; k++) skills[pick(SKILLS)] = 1 + Math.floor(rnd() * 5);
    return { id: String(10_000 + i), name: `Agent ${i}`, dial: `Local/${10_000 + i}@agents`, skills };
  });
}

function routeDecision(queue: string, t: (typeof TIERS)[number]): RouteDecision {
  return {
    queue,
    skill: queue,
    priority: t.priority,
    minAgentLevel: t.minLevel,
    preferHighestLevel: t.tier === 'diamond',
    overflow: queue === 'general' ? null : { afterMs: 30 * 60_000, skill: 'general', minAgentLevel: Math.min(5, t.minLevel + 1) },
    tier: t.tier,
    agingPerMinute: 10,
    policyVersion: 1,
    rules: [1],
    reason: `bench ${queue}`,
  };
}

function callerContext(callId: string, tier: RouteDecision['tier']): CallerContext {
  return { callId, callerNumber: '13800000004', dialled: '10000', customer: null, tier, tierReason: 'bench', passwordVerified: false, asked: [], menuPath: [], transfer: null };
}

async function main(): Promise<void> {
  const started = performance.now();
  const server = await startPrivateRedis();
  const redis = new Redis(server.url);
  const queues: Record<string, AcdQueueSettings> = Object.fromEntries(
    [...SKILLS, 'express'].map((id) => [id, { id, agingPerMinute: 10, wrapUpSec: 0, ringTimeoutSec: 15, maxWaiting: 100_000 }]),
  );
  const sw = new FakeCallControl();
  const originatedAt = new Map<string, number>();
  sw.onOriginate = (options) => originatedAt.set(options.variables?.HOTLINE_CALL_ID ?? '', performance.now());
  const acd = new Acd({
    redis,
    keyPrefix: 'bench',
    callControl: sw,
    queues: () => queues,
    recorder: new CallRecordLog({ redis, keyPrefix: 'bench' }),
    logger: pino({ level: 'silent' }),
    instanceId: 'bench-1',
    clock: systemClock,
  });
  await acd.start();

  try {
    // Population: 500 agents (logged out) and 5,000 waiting calls over the skill queues.
    const defs = agentDefinitions();
    await Promise.all(defs.map((d) => acd.agents.add(d)));
    const model: (WaitingCall & { queue: string })[] = [];
    for (let batch = 0; batch < CALLS; batch += 250) {
      await Promise.all(Array.from({ length: Math.min(250, CALLS - batch) }, async (_, k) => {
        const i = batch + k;
        const queue = SKILLS[i % SKILLS.length]!;
        const t = i % 5 === 0 ? TIERS[3] : pick(TIERS);
        const d = routeDecision(queue, t);
        const id = `w-${i}`;
        await acd.enqueue(sw.caller(id), d, callerContext(id, t.tier));
        model.push({ id, queue, skill: queue, minLevel: t.minLevel, preferHighestLevel: d.preferHighestLevel, overflow: d.overflow, overflowed: false, priority: t.priority, agingPerMinute: 10, enqueuedAt: Date.now() });
      }));
    }

    // 1. Agent becomes available with calls waiting → originate.
    //    The agent is rung but does not answer: paused "no answer", the call back at its place.
    const available: number[] = [];
    for (const d of defs) await acd.agents.login(d.id, { ready: false });
    for (let i = 0; i < SAMPLES; i++) {
      const agent = defs[i % AGENTS]!;
      const before = sw.rings.length;
      const t0 = performance.now();
      await acd.agents.ready(agent.id);
      const ring = sw.rings[before];
      if (!ring) continue; // nothing this agent may take
      available.push(originatedAt.get(ring.callId)! - t0);
      ring.noAnswer();
      await waitFor(async () => (await acd.agents.get(agent.id)).state === 'paused');
    }

    // 2. Call enqueued with agents available → originate (5,000 other calls still waiting).
    //    250 agents switch to an express skill; each express call is answered and ended at once.
    const express = defs.slice(0, AGENTS / 2);
    for (const d of express) {
      await acd.agents.update(d.id, { skills: { express: 3 } });
      sw.setAgent(d.dial, { kind: 'answer', hangupAfterAnswer: true });
      await acd.agents.ready(d.id);
    }
    const enqueued: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const id = `e-${i}`;
      const t0 = performance.now();
      const r = await acd.enqueue(sw.caller(id), routeDecision('express', TIERS[2]), callerContext(id, 'silver'));
      if (r.kind !== 'queued' || r.position !== 0) throw new Error(`express call ${id} found no free agent`);
      enqueued.push(originatedAt.get(id)! - t0);
      await r.settled;
      await waitFor(() => sw.calls.get(id)!.gone);
    }
    await waitFor(async () => (await acd.agents.list()).filter((a) => a.state === 'available').length === express.length);

    // 3. Sustained: every agent answers, talks 0 s, takes the next call, until the waiting calls are served.
    for (const d of express) await acd.agents.logout(d.id);
    for (const d of defs) {
      sw.setAgent(d.dial, { kind: 'answer', hangupAfterAnswer: true });
      await acd.agents.update(d.id, { skills: { ...Object.fromEntries(SKILLS.map((s) => [s, 5])) } });
    }
    const waitingBefore = (await acd.waiting()).length;
    const ringsBefore = sw.rings.length;
    const t0 = performance.now();
    await Promise.all(defs.map(async (d) => {
      const a = await acd.agents.get(d.id);
      if (a.state === 'offline') await acd.agents.login(d.id);
      else await acd.agents.ready(d.id);
    }));
    await waitFor(async () => (await acd.waiting()).length === 0, 120_000);
    await waitFor(async () => (await acd.agents.list()).every((a) => a.state === 'available'), 120_000);
    const sustainedSec = (performance.now() - t0) / 1000;
    const served = waitingBefore;

    // 4. Naive full scan: every waiting call against every agent, in memory.
    const agentsModel: AvailableAgent[] = defs.map((d, i) => ({ id: d.id, skills: d.skills, idleSince: i, callsToday: 0 }));
    const naiveAgentFree: number[] = [];
    const naiveCallArrives: number[] = [];
    for (let i = 0; i < 200; i++) {
      const now = Date.now();
      const t1 = performance.now();
      naiveScan(model, agentsModel, now);
      naiveAgentFree.push(performance.now() - t1);
      const call = model[i]!;
      const t2 = performance.now();
      naiveScan([call], agentsModel, now);
      chooseAgent(call, agentsModel, 'longest-idle');
      naiveCallArrives.push(performance.now() - t2);
    }

    console.log(`ACD assignment, ${AGENTS} agents, ${CALLS} waiting calls, Redis ${server.url} (private), Node ${process.version}\n`);
    printTable([
      row('agent available → originate (Redis, indexed)', available),
      row('call enqueued → originate (Redis, indexed)', enqueued),
      row('naive scan: all calls × all agents (memory)', naiveAgentFree),
      row('naive: arriving call × all agents (memory)', naiveCallArrives),
    ]);
    console.log(`\nsustained: ${served} waiting calls served by ${AGENTS} agents in ${sustainedSec.toFixed(2)} s = ${Math.round(served / sustainedSec)} assignments/s` +
      ` (each: reserve, ring, answer, bridge, hang-up, wrap-up, next reservation; ${sw.rings.length - ringsBefore} originates)`);
    console.log(`total run time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await acd.stop();
    redis.disconnect();
    await server.stop();
  }
}

/**
 * What a scanning queue does at each event: look at every waiting call, and
 * for each every agent, to find the best pairing (highest effective priority
 * call with a qualified free agent).
 */
function naiveScan(calls: readonly WaitingCall[], agents: readonly AvailableAgent[], now: number): { call: string; agent: string } | null {
  let best: { call: WaitingCall; agent: AvailableAgent; priority: number } | null = null;
  for (const call of calls) {
    const priority = effectivePriorityAt(call, now);
    for (const agent of agents) {
      if (qualifyingLevel(agent, call) === 0) continue;
      if (!best || priority > best.priority || (priority === best.priority && agent.idleSince < best.agent.idleSince)) best = { call, agent, priority };
    }
  }
  return best && { call: best.call.id, agent: best.agent.id };
}

async function waitFor(check: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('benchmark step did not complete');
    await new Promise((r) => setImmediate(r));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
