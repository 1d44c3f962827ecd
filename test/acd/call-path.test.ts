import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import { Acd } from '../../src/acd/acd.js';
import { systemClock } from '../../src/time/clock.js';
import type { QueuedCall } from '../../src/acd/call-queue.js';
import { AriConnection } from '../../src/ari/ari-connection.js';
import { AriCallControl } from '../../src/call-control/ari-call-control.js';
import type { Call } from '../../src/call-control/call-control.js';
import { CallRecordLog } from '../../src/call-records/call-record-log.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { AriHarness, type HarnessCall } from '../support/ari-harness.js';
import { agentDef, context, decision, eventTypes, queueSettings, silentLogger, uniquePrefix, until } from './support/acd-fixture.js';

/**
 * The ACD driving the real ARI call control against the simulated Asterisk:
 * callers placed through the dialplan by the harness, agents rung on
 * Local/<id>@agents with scripted behaviours. At speed 20, a 5 s ring timeout
 * lasts 250 ms.
 */
const SPEED = 20;
const redisUrl = inject('redisUrl');
let sim: SimulatedAsterisk;
let connection: AriConnection;
let control: AriCallControl;
let harness: AriHarness;
let redis: Redis;
let recorder: CallRecordLog;
let acd: Acd;
const incoming: Call[] = [];
// The agents dialplan reaches extensions 1XXX.
let nextAgent = 1100;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, dialplanApp: 'ivr' });
  connection = new AriConnection({ url: sim.url, user: 'ivr', password: 'ivr', app: 'ivr', reconnect: { initialDelayMs: 20, maxDelayMs: 500, factor: 2 } });
  control = new AriCallControl(connection, { originateGraceMs: 2000 });
  control.onIncomingCall((call) => incoming.push(call));
  connection.start();
  await connection.waitUntilReady(5000);
  harness = await AriHarness.start({ url: sim.url });
  redis = new Redis(redisUrl);
  const prefix = uniquePrefix('call-path');
  recorder = new CallRecordLog({ redis, keyPrefix: prefix });
  acd = new Acd({
    redis,
    keyPrefix: prefix,
    callControl: control,
    queues: () => ({ billing: queueSettings('billing', { ringTimeoutSec: 5, wrapUpSec: 1 }) }),
    recorder,
    clock: systemClock,
    logger: silentLogger,
    instanceId: 'path-1',
  });
  await acd.start();
});

afterAll(async () => {
  await acd?.stop();
  await harness?.stop();
  control?.close();
  await connection?.stop();
  await sim?.close();
  redis?.disconnect();
});

afterEach(async () => {
  for (const c of sim.channels()) await connection.client.channels.hangup(c.id).catch(() => {});
  await until(() => sim.channels().length === 0, 'channels gone');
});

/** Each test has its own skill, so agents of one test never take another's calls. */
let skill = 'path-0';
beforeEach((ctx) => {
  skill = `path-${ctx.task.id.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
});

/** A caller through the dialplan, queued in billing for this test's skill. */
async function queuedCaller(from: string): Promise<{ caller: HarnessCall; call: Call; queued: QueuedCall }> {
  const before = incoming.length;
  const caller = await harness.call('10000', { from });
  const call = await until(() => incoming.slice(before).find((c) => c.callerNumber === from), 'the call in the service');
  await caller.waitForService();
  const queued = await acd.enqueue(call, decision({ skill }), context(call.id, { callerNumber: from }));
  if (queued.kind !== 'queued') throw new Error('not queued');
  return { caller, call, queued };
}

async function agent(): Promise<string> {
  const id = String(nextAgent++);
  await acd.agents.add(agentDef(id, { [skill]: 2 }));
  return id;
}

async function state(id: string): Promise<string> {
  return (await acd.agents.get(id)).state;
}

describe('the ACD over ARI with the simulated Asterisk', () => {
  it('rings the agent with the caller number and context, bridges on answer and stops the hold music', async () => {
    const { call, queued } = await queuedCaller('13800000002');
    await until(() => sim.mohChannels().includes(call.id), 'music on hold');
    const id = await agent();
    sim.setAgent(id, { kind: 'answer', afterMs: 1000 });
    await acd.agents.login(id);
    const settled = await queued.settled;
    expect(settled).toMatchObject({ kind: 'answered', agent: id });
    const originate = sim.requests().find((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && String(r.query.endpoint) === `Local/${id}@agents`);
    expect(originate?.query).toMatchObject({ endpoint: `Local/${id}@agents`, callerId: '13800000002', timeout: '5' });
    expect(JSON.stringify(originate?.body)).toContain(`"HOTLINE_CALL_ID":"${call.id}"`);
    const bridge = await until(() => sim.bridges().find((b) => b.channels.includes(call.id) && b.channels.length === 2), 'bridge with both legs');
    expect(bridge.channels).toContain(call.id);
    expect(sim.mohChannels()).not.toContain(call.id);
    expect(await state(id)).toBe('on-call');
  });

  it('an agent who does not answer is paused "no answer" and the next agent is rung for the same caller', async () => {
    const { queued } = await queuedCaller('13800000003');
    const first = await agent();
    sim.setAgent(first, { kind: 'no-answer' });
    await acd.agents.login(first);
    await until(async () => (await state(first)) === 'paused', 'first agent paused');
    expect((await acd.agents.get(first)).pauseReason).toBe('no answer');
    const second = await agent();
    sim.setAgent(second, { kind: 'answer', afterMs: 500 });
    await acd.agents.login(second);
    expect(await queued.settled).toMatchObject({ kind: 'answered', agent: second });
  });

  it('when the caller hangs up while the agent rings, the agent leg goes and the agent is available again', async () => {
    const { caller, call, queued } = await queuedCaller('13800000004');
    const id = await agent();
    sim.setAgent(id, { kind: 'answer', afterMs: 60_000 });
    await acd.agents.login(id);
    await until(async () => (await state(id)) === 'ringing', 'ringing');
    await caller.hangup();
    expect(await queued.settled).toMatchObject({ kind: 'abandoned', stage: 'ringing' });
    await until(async () => (await state(id)) === 'available', 'agent released');
    await until(() => sim.channels().length === 0, 'agent leg hung up');
    await until(async () => (await eventTypes(recorder, call.id)).at(-1) === 'ended', 'call record closed');
  });

  it('when the agent hangs up, the caller is hung up and the agent is available after wrap-up', async () => {
    const { caller, call, queued } = await queuedCaller('13800000005');
    const id = await agent();
    sim.setAgent(id, { kind: 'answer', afterMs: 200, hangupAfterMs: 2000 });
    await acd.agents.login(id);
    await queued.settled;
    await caller.waitForEnd();
    await until(async () => (await state(id)) === 'wrap-up', 'wrap-up');
    await until(async () => (await state(id)) === 'available', 'available after wrap-up');
    expect(await eventTypes(recorder, call.id)).toEqual(['queued', 'offered', 'answered', 'agent-ended', 'ended']);
  });
});
