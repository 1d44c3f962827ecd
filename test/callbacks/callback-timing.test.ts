import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ManualClock } from '../../src/time/clock.js';
import { DEADLINE_PRIORITY } from '../../src/acd/virtual-calls.js';
import type { CallbackRequest } from '../../src/callbacks/callback.js';
import { CallbackDesk } from '../../src/callbacks/callback-desk.js';
import type { Need, TierId } from '../../src/routing/types.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { until } from '../acd/support/acd-fixture.js';
import { startCallbackWorld, type CallbackWorld } from './support/callback-world.js';
import { routeFor } from './support/sessions.js';

/**
 * Callbacks in virtual time: retries, quiet hours, the deadline, expiry and
 * the supervisor desk. The ACD and the callbacks run on a ManualClock; BullMQ
 * keeps the timers and `catchUp` hands over those the clock made due. Calls
 * go through the simulated Asterisk in real (compressed) time.
 *
 * The clock starts on Monday 2026-01-05 at 17:00 in Shanghai (09:00 UTC);
 * quiet hours are 21:00–08:00 there.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.UTC(2026, 0, 5, 9, 0, 0);
const redisUrl = inject('redisUrl');
const app = `cbt-${randomUUID().slice(0, 6)}`;
const clock = new ManualClock(START);
let sim: SimulatedAsterisk;
let world: CallbackWorld;
let desk: CallbackDesk;
let nextAgent = 7200;
let nextCustomer = 13900000200;
let nextCall = 1;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: app });
  world = await startCallbackWorld({
    redisUrl, prefix: `test:cb:timing:${randomUUID().slice(0, 8)}`, simUrl: sim.url, app, clock,
    callbacks: { retry: { attempts: 3, delaysSec: [120, 300] }, outbound: { ringSec: 5 } },
  });
  desk = new CallbackDesk(world.callbacks, world.acd);
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

/** Moves the virtual clock and lets the timers it made due run to their end. */
async function advance(ms: number): Promise<void> {
  await clock.advance(ms);
  await world.callbacks.catchUp();
  await settled();
}

/** Until no timer or dial job is waiting or running (a dial ends with its conversation). */
async function settled(): Promise<void> {
  await until(async () => (await world.callbacks.pendingWork()) === 0, 'callback jobs done');
}

/** Sets the clock to a local time in Shanghai (UTC+8) on a January 2026 day. */
async function advanceTo(day: number, hour: number, minute = 0): Promise<void> {
  const target = Date.UTC(2026, 0, day, hour - 8, minute);
  if (target < clock.now()) throw new Error('the clock cannot go back');
  await advance(target - clock.now());
}

function request(number: string, tier: TierId, need: Need = 'billing', enqueuedAt = clock.now()): CallbackRequest {
  const d = routeFor(world.policy, need, tier);
  return {
    callId: `call-${nextCall++}`, queue: d.queue, skill: d.skill, minAgentLevel: d.minAgentLevel, priority: d.priority,
    preferHighestLevel: d.preferHighestLevel, overflow: d.overflow, tier, number, context: null, reason: d.reason, lang: 'zh', enqueuedAt,
  };
}

async function readyAgent(skills: Record<string, number>): Promise<string> {
  const id = String(nextAgent++);
  sim.setAgent(id, { kind: 'answer', afterMs: 200 });
  await world.acd.agents.add({ id, name: `Agent ${id}`, dial: `PJSIP/${id}`, skills });
  await world.acd.agents.login(id);
  return id;
}

function customerDials(number: string): number {
  return sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && r.query.endpoint === `PJSIP/${number}@trunk`).length;
}

async function state(id: string) {
  return (await world.callbacks.get(id))!;
}

