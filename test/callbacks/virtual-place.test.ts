import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ManualClock } from '../../src/time/clock.js';
import { DEADLINE_PRIORITY, type VirtualEntry } from '../../src/acd/virtual-calls.js';
import { agentDef, context, decision, queueSettings, staff, startAcd, uniquePrefix, until, type AcdFixture } from '../acd/support/acd-fixture.js';

/**
 * The ACD's virtual places (callbacks) against live calls, with a fake
 * switch and a virtual clock: one ordering for both, aging included; an agent
 * reserved for a virtual place is handed over through B:vres, never rung by
 * the live-call connector.
 */
const redisUrl = inject('redisUrl');
const MIN = 60_000;
let fixtures: AcdFixture[] = [];

afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

async function setup(agingPerMinute = 10) {
  const clock = new ManualClock();
  const f = await startAcd({ redisUrl, prefix: uniquePrefix('virtual'), clock, queues: { billing: queueSettings('billing', { agingPerMinute }) } });
  fixtures.push(f);
  return { ...f, clock };
}

function entry(id: string, enqueuedAt: number, overrides: Partial<VirtualEntry> = {}): VirtualEntry {
  return {
    id, queue: 'billing', skill: 'billing', minAgentLevel: 1, priority: 20, preferHighestLevel: false, overflow: null,
    tier: 'standard', enqueuedAt, arrivedAt: enqueuedAt, number: '13900000001', context: null, reason: 'need billing', ...overrides,
  };
}

async function live(f: AcdFixture, id: string, overrides: Parameters<typeof decision>[0] = {}) {
  const result = await f.acd.enqueue(f.switch.caller(id), decision({ agingPerMinute: 10, ...overrides }), context(id));
  if (result.kind !== 'queued') throw new Error('not queued');
  return result;
}

describe('virtual places in the ACD', () => {
  it('are ordered with live calls by the same rule: earlier first at equal priority, whichever is virtual', async () => {
    const f = await setup();
    const t0 = f.clock.now();
    await live(f, 'live-early');
    await f.clock.advance(1000);
    await live(f, 'live-late');
    // A callback keeping the place of a call enqueued between the two.
    expect(await f.acd.virtual.enqueue(entry('cb-1', t0 + 500))).toEqual({ status: 'queued', position: 2 });
    const waiting = await f.acd.waiting('billing');
    expect(waiting.map((w) => [w.callId, w.virtual])).toEqual([['live-early', false], ['cb-1', true], ['live-late', false]]);
    expect(await f.acd.virtual.enqueue(entry('cb-1', t0 + 500))).toEqual({ status: 'exists', state: 'waiting' });
  });

  it('age like live calls: a standard callback waiting 7 minutes is ahead of a gold caller who just arrived', async () => {
    const f = await setup();
    await f.acd.virtual.enqueue(entry('cb-old', f.clock.now()));
    await f.clock.advance(7 * MIN);
    await live(f, 'gold-new', { priority: 80, tier: 'gold' });
    const waiting = await f.acd.waiting('billing');
    expect(waiting.map((w) => [w.callId, Math.round(w.effectivePriority)])).toEqual([['cb-old', 90], ['gold-new', 80]]);
  });

  it('are handed to the virtual-call connector when an agent is reserved, not rung as a live call', async () => {
    const f = await setup();
    const handed: number[] = [];
    f.acd.virtual.onReservation(() => handed.push(1));
    await f.acd.virtual.enqueue(entry('cb-2', f.clock.now()));
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    const [reservation] = await until(async () => {
      const r = await f.acd.virtual.reservations();
      return r.length ? r : null;
    }, 'the reservation handed over');
    expect(reservation).toMatchObject({ call: 'cb-2' });
    await until(() => handed.length > 0, 'the connector woken');
    expect((await f.acd.agents.get('1001')).state).toBe('reserved');
    expect(f.switch.rings).toHaveLength(0);
    // Offered: not removable by a supervisor; the connector works it through the offer.
    expect(await f.acd.virtual.remove('cb-2')).toBe('offered');
    const offer = (await f.acd.virtual.offer(reservation!))!;
    expect(offer).toMatchObject({ callId: 'cb-2', agent: '1001', dial: 'Local/1001@agents', state: 'reserved', number: '13900000001' });
    await f.acd.virtual.acknowledge(reservation!);
    expect(await f.acd.virtual.reservations()).toEqual([]);
    // Released without penalty and requeued: the agent is offered it again at once.
    expect(await offer.release('requeue')).toBe(true);
    const [again] = await until(async () => {
      const r = await f.acd.virtual.reservations();
      return r.length ? r : null;
    }, 'reserved again');
    expect(again!.call).toBe('cb-2');
    expect(await (await f.acd.virtual.offer(again!))!.release('remove')).toBe(true);
    expect((await f.acd.agents.get('1001')).state).toBe('available');
    expect(await f.acd.virtual.get('cb-2')).toBeNull();
  });

  it('go first in their queue when given the deadline priority, keeping their order among themselves', async () => {
    const f = await setup(0);
    await live(f, 'diamond', { priority: 100, tier: 'diamond', agingPerMinute: 0 });
    await f.acd.virtual.enqueue(entry('cb-a', f.clock.now()));
    await f.clock.advance(1000);
    await f.acd.virtual.enqueue(entry('cb-b', f.clock.now()));
    expect((await f.acd.waiting('billing')).map((w) => w.callId)).toEqual(['diamond', 'cb-a', 'cb-b']);
    expect(await f.acd.virtual.prioritize('cb-b', DEADLINE_PRIORITY)).toBe(true);
    expect((await f.acd.waiting('billing')).map((w) => w.callId)).toEqual(['cb-b', 'diamond', 'cb-a']);
    expect(await f.acd.virtual.prioritize('cb-a', DEADLINE_PRIORITY)).toBe(true);
    expect((await f.acd.waiting('billing')).map((w) => w.callId)).toEqual(['cb-a', 'cb-b', 'diamond']);
    expect(await f.acd.virtual.remove('cb-a')).toBe('removed');
    expect(await f.acd.virtual.remove('cb-a')).toBe('missing');
  });
});
