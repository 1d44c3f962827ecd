import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Acd } from '../../src/acd/acd.js';
import type { AcdEvent } from '../../src/acd/acd-event.js';
import type { QueuedCall } from '../../src/acd/call-queue.js';
import type { AriCallControl } from '../../src/call-control/ari-call-control.js';
import type { Bridge, Call, CallControl } from '../../src/call-control/call-control.js';
import type { CallRecordLog } from '../../src/call-records/call-record-log.js';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import type { AriHarness } from '../support/ari-harness.js';
import { agentDef, context, decision, until } from './support/acd-fixture.js';
import { startAcdOverSim, type AcdOverSim } from './support/acd-over-sim.js';

/**
 * A switch fault is never blamed on an agent: the ACD over the real ARI call
 * control against the simulated Asterisk, with the simulator answering a
 * request 500 (`failNextRequests`) at the moment that matters. At speed 20 a
 * 5 s ring timeout lasts 250 ms.
 */
let world: AcdOverSim;
let sim: SimulatedAsterisk;
let harness: AriHarness;
let recorder: CallRecordLog;
let acd: Acd;
let incoming: Call[];
const events: AcdEvent[] = [];
let nextAgent = 1300;

/**
 * The real call control, except that the join of one chosen caller into a
 * bridge is sent to a switch told to fail the next request: a 5xx on
 * addChannel after the agent answered.
 */
class FailCallerJoin implements CallControl {
  failJoinOf: string | null = null;
  constructor(private readonly inner: AriCallControl, private readonly sim: SimulatedAsterisk) {}
  get ready(): boolean {
    return this.inner.ready;
  }
  onIncomingCall(handler: (call: Call) => void): () => void {
    return this.inner.onIncomingCall(handler);
  }
  originate(options: Parameters<CallControl['originate']>[0]) {
    return this.inner.originate(options);
  }
  adopt(channelId: string) {
    return this.inner.adopt(channelId);
  }
  hangUpLeg(channelId: string) {
    return this.inner.hangUpLeg(channelId);
  }
  legState(channelId: string) {
    return this.inner.legState(channelId);
  }
  storedRecording(name: string) {
    return this.inner.storedRecording(name);
  }
  deleteStoredRecording(name: string) {
    return this.inner.deleteStoredRecording(name);
  }
  async createBridge(name?: string): Promise<Bridge> {
    const bridge = await this.inner.createBridge(name);
    return {
      id: bridge.id,
      add: (call) => {
        const id = typeof call === 'string' ? call : call.id;
        if (id === this.failJoinOf) {
          this.failJoinOf = null;
          this.sim.failNextRequests(1);
        }
        return bridge.add(call);
      },
      remove: (call) => bridge.remove(call),
      destroy: () => bridge.destroy(),
      record: (name) => bridge.record(name),
    };
  }
}
let switchControl: FailCallerJoin;

beforeAll(async () => {
  world = await startAcdOverSim({
    name: 'switch-faults',
    // An originate not answered within 1 s is given up (a switch fault); everything else keeps its usual deadline.
    rest: { originateTimeoutMs: 1000 },
    wrap: (real: AriCallControl, switchSim: SimulatedAsterisk) => {
      switchControl = new FailCallerJoin(real, switchSim);
      return switchControl;
    },
    acd: { switchFaultPauseMs: 50 },
  });
  ({ sim, harness, recorder, acd, incoming } = world);
  acd.onEvent((event) => events.push(event));
});

afterAll(async () => {
  await world?.stop();
});

afterEach(async () => {
  sim.setConditions({ latencyMs: 0 });
  for (const a of await acd.agents.list()) if (a.state !== 'offline') await acd.agents.logout(a.id).catch(() => {});
  await world.hangUpAll();
});

