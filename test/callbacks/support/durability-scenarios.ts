import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { CallRecordLog } from '../../../src/call-records/call-record-log.js';
import { CallbackStore } from '../../../src/callbacks/callback-store.js';
import { startPrivateRedis, type PrivateRedis } from '../../../src/infra/private-redis.js';
import type { SimulatedAsterisk } from '../../../src/sim/simulated-asterisk.js';
import { startCallbackWorld, type CallbackWorld } from './callback-world.js';
import type { Callback, CallbackRequest, DialResult } from '../../../src/callbacks/callback.js';
import { FAIR_RETRIES, judgeDurability, type CallbackEvidence, type DurabilityVerdict } from './durability-judge.js';
import { DURABILITY_CALLBACKS, DURABILITY_QUEUES } from './durability-settings.js';

/**
 * The callback durability scenarios — the service killed (SIGKILL) after
 * booking, the service killed while customers ring, Redis killed and
 * restarted from its AOF — as functions that report what the switch and
 * Redis saw, judged by judgeDurability. The test file runs each once (plain,
 * and once more under stress); `npm run stress:callbacks` runs them many times
 * under stress and prints the counts.
 *
 * The simulated Asterisk runs in this process and logs every originate it
 * receives; the service runs here (CallbackWorld) and, for the kill
 * scenarios, in a child process first. When a run breaks a rule, everything
 * needed to find out why — the switch's request log for its callbacks, the
 * callbacks and their tries, the call records — is kept in a file.
 */
export interface DurabilityBench {
  /** The AOF Redis; replaced when a scenario kills and restarts it. */
  redis: PrivateRedis;
  /** Where the service connects: the Redis itself, or a slow proxy in front of it. */
  serviceRedisUrl: string;
  sim: SimulatedAsterisk;
  /** A direct connection for reading what is stored (maxRetriesPerRequest: null). */
  admin: Redis;
  /** Where evidence of a failed run is written. */
  evidenceDir: string;
}

export interface ScenarioReport {
  scenario: string;
  verdict: DurabilityVerdict;
  /** The evidence file, when the run broke a rule. */
  evidencePath: string | null;
}

/** The retry delay of DURABILITY_CALLBACKS, in ms. */
const RETRY_DELAY_MS = DURABILITY_CALLBACKS.retry.delaysSec[0]! * 1000;

/**
 * How long a customer stays on after answering (simulated time, speed 20: 6 s).
 * Longer than a Redis stall of the stress bench (2.5 s) plus a starved event
 * loop, so the greeting and the bridge still come first; if they do not, the
 * customer hangs up on the greeting — a try that did not connect, retried
 * after its delay and judged as such. (At 2 s, one customer in 1,640 hung up
 * on all three of their tries in 20 stressed runs: the callback failed as
 * designed, but the scenario could not be served.)
 */
const CUSTOMER_TALK_MS = 120_000;

/** Whether a scenario is finished (every callback connected) — generous, for saturated machines. */
const SETTLE_MS = 150_000;

