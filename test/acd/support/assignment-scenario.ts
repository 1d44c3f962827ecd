import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { AriConnection } from '../../../src/ari/ari-connection.js';
import type { Call } from '../../../src/call-control/call-control.js';
import { CallRecordLog } from '../../../src/call-records/call-record-log.js';
import type { RecordedRequest, SimulatedAsterisk } from '../../../src/sim/simulated-asterisk.js';
import { context, decision, queueSettings } from './acd-fixture.js';
import { judgeAssignment, type AgentLeg, type AssignmentEvidence, type AssignmentVerdict } from './assignment-judge.js';
import { watchSwitch } from './assignment-switch-watch.js';
import { startAssignmentInstance, type AssignmentInstance } from './assignment-world.js';

/**
 * ACD assignment across two live service instances: each with its own Stasis
 * app on one simulated switch (speed 20) and its own ACD on one key prefix,
 * both reaching Redis the same way (straight, or through the slow proxy).
 * 40 callers arrive alternately in the two apps and wait until served; 6
 * agents shared by both answer after a short ring, talk 1–2 s and hang up;
 * half the callers are in a queue without wrap-up, half in one with 1 s.
 *
 * The run is judged from the switch (its request log and channel
 * destructions) and the call records — see judgeAssignment. A run that breaks
 * a rule leaves its evidence in a file.
 */
export interface AssignmentBench {
  /** Where the service instances connect: Redis itself, or a slow proxy in front of it. */
  serviceRedisUrl: string;
  sim: SimulatedAsterisk;
  /** A direct connection for reading what is stored. */
  admin: Redis;
  evidenceDir: string;
}

export interface AssignmentReport {
  verdict: AssignmentVerdict;
  /** The evidence file, when the run broke a rule. */
  evidencePath: string | null;
}

export const ASSIGNMENT = { callers: 40, agents: 6 } as const;

/** Generous, for saturated machines: 40 calls over 6 agents take some 15 s on a quiet one. */
const SETTLE_MS = 150_000;

const QUEUES = {
  billing: queueSettings('billing', { wrapUpSec: 0, ringTimeoutSec: 60 }),
  general: queueSettings('general', { wrapUpSec: 1, ringTimeoutSec: 60 }),
};

let runs = 0;