/** Each test has its own skill, so agents of one test never take another's calls. */
let skill = 'faults-0';
beforeEach((ctx) => {
  skill = `faults-${ctx.task.id.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
});

/** A caller through the dialplan, queued in billing for this test's skill, with its hold music on. */
async function queuedCaller(from: string): Promise<{ call: Call; queued: QueuedCall }> {
  const before = incoming.length;
  const caller = await harness.call('10000', { from });
  const call = await until(() => incoming.slice(before).find((c) => c.callerNumber === from), 'the call in the service');
  await caller.waitForService();
  const queued = await acd.enqueue(call, decision({ skill }), context(call.id, { callerNumber: from }));
  if (queued.kind !== 'queued') throw new Error('not queued');
  await until(() => sim.mohChannels().includes(call.id), 'music on hold');
  return { call, queued };
}

async function agent(behaviour: Parameters<SimulatedAsterisk['setAgent']>[1]): Promise<string> {
  const id = String(nextAgent++);
  sim.setAgent(id, behaviour);
  await acd.agents.add(agentDef(id, { [skill]: 2 }));
  return id;
}

/** The states the ACD reported for an agent, in order. */
function statesOf(agentId: string): string[] {
  return events.flatMap((e) => (e.type === 'agent-state' && e.agent === agentId ? [e.state] : []));
}

/** Channel ids of the legs originated to an agent, in order. */
function legsTo(agentId: string): string[] {
  return sim.requests()
    .filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels/') && r.query.endpoint === `Local/${agentId}@agents`)
    .map((r) => r.path.slice('/ari/channels/'.length));
}

describe('a switch fault is never blamed on an agent', () => {
  it('when originating to an agent fails with a switch fault, the agent stays available and the call keeps its place at the head of the queue', async () => {
    const first = await queuedCaller('13800000101');
    const later = await queuedCaller('13800000102');
    const id = await agent({ kind: 'answer', afterMs: 200 });
    // The originate to the agent is the next request the switch receives.
    sim.failNextRequests(1);
    await acd.agents.login(id);

    // The same agent is offered the same caller again, ahead of the later one.
    expect(await first.queued.settled).toMatchObject({ kind: 'answered', agent: id });
    expect(legsTo(id)).toHaveLength(2);
    expect(statesOf(id)).not.toContain('paused');
    expect((await acd.agents.get(id)).state).toBe('on-call');
    expect(await later.queued.status()).toMatchObject({ stage: 'waiting', position: 1 });
  });

  it('when originating to an agent fails with a switch fault, the call record says switch-fault and not that the agent failed', async () => {
    const { call, queued } = await queuedCaller('13800000103');
    const id = await agent({ kind: 'answer', afterMs: 200 });
    sim.failNextRequests(1);
    await acd.agents.login(id);
    await queued.settled;
    const record = await recorder.forCall(call.id);
    expect(record.map((e) => e.type)).toEqual(['queued', 'offered', 'offer-failed', 'offered', 'answered']);
    expect(record.find((e) => e.type === 'offer-failed')).toMatchObject({ agent: id, reason: 'switch-fault', stage: 'ring' });
    expect(record.map((e) => e.type)).not.toContain('agent-unavailable');
  });

  it('when adding the caller to the bridge fails after the agent answered, the agent leg is hung up and the agent is available', async () => {
    const { call, queued } = await queuedCaller('13800000104');
    const id = await agent({ kind: 'answer', afterMs: 200 });
    switchControl.failJoinOf = call.id;
    await acd.agents.login(id);

    // Nobody is left answering into silence: the first leg goes, and the caller, still
    // at the head of the queue with music again, is offered and bridged on the next ring.
    expect(await queued.settled).toMatchObject({ kind: 'answered', agent: id });
    const [firstLeg, secondLeg] = legsTo(id);
    expect(sim.channels().map((c) => c.id)).not.toContain(firstLeg);
    expect(sim.bridges().find((b) => b.channels.includes(call.id))?.channels.sort()).toEqual([call.id, secondLeg].sort());
    // Between the two rings the agent was available, never paused.
    expect(statesOf(id)).toEqual(['available', 'reserved', 'ringing', 'available', 'reserved', 'ringing', 'on-call']);
    const record = await recorder.forCall(call.id);
    expect(record.find((e) => e.type === 'offer-failed')).toMatchObject({ agent: id, reason: 'switch-fault', stage: 'bridge' });
  });

  it('when the originate to an agent gets no answer in time, the agent is not blamed and the legs that show up late are hung up', async () => {
    const { call, queued } = await queuedCaller('13800000105');
    const id = await agent({ kind: 'answer', afterMs: 200 });
    // A switch slower than the originate deadline: the ring request times out, but Asterisk still makes the leg.
    sim.setConditions({ latencyMs: 3000 });
    await acd.agents.login(id);
    await until(async () => (await recorder.forCall(call.id)).some((e) => e.type === 'offer-failed'), 'the timed-out ring recorded');
    sim.setConditions({ latencyMs: 0 });

    expect(await queued.settled).toMatchObject({ kind: 'answered', agent: id });
    expect(statesOf(id)).not.toContain('paused');
    const failed = (await recorder.forCall(call.id)).filter((e) => e.type === 'offer-failed');
    expect(failed[0]).toMatchObject({ agent: id, reason: 'switch-fault', stage: 'ring' });
    // Every leg originated to the agent but the one bridged with the caller is hung up, and none was taken for a caller.
    const bridge = await until(() => sim.bridges().find((b) => b.channels.includes(call.id) && b.channels.length === 2), 'caller and agent bridged');
    const late = legsTo(id).filter((leg) => !bridge.channels.includes(leg));
    expect(late.length).toBeGreaterThan(0);
    await until(() => late.every((leg) => !sim.channels().some((c) => c.id === leg)), 'the late legs hung up');
    expect(incoming.filter((c) => legsTo(id).includes(c.id))).toEqual([]);
  });
});