export const SCENARIOS = ['killed-after-booking', 'killed-while-ringing', 'redis-killed', 'two-instances'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export function runScenario(bench: DurabilityBench, name: ScenarioName): Promise<ScenarioReport> {
  logLines = [];
  switch (name) {
    case 'killed-after-booking': return killedAfterBooking(bench);
    case 'killed-while-ringing': return killedWhileRinging(bench);
    case 'redis-killed': return redisKilled(bench);
    case 'two-instances': return twoInstances(bench);
  }
}

/** 30 callbacks booked by a service process that is then killed; a new one dials them. */
async function killedAfterBooking(bench: DurabilityBench): Promise<ScenarioReport> {
  const { sim } = bench;
  const prefix = `test:cb:kill1:${randomUUID().slice(0, 8)}`;
  const app = `kill1-${randomUUID().slice(0, 6)}`;
  const numbers = numbersFrom(13700001000 + serial(), 30);
  for (const n of numbers) sim.setAgent(n, { kind: 'answer', afterMs: 300, hangupAfterMs: CUSTOMER_TALK_MS });

  const { child, booked } = await bookingProcess(bench, { PREFIX: prefix, APP: app, COUNT: String(numbers.length), FIRST_NUMBER: numbers[0]! });
  await kill(child);
  const store = new CallbackStore(bench.admin, prefix, 3600);
  const open = new Set(await store.openIds());
  const missing = booked.filter((id) => !open.has(id));

  const restarted = await world(bench, prefix, app);
  try {
    await addAgents(bench, restarted, agentIds(10));
    await settle(store, booked);
  } finally {
    await restarted.stop();
  }
  return report(bench, 'killed-after-booking', prefix, store, booked, missing.map((id) => `${id}: booked but not open after the kill`));
}

/**
 * 8 customers dialled, the service killed at once after the last dial is
 * claimed: the tries still ringing then are recorded interrupted and made
 * again only after their delay.
 */
async function killedWhileRinging(bench: DurabilityBench): Promise<ScenarioReport> {
  const { sim } = bench;
  const prefix = `test:cb:kill2:${randomUUID().slice(0, 8)}`;
  const app = `kill2-${randomUUID().slice(0, 6)}`;
  const numbers = numbersFrom(13700002000 + serial(), 8);
  // Nobody answers before the kill: a dial rings until the kill or its ring timeout (a fair no-answer).
  for (const n of numbers) sim.setAgent(n, { kind: 'no-answer' });
  const agents = agentIds(numbers.length);
  const setup = await world(bench, prefix, `${app}-setup`);
  await addAgents(bench, setup, agents, { login: false });
  await setup.stop();

  const { child, booked } = await bookingProcess(bench, { PREFIX: prefix, APP: app, COUNT: String(numbers.length), FIRST_NUMBER: numbers[0]!, AGENTS: agents.join(',') });
  const store = new CallbackStore(bench.admin, prefix, 3600);
  const expectations: string[] = [];
  await poll(async () => (await store.getMany(booked)).every((cb) => cb.attempts >= 1), 'every customer dialled once')
    .catch((err: Error) => expectations.push(`before the kill: ${err.message}`));
  await kill(child);
  // Nothing changes the callbacks until the restart: these are the dials the kill interrupted.
  // A try that had already ended (it rang out: a fair no-answer) whose callback
  // the killed process had not yet moved on is not one of them: on a loaded
  // machine the kill can land between writing the try's end and the callback's.
  const ringing: Callback[] = [];
  for (const cb of await store.getMany(booked)) {
    if (cb.state === 'dialling' && (await store.attempt(cb.id, cb.attempts))?.endedAt == null) ringing.push(cb);
  }
  if (!ringing.length) expectations.push('no dial was in progress when the service was killed');

  // The customers now answer at once.
  for (const n of numbers) sim.setAgent(n, { kind: 'answer', afterMs: 300, hangupAfterMs: CUSTOMER_TALK_MS });
  const restarted = await world(bench, prefix, app);
  try {
    await settle(store, booked);
    // The interrupted dial was not made again: it is recorded as such, and the next try came after its delay (judged).
    for (const cb of ringing) {
      const interrupted = await store.attempt(cb.id, cb.attempts);
      if (interrupted?.result !== 'interrupted') expectations.push(`${cb.id}: try ${cb.attempts}, ringing at the kill, recorded as ${interrupted?.result ?? 'nothing'}, not interrupted`);
    }
    await poll(async () => (await restarted.acd.agents.list()).filter((a) => agents.includes(a.id)).every((a) => a.state === 'available'), 'agents available again')
      .catch((err: Error) => expectations.push(err.message));
  } finally {
    await restarted.stop();
  }
  // Here a service process did die with customers ringing: those tries were interrupted.
  return report(bench, 'killed-while-ringing', prefix, store, booked, expectations, [...FAIR_RETRIES, 'interrupted']);
}

/** 20 callbacks booked, Redis killed and restarted from its AOF, then dialled. */
async function redisKilled(bench: DurabilityBench): Promise<ScenarioReport> {
  const { sim } = bench;
  const prefix = `test:cb:redis:${randomUUID().slice(0, 8)}`;
  const app = `redis-${randomUUID().slice(0, 6)}`;
  const numbers = numbersFrom(13700003000 + serial(), 20);
  for (const n of numbers) sim.setAgent(n, { kind: 'answer', afterMs: 300, hangupAfterMs: CUSTOMER_TALK_MS });
  const service = await world(bench, prefix, app);
  const store = new CallbackStore(bench.admin, prefix, 3600);
  const expectations: string[] = [];
  const booked: string[] = [];
  try {
    for (const n of numbers) {
      booked.push((await service.callbacks.request(billingCallback(`redis-call-${n}`, n))).callbackId);
    }
    await bench.redis.stop('SIGKILL');
    bench.redis = await startPrivateRedis({ appendOnly: true, dir: bench.redis.dir, cleanup: false, port: bench.redis.port });
    await poll(async () => (await bench.admin.ping().catch(() => null)) === 'PONG', 'Redis back');
    const open = new Set(await store.openIds());
    for (const id of booked) if (!open.has(id)) expectations.push(`${id}: booked but not open after the restart of Redis`);
    await poll(async () => (await service.redis.ping().catch(() => null)) === 'PONG', 'the service reconnected');
    const waiting = new Set((await service.acd.waiting('billing')).map((w) => w.callId));
    for (const id of booked) if (!waiting.has(id)) expectations.push(`${id}: not in its queue after the restart of Redis`);
    await addAgents(bench, service, agentIds(7));
    await settle(store, booked);
  } finally {
    await service.stop();
  }
  return report(bench, 'redis-killed', prefix, store, booked, expectations);
}

/**
 * Two live instances share the callbacks, nobody dies: whatever the timing
 * (a job lock lapsing under a slow worker hands its job to the other
 * instance), no dial is interrupted and none is made twice.
 */
async function twoInstances(bench: DurabilityBench): Promise<ScenarioReport> {
  const { sim } = bench;
  const prefix = `test:cb:two:${randomUUID().slice(0, 8)}`;
  const app = `two-${randomUUID().slice(0, 6)}`;
  const numbers = numbersFrom(13700004000 + serial(), 24);
  for (const n of numbers) sim.setAgent(n, { kind: 'answer', afterMs: 300, hangupAfterMs: CUSTOMER_TALK_MS });
  const one = await world(bench, prefix, `${app}-a`);
  const two = await world(bench, prefix, `${app}-b`);
  const store = new CallbackStore(bench.admin, prefix, 3600);
  const booked: string[] = [];
  try {
    for (const [i, n] of numbers.entries()) {
      booked.push((await (i % 2 ? two : one).callbacks.request(billingCallback(`two-call-${n}`, n))).callbackId);
    }
    const agents = agentIds(8);
    await addAgents(bench, one, agents.slice(0, 4));
    await addAgents(bench, two, agents.slice(4));
    await settle(store, booked);
  } finally {
    await Promise.allSettled([one.stop(), two.stop()]);
  }
  return report(bench, 'two-instances', prefix, store, booked, []);
}

/** Judges a finished scenario; keeps the evidence when it broke a rule. */
async function report(bench: DurabilityBench, scenario: string, prefix: string, store: CallbackStore, booked: string[], expectations: string[], fair: readonly DialResult[] = FAIR_RETRIES): Promise<ScenarioReport> {
  const evidence: CallbackEvidence[] = [];
  for (const cb of await store.getMany(booked)) {
    const tries = [];
    for (let n = 1; n <= cb.attempts; n++) {
      const attempt = await store.attempt(cb.id, n);
      if (attempt) tries.push(attempt);
    }
    evidence.push({ callback: cb, tries, legsDialled: originates(bench.sim, cb.number) });
  }
  const verdict = judgeDurability(evidence, RETRY_DELAY_MS, fair);
  const lostRecords = booked.length - evidence.length;
  if (lostRecords > 0) {
    verdict.lost += lostRecords;
    verdict.problems.push(`${lostRecords} callback records missing`);
  }
  verdict.problems.push(...expectations);
  if (!verdict.problems.length) return { scenario, verdict, evidencePath: null };
  const ids = new Set(booked);
  const numbers = new Set(evidence.map((e) => e.callback.number));
  const mentions = (text: string) => [...ids].some((id) => text.includes(id)) || [...numbers].some((n) => text.includes(n));
  const records = new CallRecordLog({ redis: bench.admin, keyPrefix: prefix });
  const callRecords: Record<string, unknown> = {};
  for (const e of evidence) {
    // The caller's call, and the callback's place in the ACD (a call of its own, named after the callback).
    callRecords[e.callback.callId] = await records.forCall(e.callback.callId);
    callRecords[e.callback.id] = await records.forCall(e.callback.id);
  }
  mkdirSync(bench.evidenceDir, { recursive: true });
  const evidencePath = join(bench.evidenceDir, `${scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(evidencePath, JSON.stringify({
    scenario,
    prefix,
    verdict,
    callbacks: evidence,
    callRecords,
    switchRequests: bench.sim.requests().filter((r) => mentions(JSON.stringify(r))),
    log: logLines.filter(mentions).map((line) => JSON.parse(line) as unknown),
  }, null, 1));
  return { scenario, verdict, evidencePath };
}

/** A standard customer's callback request for the billing queue. */
function billingCallback(callId: string, number: string): CallbackRequest {
  return {
    callId, queue: 'billing', skill: 'billing', minAgentLevel: 1, priority: 20, preferHighestLevel: false,
    overflow: null, tier: 'standard', number, context: null, reason: 'need billing', lang: 'zh',
  };
}

let serials = 0;
/** Each run of a scenario dials numbers of its own (the switch's request log spans runs). */
function serial(): number {
  serials++;
  return serials * 100;
}

function numbersFrom(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(first + i));
}

let agentSerial = 0;
function agentIds(count: number): string[] {
  return Array.from({ length: count }, () => String(70000 + ++agentSerial));
}

/**
 * Originates the simulator carried out for a customer's number, as channel ids
 * in order: a request the switch dropped unrun, or refused (a channel id
 * already in use), rang nobody.
 */
function originates(sim: SimulatedAsterisk, number: string): string[] {
  const endpoint = `PJSIP/${number}@trunk`;
  return sim.requests()
    .filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && r.query.endpoint === endpoint)
    .filter((r) => !r.dropped && r.executedAt !== null && (r.status === null || r.status === undefined || r.status < 400))
    .map((r) => r.path.slice('/ari/channels/'.length));
}

/** What the service instances of the running scenario logged (info and above), kept as evidence. */
let logLines: string[] = [];

function world(bench: DurabilityBench, prefix: string, app: string): Promise<CallbackWorld> {
  const logger = pino({ level: 'info', base: { instance: app } }, { write: (line: string) => void logLines.push(line) });
  return startCallbackWorld({ redisUrl: bench.serviceRedisUrl, prefix, simUrl: bench.sim.url, app, callbacks: DURABILITY_CALLBACKS, queues: DURABILITY_QUEUES, logger });
}

async function addAgents(bench: DurabilityBench, world: CallbackWorld, ids: string[], options: { login: boolean } = { login: true }): Promise<void> {
  for (const id of ids) {
    bench.sim.setAgent(id, { kind: 'answer', afterMs: 200 });
    await world.acd.agents.add({ id, name: `Agent ${id}`, dial: `PJSIP/${id}`, skills: { billing: 3 } });
  }
  if (options.login) for (const id of ids) await world.acd.agents.login(id);
}

/** Waits until every callback is final (connected, failed, …), or SETTLE_MS. */
async function settle(store: CallbackStore, ids: string[]): Promise<void> {
  await poll(async () => (await store.getMany(ids)).every((cb) => cb.state === 'connected'), 'every callback connected', SETTLE_MS).catch(() => {
    // Judged from what is stored: the report names what is not connected.
  });
}

async function poll(check: () => boolean | Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A service process that books the callbacks; resolves with their ids once booked. */
async function bookingProcess(bench: DurabilityBench, env: Record<string, string>): Promise<{ child: ChildProcess; booked: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/callbacks/support/booking-process.ts'], {
    env: { ...process.env, REDIS_URL: bench.serviceRedisUrl, SIM_URL: bench.sim.url, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const booked = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the booking process did not report')), 60_000);
    child.once('exit', (code) => reject(new Error(`the booking process exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { booked: string[] }).booked);
    });
  });
  return { child, booked };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