export async function runAssignmentScenario(bench: AssignmentBench): Promise<AssignmentReport> {
  const { sim } = bench;
  const run = ++runs;
  const tag = randomUUID().slice(0, 6);
  const prefix = `test:acd:assign:${tag}`;
  const startedAt = Date.now();
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const expectations: string[] = [];

  // Agents 1–6 of this run: answer after 100–300 ms, talk 1–2 s (switch time at speed 20).
  const agents = Array.from({ length: ASSIGNMENT.agents }, (_, i) => String(82000 + run * 10 + i));
  for (const [i, id] of agents.entries()) sim.setAgent(id, { kind: 'answer', afterMs: 2000 + 800 * i, hangupAfterMs: 20_000 + 4000 * i });
  // Callers answer the switch's call into the service at once and never hang up.
  const numbers = Array.from({ length: ASSIGNMENT.callers }, (_, i) => String(13960000000 + run * 100 + i));
  for (const n of numbers) sim.setAgent(n, { kind: 'answer', afterMs: 0 });
  const queueOf = new Map(numbers.map((n, i) => [n, (i >> 1) % 2 ? 'general' : 'billing']));

  const watch = await watchSwitch(sim.url, `assignment-watch-${tag}`);
  const settled: Promise<unknown>[] = [];
  const enqueue = (instance: AssignmentInstance, call: Call) => {
    const queue = queueOf.get(call.callerNumber) ?? 'billing';
    settled.push(instance.acd.enqueue(call, decision({ queue, skill: queue }), context(call.id, { callerNumber: call.callerNumber }))
      .then((r) => {
        if (r.kind !== 'queued') expectations.push(`caller ${call.id} (${call.callerNumber}) not queued: ${r.kind}`);
        else return r.settled;
      })
      .catch((err: unknown) => expectations.push(`caller ${call.id}: enqueue failed: ${(err as Error).message}`)));
  };
  const instances: AssignmentInstance[] = [];
  const placer = new AriConnection({ url: sim.url, user: 'ivr', password: 'ivr', app: `assignment-callers-${tag}` });
  const callers: AssignmentEvidence['callers'][number][] = [];
  try {
    for (const side of ['a', 'b']) {
      instances.push(await startAssignmentInstance({
        redisUrl: bench.serviceRedisUrl, prefix, simUrl: sim.url, app: `assign-${tag}-${side}`, queues: QUEUES,
        logger: logger.child({ instance: side }), onCaller: enqueue,
      }));
    }
    placer.start();
    await placer.waitUntilReady(5000);
    for (const [i, id] of agents.entries()) {
      const via = instances[i % 2]!.acd;
      await via.agents.add({ id, name: `Agent ${id}`, dial: `PJSIP/${id}`, skills: { billing: 3, general: 3 } });
      await via.agents.login(id);
    }
    for (const [i, number] of numbers.entries()) {
      const instance = instances[i % 2]!;
      const callId = `caller-${tag}-${i}`;
      callers.push({ callId, number, instance: instance.app });
      await placer.client.channels.originateWithId(callId, { endpoint: `PJSIP/${number}`, app: instance.app, callerId: number })
        .catch((err: unknown) => expectations.push(`caller ${callId} not placed: ${(err as Error).message}`));
    }
    await poll(() => callers.every((c) => watch.destroyedAt(c.callId) !== null), SETTLE_MS).catch(() => {
      // Judged from what the switch did: the report names whoever was not served.
    });
  } finally {
    await Promise.allSettled(instances.map((i) => i.stop()));
    for (const c of sim.channels()) {
      if (callers.some((k) => k.callId === c.id) || agents.some((a) => c.name.startsWith(`PJSIP/${a}-`))) await placer.client.channels.hangup(c.id).catch(() => {});
    }
    await placer.stop();
  }
  const endpoints = new Map(agents.map((a) => [`PJSIP/${a}`, a]));
  const requests = sim.requests().filter((r) => r.at >= startedAt && ran(r));
  const agentLegs: AgentLeg[] = requests
    .filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && endpoints.has(r.query.endpoint ?? ''))
    .map((r) => {
      const leg = r.path.slice('/ari/channels/'.length) || r.query.channelId || '';
      return {
        leg,
        agent: endpoints.get(r.query.endpoint!)!,
        callId: (r.body as { variables?: Record<string, string> } | undefined)?.variables?.HOTLINE_CALL_ID ?? '',
        rungAt: r.executedAt!,
        endedAt: watch.destroyedAt(leg),
      };
    });
  const bridgeAdds = requests
    .filter((r) => r.method === 'POST' && /^\/ari\/bridges\/[^/]+\/addChannel$/.test(r.path))
    .map((r) => ({ bridge: r.path.split('/')[3]!, channels: (r.query.channel ?? '').split(','), at: r.executedAt! }));
  await watch.close();
  const recordLog = new CallRecordLog({ redis: bench.admin, keyPrefix: prefix });
  const all = await recordLog.range(startedAt - 1000);
  const records: Record<string, string[]> = {};
  for (const c of callers) records[c.callId] = all.filter((e) => e.callId === c.callId).map((e) => e.type);
  const evidence: AssignmentEvidence = { callers, agentLegs, bridgeAdds, records };
  const verdict = judgeAssignment(evidence);
  verdict.problems.push(...expectations);
  if (!verdict.problems.length) return { verdict, evidencePath: null };
  mkdirSync(bench.evidenceDir, { recursive: true });
  const evidencePath = join(bench.evidenceDir, `assignment-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(evidencePath, JSON.stringify({
    prefix, verdict, evidence,
    callRecords: all,
    switchRequests: requests,
    log: logLines.map((line) => JSON.parse(line) as unknown),
  }, null, 1));
  return { verdict, evidencePath };
}

/** Run by the switch: not dropped unrun, not refused. */
function ran(r: RecordedRequest): boolean {
  return !r.dropped && r.executedAt !== null && r.executedAt !== undefined && (r.status === null || r.status === undefined || r.status < 400);
}

async function poll(check: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
