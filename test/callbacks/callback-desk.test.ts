import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** Supervisor operations on callbacks, in virtual time from Monday 2026-01-05 10:00 in Shanghai. */
const MIN = 60_000;
const HOUR = 60 * MIN;
const sh = (day: number, hour: number, minute = 0) => Date.UTC(2026, 0, day, hour - 8, minute);
const redisUrl = inject('redisUrl');
const app = `cbd-${randomUUID().slice(0, 6)}`;
const clock = new ManualClock(sh(5, 10));
let sim: SimulatedAsterisk;
let world: CallbackWorld;
let desk: CallbackDesk;
let nextCustomer = 13900000300;
let nextCall = 1;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: app });
  // An agent who never answers rings for 120 s (6 s of real time): long enough to look at the offer.
  world = await startCallbackWorld({ redisUrl, prefix: `test:cb:desk:${randomUUID().slice(0, 8)}`, simUrl: sim.url, app, clock, queues: { complaints: { ringTimeoutSec: 120 } } });
  desk = new CallbackDesk(world.callbacks, world.acd);
});

afterAll(async () => {
  await world?.stop();
  await sim?.close();
});

async function advance(ms: number): Promise<void> {
  await clock.advance(ms);
  await world.callbacks.catchUp();
  await until(async () => (await world.callbacks.pendingWork()) === 0, 'callback jobs done');
}

function request(number: string, tier: TierId, need: Need, enqueuedAt = clock.now()): CallbackRequest {
  const d = routeFor(world.policy, need, tier);
  return {
    callId: `desk-call-${nextCall++}`, queue: d.queue, skill: d.skill, minAgentLevel: d.minAgentLevel, priority: d.priority,
    preferHighestLevel: d.preferHighestLevel, overflow: d.overflow, tier, number, context: null, reason: d.reason, lang: 'zh', enqueuedAt,
  };
}

