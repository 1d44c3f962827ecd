import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Acd } from '../../src/acd/acd.js';
import type { QueuedCall } from '../../src/acd/call-queue.js';
import type { Call } from '../../src/call-control/call-control.js';
import type { CallRecordLog } from '../../src/call-records/call-record-log.js';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import type { AriHarness, HarnessCall } from '../support/ari-harness.js';
import { agentDef, context, decision, eventTypes, until } from './support/acd-fixture.js';
import { startAcdOverSim, type AcdOverSim } from './support/acd-over-sim.js';

/**
 * The ACD driving the real ARI call control against the simulated Asterisk:
 * callers placed through the dialplan by the harness, agents rung on
 * Local/<id>@agents with scripted behaviours. At speed 20, a 5 s ring timeout
 * lasts 250 ms.
 */
let world: AcdOverSim;
let sim: SimulatedAsterisk;
let harness: AriHarness;
let recorder: CallRecordLog;
let acd: Acd;
let incoming: Call[];
// The agents dialplan reaches extensions 1XXX.
let nextAgent = 1100;

beforeAll(async () => {
  world = await startAcdOverSim({ name: 'path' });
  ({ sim, harness, recorder, acd, incoming } = world);
});

afterAll(async () => {
  await world?.stop();
});

afterEach(async () => {
  await world.hangUpAll();
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
    expect(await eventTypes(recorder, call.id)).toEqual(['queued', 'offered', 'answered', 'agent-ended', 'ended', 'wrap-up-ended']);
  });
});
