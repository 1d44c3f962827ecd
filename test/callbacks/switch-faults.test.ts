import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { AcdEvent } from '../../src/acd/acd-event.js';
import type { AriCallControl } from '../../src/call-control/ari-call-control.js';
import type { CallControl, OriginateOptions } from '../../src/call-control/call-control.js';
import { OUTBOUND_LEG_ARGS } from '../../src/outbound/outbound-legs.js';
import type { CallbackRequest } from '../../src/callbacks/callback.js';
import type { CallerContext } from '../../src/routing/types.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { until } from '../acd/support/acd-fixture.js';
import { startCallbackWorld, type CallbackWorld } from './support/callback-world.js';
import { routeFor } from './support/sessions.js';

/**
 * A switch fault while a callback's agent is rung is nobody's fault: the
 * callbacks over the real ACD and ARI call control against the simulated
 * Asterisk (20 times faster than life), which answers the agent's originate
 * 500 (`failNextRequests`).
 */
const redisUrl = inject('redisUrl');
const app = `cbf-${randomUUID().slice(0, 6)}`;
let sim: SimulatedAsterisk;
let world: CallbackWorld;
const events: AcdEvent[] = [];
let nextAgent = 7700;
let nextCustomer = 13900000700;
let nextCall = 1;
/** Set: the next dial of a customer is sent to a switch told to fail the next request (a 5xx on that originate). */
let failCustomerDial = false;

/** The real call control, with the customer's dial timed to meet an injected fault. */
function timedFaults(inner: AriCallControl): CallControl {
  return {
    get ready() {
      return inner.ready;
    },
    onIncomingCall: (handler) => inner.onIncomingCall(handler),
    originate: (options: OriginateOptions) => {
      if (failCustomerDial && options.args?.[0] === OUTBOUND_LEG_ARGS.callbackCustomer) {
        failCustomerDial = false;
        sim.failNextRequests(1);
      }
      return inner.originate(options);
    },
    createBridge: (name) => inner.createBridge(name),
    adopt: (channelId) => inner.adopt(channelId),
    hangUpLeg: (channelId) => inner.hangUpLeg(channelId),
    legState: (channelId) => inner.legState(channelId),
    storedRecording: (name) => inner.storedRecording(name),
    deleteStoredRecording: (name) => inner.deleteStoredRecording(name),
  };
}

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: app });
  world = await startCallbackWorld({
    redisUrl, prefix: `test:cb:faults:${randomUUID().slice(0, 8)}`, simUrl: sim.url, app,
    callbacks: { retry: { attempts: 1, delaysSec: [10] }, outbound: { quietHours: null } },
    switchFaultPauseMs: 50,
    wrapControl: timedFaults,
  });
  world.acd.onEvent((event) => events.push(event));
});

afterAll(async () => {
  await world?.stop();
  await sim?.close();
});

afterEach(async () => {
  for (const agent of await world.acd.agents.list()) {
    if (agent.state !== 'offline') await world.acd.agents.logout(agent.id).catch(() => {});
  }
});

function customer(): string {
  const number = String(nextCustomer++);
  sim.setAgent(number, { kind: 'answer', afterMs: 300, hangupAfterMs: 2000 });
  return number;
}

function contextFor(callId: string, number: string): CallerContext {
  return {
    callId, callerNumber: number, dialled: '10000', customer: { accountId: `AC-${number}`, name: 'Test Customer', phone: number },
    tier: 'gold', tierReason: 'test', passwordVerified: true, asked: ['balance'], menuPath: ['1'], transfer: null,
  };
}

function request(number: string, enqueuedAt: number): CallbackRequest {
  const d = routeFor(world.policy, 'orders', 'gold');
  const callId = `call-f${nextCall++}`;
  return {
    callId, queue: d.queue, skill: d.skill, minAgentLevel: d.minAgentLevel, priority: d.priority,
    preferHighestLevel: d.preferHighestLevel, overflow: d.overflow, tier: 'gold', number,
    context: contextFor(callId, number), reason: d.reason, lang: 'zh', enqueuedAt,
  };
}

function originatesTo(endpoint: string) {
  return sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels/') && r.query.endpoint === endpoint);
}

