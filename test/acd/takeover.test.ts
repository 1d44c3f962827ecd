import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { AcdEvent } from '../../src/acd/acd-event.js';
import { placeCall, type CallReport } from '../../src/call-tool/place-call.js';
import type { RecordedCallEvent } from '../../src/call-records/call-event.js';
import { PasswordGuard } from '../../src/customers/password-guard.js';
import { RedisCustomerStore } from '../../src/customers/redis-customer-store.js';
import { seedCustomers } from '../../src/customers/seed-customers.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * Takeover with real parts: two service instances on one simulated Asterisk
 * and one Redis. The instance to kill runs in a process of its own and owns
 * every caller (the dialplan sends 10000 to its app); with callers talking,
 * ringing and queued it is killed with SIGKILL, and the survivor finishes
 * all of them. Then the killed instance starts again and gets new calls only.
 *
 * Deadlines are generous and everything is polled: the machine may be busy.
 */
const redisUrl = inject('redisUrl');
const tag = randomUUID().slice(0, 6);
const prefix = `test:takeover:${tag}`;
const appA = `ivr-a-${tag}`;
const instanceA = `node-a-${tag}`;
// Wrap-up of a second: agents come back quickly for the callers still waiting.
const overrides = { queues: { billing: { wrapUpSec: 1 } } };
/**
 * How much faster than real time the simulator runs. Slower than in the other
 * service tests: the switch ends an agent's ring at the originate's timeout
 * (15 s of simulated time), and the kill must land while it rings — almost
 * 4 s here, room enough on a busy machine.
 */
const SPEED = 4;
/** Simulated milliseconds for a real duration. */
const sim = (realMs: number) => realMs * SPEED;

let switchSim: SimulatedAsterisk | null = null;
let survivor: HotlineFixture | null = null;
let redis: Redis | null = null;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await survivor?.stop();
  await switchSim?.close();
  redis?.disconnect();
});