async function rejection(promise: Promise<unknown>): Promise<{ status: number; code: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { status: number; code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

describe('the callback desk', () => {
  it('lists pending callbacks with the number masked, their place, deadline and attempts', async () => {
    const enqueuedAt = clock.now() - 3 * MIN;
    const booked = await world.callbacks.request(request('13800000001', 'diamond', 'billing', enqueuedAt));
    const [view] = (await desk.list({ queue: 'billing' })).filter((v) => v.id === booked.callbackId);
    expect(view).toEqual({
      id: booked.callbackId, queue: 'billing', tier: 'diamond', number: '138****0001', state: 'waiting', scheduledBecause: null,
      requestedAt: clock.now(), enqueuedAt, deadline: clock.now() + 15 * MIN, overdue: false, promoted: false, position: 1,
      attempts: 0, maxAttempts: 3, nextAttemptAt: null, lastResult: null, merged: 0, closedAt: null, closedBy: null, closeReason: null,
    });
    expect((await desk.list({ tier: 'gold' })).map((v) => v.id)).not.toContain(booked.callbackId);
    expect(await desk.counts()).toMatchObject({ queues: { billing: { pending: 1, overdue: 0 } }, tiers: { diamond: { pending: 1, overdue: 0 } } });
    await desk.cancel(booked.callbackId, { reason: 'listed', by: 'sup-1' });
  });

  it('cancels with a reason, recorded; the callback leaves its queue and shows among the closed', async () => {
    const booked = await world.callbacks.request(request(String(nextCustomer++), 'gold', 'orders'));
    expect((await rejection(desk.cancel(booked.callbackId, { reason: ' ', by: 'sup-1' }))).code).toBe('invalid-request');
    expect((await rejection(desk.cancel(booked.callbackId, { reason: 'asked by phone', by: '' }))).code).toBe('invalid-request');
    const view = await desk.cancel(booked.callbackId, { reason: 'customer called again and was served', by: 'sup-1' });
    expect(view).toMatchObject({ state: 'cancelled', closedBy: 'sup-1', closeReason: 'customer called again and was served', closedAt: clock.now() });
    expect((await world.acd.waiting('orders')).map((w) => w.callId)).not.toContain(booked.callbackId);
    expect((await desk.list({ status: 'closed' })).map((v) => v.id)).toContain(booked.callbackId);
    expect((await desk.list()).map((v) => v.id)).not.toContain(booked.callbackId);
    const callId = (await world.callbacks.get(booked.callbackId))!.callId;
    const cancelled = await until(async () => (await world.recorder.forCall(callId)).find((e) => e.type === 'callback-outcome'), 'the cancel recorded');
    expect(cancelled).toMatchObject({ outcome: 'cancelled', by: 'sup-1', reason: 'customer called again and was served' });
    expect(await rejection(desk.cancel(booked.callbackId, { reason: 'again', by: 'sup-1' }))).toMatchObject({ status: 409, code: 'callback-closed' });
    expect(await rejection(desk.cancel('cb-nope', { reason: 'x', by: 'sup-1' }))).toMatchObject({ status: 404, code: 'no-such-callback' });
  });

  it('reschedules to a time outside quiet hours within the limit; the callback comes back first in its queue then', async () => {
    const enqueuedAt = clock.now();
    const earlier = await world.callbacks.request(request(String(nextCustomer++), 'silver', 'broadband', enqueuedAt));
    const moved = await world.callbacks.request(request(String(nextCustomer++), 'silver', 'broadband', enqueuedAt + 1000));
    const at = clock.now() + 2 * HOUR;
    expect((await rejection(desk.reschedule(moved.callbackId, { at: clock.now() - 1, by: 'sup-2' }))).details).toMatchObject({ field: 'at' });
    expect((await rejection(desk.reschedule(moved.callbackId, { at: sh(5, 23), by: 'sup-2' }))).details).toMatchObject({ field: 'at', earliest: sh(6, 8) });
    expect((await rejection(desk.reschedule(moved.callbackId, { at: sh(13, 12), by: 'sup-2' }))).details).toMatchObject({ field: 'at' });
    expect((await rejection(desk.reschedule(moved.callbackId, { at: Number.NaN, by: 'sup-2' }))).code).toBe('invalid-request');

    const view = await desk.reschedule(moved.callbackId, { at, by: 'sup-2' });
    expect(view).toMatchObject({ state: 'scheduled', scheduledBecause: 'rescheduled', nextAttemptAt: at, deadline: at + 2 * MIN, enqueuedAt: enqueuedAt + 1000, position: null });
    expect((await world.acd.waiting('broadband')).map((w) => w.callId)).toEqual([earlier.callbackId]);
    const movedCall = (await world.callbacks.get(moved.callbackId))!.callId;
    const rescheduled = await until(async () => (await world.recorder.forCall(movedCall)).find((e) => e.type === 'callback-rescheduled'), 'the reschedule recorded');
    expect(rescheduled).toMatchObject({ notBefore: at, by: 'sup-2' });

    await advance(2 * HOUR - MIN);
    expect((await world.acd.waiting('broadband')).map((w) => w.callId)).toEqual([earlier.callbackId]);
    await advance(MIN);
    const waiting = await world.acd.waiting('broadband');
    expect(waiting.map((w) => [w.callId, w.priority])).toEqual([[moved.callbackId, DEADLINE_PRIORITY], [earlier.callbackId, 60]]);
    await desk.cancel(moved.callbackId, { reason: 'done', by: 'sup-2' });
    await desk.cancel(earlier.callbackId, { reason: 'done', by: 'sup-2' });
  });

  it('refuses to change a callback whose agent is already being rung', async () => {
    const agent = '7301';
    sim.setAgent(agent, { kind: 'no-answer' });
    await world.acd.agents.add({ id: agent, name: 'Agent 7301', dial: `PJSIP/${agent}`, skills: { complaints: 4 } });
    const booked = await world.callbacks.request(request(String(nextCustomer++), 'gold', 'complaints'));
    await world.acd.agents.login(agent);
    await until(async () => (await desk.get(booked.callbackId)).state === 'offered', 'the agent rung');
    expect(await rejection(desk.cancel(booked.callbackId, { reason: 'x', by: 'sup-3' }))).toMatchObject({ status: 409, code: 'callback-busy' });
    expect(await rejection(desk.reschedule(booked.callbackId, { at: clock.now() + HOUR, by: 'sup-3' }))).toMatchObject({ status: 409, code: 'callback-busy' });
    // The agent does not answer: paused, and the callback back in its place.
    await until(async () => (await world.acd.agents.get(agent)).state === 'paused', 'the agent paused');
    expect((await desk.get(booked.callbackId)).state).toBe('waiting');
    await desk.cancel(booked.callbackId, { reason: 'done', by: 'sup-3' });
  });
});