function agentStates(id: string): string[] {
  return events.flatMap((e) => (e.type === 'agent-state' && e.agent === id ? [e.state] : []));
}

async function readyAgent(): Promise<string> {
  const id = String(nextAgent++);
  sim.setAgent(id, { kind: 'answer', afterMs: 200 });
  await world.acd.agents.add({ id, name: `Agent ${id}`, dial: `PJSIP/${id}`, skills: { orders: 3 } });
  return id;
}

describe('a switch fault while working a callback', () => {
  it('when originating to the agent fails with a switch fault, the agent stays available and the callback keeps its place, no try counted', async () => {
    const now = Date.now();
    const early = customer();
    const late = customer();
    const first = await world.callbacks.request(request(early, now - 2000));
    const second = await world.callbacks.request(request(late, now - 1000));
    expect((await world.acd.waiting('orders')).map((w) => w.callId)).toEqual([first.callbackId, second.callbackId]);

    const id = String(nextAgent++);
    sim.setAgent(id, { kind: 'answer', afterMs: 200 });
    await world.acd.agents.add({ id, name: `Agent ${id}`, dial: `PJSIP/${id}`, skills: { orders: 3 } });
    // The originate to the agent is the next request the switch receives.
    sim.failNextRequests(1);
    await world.acd.agents.login(id);

    await until(async () => (await world.callbacks.get(second.callbackId))?.state === 'connected', 'both callbacks connected', 20_000);
    const cb = (await world.callbacks.get(first.callbackId))!;
    // No customer try was spent on the fault (one is allowed in these tests).
    expect(cb).toMatchObject({ state: 'connected', attempts: 1 });
    // The first callback kept its place: its customer was dialled before the later one's.
    const dialledEarly = originatesTo(`PJSIP/${early}@trunk`);
    const dialledLate = originatesTo(`PJSIP/${late}@trunk`);
    expect(dialledEarly).toHaveLength(1);
    expect(dialledLate).toHaveLength(1);
    expect(dialledEarly[0]!.at).toBeLessThan(dialledLate[0]!.at);
    // The agent was rung again for it and never paused.
    const agentRings = originatesTo(`PJSIP/${id}`);
    expect(agentRings.filter((r) => r.path.includes(first.callbackId))).toHaveLength(2);
    expect(events.filter((e) => e.type === 'agent-state' && e.agent === id).map((e) => e.type === 'agent-state' && e.state)).not.toContain('paused');
    // The context read back from Redis travels with the ring.
    expect(JSON.stringify(agentRings[0]!.body)).toContain(`"HOTLINE_ACCOUNT":"AC-${early}"`);

    const record = await world.recorder.forCall(first.callbackId);
    expect(record.find((e) => e.type === 'offer-failed')).toMatchObject({ agent: id, reason: 'switch-fault', stage: 'ring' });
    expect(record.map((e) => e.type)).not.toContain('agent-unavailable');
  });

  it('when dialling the customer fails with a switch fault, the agent is hung up and available and the callback is back in its place with no try spent', async () => {
    const number = customer();
    const booked = await world.callbacks.request(request(number, Date.now()));
    const id = await readyAgent();
    failCustomerDial = true;
    await world.acd.agents.login(id);

    await until(async () => ['connected', 'failed'].includes((await world.callbacks.get(booked.callbackId))!.state), 'the callback settled', 20_000);
    // One try is allowed in these tests: the try the switch spoilt was given back.
    expect(await world.callbacks.get(booked.callbackId)).toMatchObject({ state: 'connected', attempts: 2, maxAttempts: 2 });
    expect(originatesTo(`PJSIP/${number}@trunk`)).toHaveLength(2);
    // The agent who heard the whisper was hung up, then rung again; never paused.
    const agentLegs = originatesTo(`PJSIP/${id}`).map((r) => r.path.slice('/ari/channels/'.length));
    expect(agentLegs).toHaveLength(2);
    expect(sim.channels().map((c) => c.id)).not.toContain(agentLegs[0]);
    expect(agentStates(id)).not.toContain('paused');
    const record = await world.recorder.forCall(booked.callbackId);
    expect(record.find((e) => e.type === 'offer-failed')).toMatchObject({ agent: id, reason: 'switch-fault', stage: 'dial' });
  });
});
