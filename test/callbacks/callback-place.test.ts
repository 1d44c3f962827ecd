import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { QueuedCall } from '../../src/acd/call-queue.js';
import type { Call } from '../../src/call-control/call-control.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { AriHarness } from '../support/ari-harness.js';
import { until } from '../acd/support/acd-fixture.js';
import { startCallbackWorld, type CallbackWorld } from './support/callback-world.js';
import { contextOf, routeFor, sessionOf } from './support/sessions.js';
import type { TierId } from '../../src/routing/types.js';
import type { Need } from '../../src/routing/types.js';

/**
 * Callbacks over the real ACD, ARI call control and the simulated Asterisk
 * (20 times faster than life): the place kept in the queue, the dial through
 * the reserved agent, retries, the outcome.
 */
const SPEED = 20;
const redisUrl = inject('redisUrl');
const app = `cb-${randomUUID().slice(0, 6)}`;
let sim: SimulatedAsterisk;
let harness: AriHarness;
let world: CallbackWorld;
let nextAgent = 7100;
let nextCustomer = 13900000100;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, dialplanApp: app });
  harness = await AriHarness.start({ url: sim.url });
  world = await startCallbackWorld({
    redisUrl, prefix: `test:cb:place:${randomUUID().slice(0, 8)}`, simUrl: sim.url, app,
    callbacks: { retry: { attempts: 3, delaysSec: [10, 10] }, outbound: { quietHours: null } },
  });
});

afterAll(async () => {
  await harness?.stop();
  await world?.stop();
  await sim?.close();
});

afterEach(async () => {
  // Agents of one test must not take the next test's calls.
  for (const agent of await world.acd.agents.list()) {
    if (agent.state !== 'offline') await world.acd.agents.logout(agent.id).catch(() => {});
  }
});

/** A caller through the dialplan, in the service and queued for `need`. */
async function queuedCaller(from: string, need: Need, tier: TierId): Promise<{ call: Call; queued: QueuedCall }> {
  const before = world.incoming.length;
  const caller = await harness.call('10000', { from });
  const call = await until(() => world.incoming.slice(before).find((c) => c.callerNumber === from), 'the call in the service');
  await caller.waitForService();
  const session = sessionOf(call, tier, Date.now());
  const queued = await world.acd.enqueue(call, routeFor(world.policy, need, tier), contextOf(session));
  if (queued.kind !== 'queued') throw new Error('queue full');
  return { call, queued };
}

/** The caller takes the callback: out of the queue, the callback keeps the place. */
async function takeCallback(call: Call, queued: QueuedCall, need: Need, tier: TierId, number: string) {
  expect(await queued.leave('callback')).toBe(true);
  return world.callbacks.book({ session: sessionOf(call, tier, Date.now()), queued, decision: routeFor(world.policy, need, tier), number });
}

async function agent(skills: Record<string, number>, behaviour: Parameters<SimulatedAsterisk['setAgent']>[1]): Promise<string> {
  const id = String(nextAgent++);
  sim.setAgent(id, behaviour);
  await world.acd.agents.add({ id, name: `Agent ${id}`, dial: `PJSIP/${id}`, skills });
  return id;
}

function customer(): string {
  return String(nextCustomer++);
}

/** Originate requests the simulator received for a dial string. */
function originatesTo(endpoint: string) {
  return sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && r.query.endpoint === endpoint);
}

/** Media played to channels whose id starts with `prefix`, one entry per play request. */
function playedTo(prefix: string): string[] {
  return sim.requests()
    .filter((r) => r.method === 'POST' && r.path.startsWith(`/ari/channels/${prefix}`) && r.path.includes('/play'))
    .map((r) => String(r.query.media));
}

describe('a callback keeps the caller\'s place', () => {
  it('a callback requested earlier is served before a live caller of the same priority who arrived later', async () => {
    const first = await queuedCaller('13800000031', 'orders', 'standard');
    const later = await queuedCaller('13800000032', 'orders', 'standard');
    const number = customer();
    sim.setAgent(number, { kind: 'answer', afterMs: 400, hangupAfterMs: 3000 });
    const booked = await takeCallback(first.call, first.queued, 'orders', 'standard', number);
    expect(booked.merged).toBe(false);

    // The callback waits where the call was: ahead of the later caller.
    const waiting = await world.acd.waiting('orders');
    expect(waiting.map((w) => [w.callId, w.virtual, w.position])).toEqual([[booked.callbackId, true, 1], [later.call.id, false, 2]]);
    expect(waiting[0]!.priority).toBe(first.queued.priority);

    const a = await agent({ orders: 2 }, { kind: 'answer', afterMs: 300 });
    await world.acd.agents.login(a);
    await until(async () => (await world.callbacks.get(booked.callbackId))?.state === 'connected', 'the callback connected', 15_000);
    // The agent heard the whisper, then was bridged with the customer.
    const agentLeg = originatesTo(`PJSIP/${a}`)[0];
    expect(agentLeg?.query.callerId).toBe(number);
    expect(JSON.stringify(agentLeg?.body)).toContain(`"HOTLINE_CALLBACK_ID":"${booked.callbackId}"`);
    expect(originatesTo(`PJSIP/${number}@trunk`)).toHaveLength(1);
    expect(originatesTo(`PJSIP/${number}@trunk`)[0]?.query.callerId).toBe('10000');
    const plays = playedTo(`${booked.callbackId}-a`).concat(playedTo(`${booked.callbackId}-c`));
    expect(plays.join(',')).toContain('sound:hotline/whisper/callback,sound:hotline/whisper/tier-standard,sound:hotline/whisper/reason-prefix,sound:hotline/queue/orders');
    expect(plays).toContain('sound:hotline/cb/greeting');
    await until(() => sim.bridges().some((b) => b.channels.length === 2 && b.channels.some((c) => c.startsWith(booked.callbackId))), 'agent and customer bridged');
    // The later caller is still waiting while the agent serves the callback.
    expect((await world.acd.waiting('orders')).map((w) => w.callId)).toEqual([later.call.id]);

    // After the conversation and wrap-up, the same agent takes the later caller.
    const settled = await later.queued.settled;
    expect(settled).toMatchObject({ kind: 'answered', agent: a });
    const events = await until(async () => {
      const found = await world.recorder.forCall(first.call.id);
      return found.some((e) => e.type === 'callback-outcome') ? found : null;
    }, 'the outcome recorded');
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['left-queue', 'callback-dialled', 'callback-outcome']));
    expect(events.find((e) => e.type === 'callback-outcome')).toMatchObject({ outcome: 'connected', attempts: 1 });
  });
});