describe('retries', () => {
  it('a customer busy twice is dialled again after each delay and connected on the third try', async () => {
    const number = String(nextCustomer++);
    sim.setAgent(number, { kind: 'busy' });
    await readyAgent({ billing: 4 });
    const booked = await world.callbacks.request(request(number, 'gold'));

    await until(async () => (await state(booked.callbackId)).attempts === 1 && (await state(booked.callbackId)).state === 'scheduled', 'the first try over');
    expect(await state(booked.callbackId)).toMatchObject({ scheduledBecause: 'retry', lastResult: 'busy', notBefore: clock.now() + 2 * MIN });
    // Nothing more before the delay.
    await advance(2 * MIN - 1000);
    expect(customerDials(number)).toBe(1);

    await advance(1000);
    await until(async () => (await state(booked.callbackId)).attempts === 2 && (await state(booked.callbackId)).state === 'scheduled', 'the second try over');
    expect((await state(booked.callbackId)).notBefore).toBe(clock.now() + 5 * MIN);

    sim.setAgent(number, { kind: 'answer', afterMs: 300, hangupAfterMs: 5000 });
    await advance(5 * MIN);
    await until(async () => (await state(booked.callbackId)).state === 'connected', 'connected on the third try');
    expect(customerDials(number)).toBe(3);
    const callId = (await state(booked.callbackId)).callId;
    const outcomes = await until(async () => {
      const found = (await world.recorder.forCall(callId)).filter((e) => e.type === 'callback-outcome');
      return found.length === 3 ? found : null;
    }, 'three outcomes recorded');
    expect(outcomes.map((e) => e.type === 'callback-outcome' && [e.outcome, e.result ?? null, e.attempts])).toEqual([
      ['retry', 'busy', 1], ['retry', 'busy', 2], ['connected', null, 3],
    ]);
  });

  it('a customer who never answers ends as "no answer after 3 tries"', async () => {
    const number = String(nextCustomer++);
    sim.setAgent(number, { kind: 'no-answer' });
    const agent = await readyAgent({ billing: 4 });
    const booked = await world.callbacks.request(request(number, 'gold'));
    await until(async () => (await state(booked.callbackId)).attempts === 1 && (await state(booked.callbackId)).state === 'scheduled', 'first try');
    await advance(2 * MIN);
    await until(async () => (await state(booked.callbackId)).attempts === 2 && (await state(booked.callbackId)).state === 'scheduled', 'second try');
    await advance(5 * MIN);
    await until(async () => (await state(booked.callbackId)).state === 'failed', 'given up');
    expect(await state(booked.callbackId)).toMatchObject({ attempts: 3, lastResult: 'no-answer', closeReason: 'no answer after 3 tries' });
    expect(customerDials(number)).toBe(3);
    // The agent was released each time without penalty.
    expect((await world.acd.agents.get(agent)).state).toBe('available');
    const callId = (await state(booked.callbackId)).callId;
    const final = await until(async () => (await world.recorder.forCall(callId)).find((e) => e.type === 'callback-outcome' && e.outcome === 'no-answer'), 'the final outcome recorded');
    expect(final).toMatchObject({ outcome: 'no-answer', attempts: 3, reason: 'no answer after 3 tries' });
    expect((await desk.get(booked.callbackId)).state).toBe('failed');
  });
});

describe('merging duplicate requests', () => {
  it('a second request from the same number for the same queue returns the open callback', async () => {
    const number = String(nextCustomer++);
    const first = await world.callbacks.request(request(number, 'silver'));
    const second = await world.callbacks.request(request(number, 'silver'));
    const otherQueue = await world.callbacks.request(request(number, 'silver', 'orders'));
    expect(second).toEqual({ callbackId: first.callbackId, deadline: first.deadline, merged: true });
    expect(otherQueue.callbackId).not.toBe(first.callbackId);
    expect((await state(first.callbackId)).merged).toBe(1);
    expect((await world.acd.waiting('billing')).filter((w) => w.callId === first.callbackId)).toHaveLength(1);
    await desk.cancel(first.callbackId, { reason: 'test over', by: 'tester' });
    await desk.cancel(otherQueue.callbackId, { reason: 'test over', by: 'tester' });
    // Once the first is over, a new request makes a new callback.
    const again = await world.callbacks.request(request(number, 'silver'));
    expect(again.merged).toBe(false);
    expect(again.callbackId).not.toBe(first.callbackId);
    await desk.cancel(again.callbackId, { reason: 'test over', by: 'tester' });
  });
});

describe('the deadline', () => {
  it('a callback whose deadline draws near goes ahead of every call in its queue, and is overdue past it', async () => {
    await advanceTo(5, 18, 0);
    world.policy.patchTier('standard', { callbackDeadlineSec: 1800 }, 'test');
    try {
      const standard = await world.callbacks.request(request(String(nextCustomer++), 'standard', 'enterprise'));
      expect(standard.deadline.getTime()).toBe(Date.UTC(2026, 0, 5, 10, 30));
      await advance(MIN);
      const gold = await world.callbacks.request(request(String(nextCustomer++), 'gold', 'enterprise'));
      // Gold (80) is ahead of standard (20, one minute older: +10 by aging).
      expect((await world.acd.waiting('enterprise')).map((w) => w.callId)).toEqual([gold.callbackId, standard.callbackId]);

      // The place goes first dispatchMarginSec (2 min) before the deadline: at 18:28.
      await advanceTo(5, 18, 27);
      expect((await world.acd.waiting('enterprise')).map((w) => w.callId)).toEqual([gold.callbackId, standard.callbackId]);
      await advance(MIN);
      await until(async () => (await world.acd.waiting('enterprise'))[0]?.callId === standard.callbackId, 'the standard callback first');
      const waiting = await world.acd.waiting('enterprise');
      expect(waiting.map((w) => w.callId)).toEqual([standard.callbackId, gold.callbackId]);
      expect(waiting[0]!.priority).toBe(DEADLINE_PRIORITY);
      expect((await desk.get(standard.callbackId)).promoted).toBe(true);

      // No agent came: past the deadline it is overdue for the supervisors.
      expect((await desk.list({ status: 'overdue' })).map((v) => v.id)).not.toContain(standard.callbackId);
      await advance(3 * MIN);
      const overdue = await desk.list({ status: 'overdue' });
      expect(overdue.map((v) => v.id)).toEqual([standard.callbackId]);
      expect(overdue[0]).toMatchObject({ queue: 'enterprise', tier: 'standard', overdue: true, attempts: 0, state: 'waiting', position: 1 });
      expect((await desk.counts()).tiers.standard).toEqual({ pending: 1, overdue: 1 });
      await desk.cancel(standard.callbackId, { reason: 'test over', by: 'tester' });
      await desk.cancel(gold.callbackId, { reason: 'test over', by: 'tester' });
    } finally {
      world.policy.patchTier('standard', { callbackDeadlineSec: 86_400 }, 'test');
    }
  });
});