/** Starts instance A in its own process; resolves once it reports `until`. */
function startInstanceA(until: 'listening' | 'ready'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/acd/support/takeover-instance.ts'], {
    env: { ...process.env, REDIS_URL: redisUrl, PREFIX: prefix, SIM_URL: switchSim!.url, APP: appA, INSTANCE: instanceA, OVERRIDES: JSON.stringify(overrides) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance A did not report ${until} within 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`instance A exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      if ((JSON.parse(line) as Record<string, boolean>)[until]) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, what: string, limitMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function call(from: string): Promise<CallReport> {
  return placeCall({
    ariUrl: switchSim!.url, user: 'ivr', password: 'ivr', serviceApp: appA,
    number: '10000', from, keys: ['1'], manifest: survivor!.service.manifest,
    // Callers stay on the line until the agent hangs up.
    quietMs: 150, maxQueueWaitMs: 180_000, maxCallMs: 240_000, talkMs: 240_000,
  });
}

describe('another instance takes over a dead instance\'s calls', () => {
  it('killed with callers talking, ringing and queued: the survivor finishes them all, and the killed instance comes back to new calls only', async () => {
    switchSim = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, dialplanApp: appA });
    redis = new Redis(redisUrl);
    const store = new RedisCustomerStore(redis, prefix);
    await seedCustomers(store, new PasswordGuard({ redis, keyPrefix: prefix, customers: store, maxAttempts: 3, lockMinutes: 15 }), 'config/customers.sample.json');
    survivor = await startHotline({ shareSim: switchSim, sharePrefix: prefix, overrides });
    const b = survivor.service;
    let a = await startInstanceA('ready');
    const agent = (id: string) => b.acd.agents.get(id);

    // Talking: 1002 answers at once and talks 30 s.
    switchSim.setAgent('1002', { kind: 'answer', afterMs: 0, hangupAfterMs: sim(30_000) });
    await b.acd.agents.login('1002', { ready: true });
    const calls: Promise<CallReport>[] = [call('13800000002')];
    const talking = (await until(async () => (await agent('1002')).state === 'on-call' && (await agent('1002')).callId, 'the first caller talking to 1002')) as string;
    switchSim.setAgent('1002', { kind: 'answer', afterMs: 0, hangupAfterMs: sim(2000) });

    // Queued: no agent is free for three more callers.
    calls.push(call('13800000003'), call('13800000004'), call('13800000005'));
    const waiting = await until(async () => {
      const ids = (await b.acd.waiting('billing')).map((w) => w.callId);
      return ids.length === 3 && ids;
    }, 'three callers waiting');

    // Ringing: 1004 logs in and is offered the first of them; its phone rings
    // until the switch's own dial timeout, and the kill comes while it rings.
    switchSim.setAgent('1004', { kind: 'answer', afterMs: sim(600_000) });
    await b.acd.agents.login('1004', { ready: true });
    const ringing = (await until(async () => {
      const a1004 = await agent('1004');
      return a1004.state === 'ringing' && a1004.callId;
    }, 'a waiting caller ringing 1004', 60_000, 5)) as string;
    const taken = [talking, ...waiting];
    const queued = waiting.filter((id) => id !== ringing);

    // The first offer the survivor makes after the kill: a caller of the dead instance's rung again.
    let killedAt = 0;
    let firstRingAt = 0;
    b.acd.onEvent((event: AcdEvent) => {
      if (killedAt && !firstRingAt && event.type === 'ringing' && taken.includes(event.callId)) firstRingAt = Date.now();
    });
    killedAt = Date.now();
    await kill(a);
    for (const id of taken) expect((await b.acd.callState(id))?.owner, id).toBe(instanceA);
    expect(['reserved', 'ringing']).toContain((await b.acd.callState(ringing))?.state);
    // Offered again after the takeover, 1004 answers at once.
    switchSim.setAgent('1004', { kind: 'answer', afterMs: 0, hangupAfterMs: sim(2000) });
    await until(() => firstRingAt, 'the survivor ringing an agent for a caller of the dead instance', 120_000);
    const takeoverMs = firstRingAt - killedAt;
    process.stdout.write(`takeover: instance killed → its callers' agent rung by the survivor in ${takeoverMs} ms (lease ${b.config.acd.instances.leaseMs} ms, renewed every ${b.config.acd.instances.renewMs} ms)\n`);

    // Nothing lost: every call record closed, each taken over once, from A by B.
    const records = new Map<string, RecordedCallEvent[]>();
    await until(async () => {
      for (const id of taken) records.set(id, await b.recorder.forCall(id));
      return taken.every((id) => records.get(id)!.some((e) => e.type === 'ended'));
    }, 'every call taken over ended', 180_000);
    for (const id of taken) {
      const events = records.get(id)!;
      const types = events.map((e) => e.type);
      expect(types.filter((t) => t === 'taken-over'), id).toHaveLength(1);
      expect(events.find((e) => e.type === 'taken-over'), id).toMatchObject({ from: instanceA, by: b.instanceId });
      expect(types.filter((t) => t === 'ended'), id).toHaveLength(1);
      // The agent's wrap-up may end (and be written) after the call itself.
      expect(events.filter((e) => e.type !== 'wrap-up-ended').at(-1), id).toMatchObject({ type: 'ended', outcome: 'handled' });
    }
    // Ringing and queued callers reached an agent after the takeover.
    for (const id of [ringing, ...queued]) {
      const types = records.get(id)!.map((e) => e.type);
      expect(types.lastIndexOf('answered'), id).toBeGreaterThan(types.indexOf('taken-over'));
    }
    // No agent stuck: wrap-up over, both available.
    await until(async () => (await agent('1002')).state === 'available' && (await agent('1004')).state === 'available', 'both agents available again');
    expect(await b.acd.waiting()).toEqual([]);
    await Promise.all(calls);

    // Exactly one takeover, in /metrics.
    const metrics = await b.metrics.registry.metrics();
    expect(metrics).toContain(`hotline_takeovers_total{from="${instanceA}"} 1`);
    expect(metrics).toContain(`hotline_calls_taken_over_total{from="${instanceA}"} 4`);

    // While A is away, a caller the dialplan sends to A's app runs through the survivor's IVR.
    const meanwhile = await call('13800000007');
    expect(meanwhile.outcome).toMatchObject({ kind: 'agent' });
    const meanwhileRecord = await until(async () => {
      const events = await b.recorder.forCall(meanwhile.callId!);
      return events.some((e) => e.type === 'ended') && events;
    }, 'the call served by the survivor in A\'s app closed');
    expect(meanwhileRecord[0]).toMatchObject({ type: 'arrived', instance: b.instanceId });
    expect(meanwhileRecord.filter((e) => e.type !== 'wrap-up-ended').at(-1)).toMatchObject({ type: 'ended', outcome: 'handled' });
    await until(async () => (await agent('1002')).state === 'available' && (await agent('1004')).state === 'available', 'both agents available again');

    // A comes back: it registers its app once the survivor has handed it back, and re-adopts nothing.
    const before = new Map(await Promise.all(taken.map(async (id) => [id, (await b.recorder.forCall(id)).length] as const)));
    a = await startInstanceA('ready');
    await until(() => b.instances.holding.length === 0, 'the survivor handing the app back');
    const next = await call('13800000006');
    expect(next.outcome).toMatchObject({ kind: 'agent' });
    const nextRecord = await until(async () => {
      const events = await b.recorder.forCall(next.callId!);
      return events.some((e) => e.type === 'ended') && events;
    }, 'the new call closed');
    expect(nextRecord[0]).toMatchObject({ type: 'arrived', instance: instanceA });
    expect(nextRecord.map((e) => e.type)).not.toContain('taken-over');
    for (const id of taken) expect((await b.recorder.forCall(id)).length, id).toBe(before.get(id));
    expect(await b.metrics.registry.metrics()).toContain(`hotline_takeovers_total{from="${instanceA}"} 1`);
    await until(async () => (await agent('1002')).state === 'available' && (await agent('1004')).state === 'available', 'both agents available after the new call');
    await kill(a);
  }, 600_000);
});