describe('quiet hours', () => {
  it('no dialling from 21:00 to 08:00: the callback leaves its queue at 21:00, is dialled at 08:00, and its deadline pauses', async () => {
    await advanceTo(5, 20, 50);
    const number = String(nextCustomer++);
    sim.setAgent(number, { kind: 'answer', afterMs: 300, hangupAfterMs: 5000 });
    const booked = await world.callbacks.request(request(number, 'gold', 'orders'));
    // Gold: 1 h. 10 min before 21:00, the other 50 min after 08:00.
    expect(booked.deadline.getTime()).toBe(Date.UTC(2026, 0, 6, 0, 50));
    expect((await world.acd.waiting('orders')).map((w) => w.callId)).toEqual([booked.callbackId]);

    await advanceTo(5, 21, 0);
    await until(async () => (await state(booked.callbackId)).state === 'scheduled', 'out of the queue at 21:00');
    expect(await state(booked.callbackId)).toMatchObject({ scheduledBecause: 'quiet-hours', notBefore: Date.UTC(2026, 0, 6, 0, 0) });
    expect(await world.acd.waiting('orders')).toEqual([]);

    // An agent free during the night does not call anyone.
    await readyAgent({ orders: 4 });
    await advanceTo(6, 7, 59);
    expect(customerDials(number)).toBe(0);
    expect((await desk.get(booked.callbackId)).nextAttemptAt).toBe(Date.UTC(2026, 0, 6, 0, 0));

    await advanceTo(6, 8, 0);
    await until(async () => (await state(booked.callbackId)).state === 'connected', 'dialled at 08:00');
    expect(customerDials(number)).toBe(1);
    const callId = (await state(booked.callbackId)).callId;
    const dialled = await until(async () => (await world.recorder.forCall(callId)).find((e) => e.type === 'callback-dialled'), 'the dial recorded');
    expect(dialled?.at).toBe(Date.UTC(2026, 0, 6, 0, 0));
  });

  it('a callback asked for during quiet hours waits for 08:00 and its deadline counts from then', async () => {
    await advanceTo(6, 23, 0);
    const booked = await world.callbacks.request(request(String(nextCustomer++), 'silver', 'broadband'));
    // Silver: 4 h from 08:00.
    expect(booked.deadline.getTime()).toBe(Date.UTC(2026, 0, 7, 4, 0));
    expect(await state(booked.callbackId)).toMatchObject({ state: 'scheduled', scheduledBecause: 'quiet-hours', notBefore: Date.UTC(2026, 0, 7, 0, 0) });
    expect(await world.acd.waiting('broadband')).toEqual([]);
    await advanceTo(7, 8, 0);
    await until(async () => (await world.acd.waiting('broadband')).some((w) => w.callId === booked.callbackId), 'in its queue at 08:00');
    await desk.cancel(booked.callbackId, { reason: 'test over', by: 'tester' });
  });
});

describe('expiry', () => {
  it('a callback no agent could take within a day of its deadline expires, recorded', async () => {
    // Wednesday 7 January, 09:00: gold, 1 h deadline; no agent has the enterprise skill.
    await advanceTo(7, 9, 0);
    const booked = await world.callbacks.request(request(String(nextCustomer++), 'gold', 'enterprise'));
    const { deadline, expiresAt } = await state(booked.callbackId);
    expect(deadline).toBe(Date.UTC(2026, 0, 7, 2, 0));
    expect(expiresAt).toBe(deadline + 24 * HOUR);
    await advance(expiresAt - clock.now() - MIN);
    expect((await state(booked.callbackId)).state).not.toBe('expired');
    expect((await desk.list({ status: 'overdue' })).map((v) => v.id)).toContain(booked.callbackId);
    await advance(MIN);
    expect(await state(booked.callbackId)).toMatchObject({ state: 'expired', closeReason: 'not completed in time' });
    expect((await world.acd.waiting('enterprise')).map((w) => w.callId)).not.toContain(booked.callbackId);
    const callId = (await state(booked.callbackId)).callId;
    const expired = await until(async () => (await world.recorder.forCall(callId)).find((e) => e.type === 'callback-outcome'), 'the expiry recorded');
    expect(expired).toMatchObject({ outcome: 'expired', attempts: 0 });
    expect((await desk.list()).map((v) => v.id)).not.toContain(booked.callbackId);
  });
});
