import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { AcdEvent } from '../../src/acd/acd-event.js';
import { ManualClock } from '../../src/time/clock.js';
import type { QueuedCall } from '../../src/acd/call-queue.js';
import { agentDef, context, decision, eventTypes, queueSettings, staff, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

const redisUrl = inject('redisUrl');
let fixtures: AcdFixture[] = [];

afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

async function setup(queueOverrides: Parameters<typeof queueSettings>[1] = {}, busyPauseSec?: number) {
  const clock = new ManualClock();
  const f = await startAcd({
    redisUrl,
    prefix: uniquePrefix('connect'),
    clock,
    queues: { billing: queueSettings('billing', queueOverrides), general: queueSettings('general') },
    busyPauseSec,
  });
  fixtures.push(f);
  return { ...f, clock };
}

async function enqueue(f: AcdFixture, id: string): Promise<QueuedCall> {
  const result = await f.acd.enqueue(f.switch.caller(id), decision(), context(id));
  if (result.kind !== 'queued') throw new Error('not queued');
  return result;
}

async function state(f: AcdFixture, agent: string): Promise<string> {
  return (await f.acd.agents.get(agent)).state;
}

describe('connecting a caller to an agent', () => {
  it('when the agent answers, caller and agent are bridged, the hold music stops and the IVR learns the agent', async () => {
    const f = await setup();
    const q = await enqueue(f, 'c-1');
    const caller = f.switch.calls.get('c-1')!;
    await until(() => caller.moh, 'music on hold');
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    const ring = await until(() => f.switch.rings[0], 'ring');
    await f.clock.advance(4000);
    const leg = ring.answer();
    const settled = await q.settled;
    expect(settled).toEqual({ kind: 'answered', agent: '1001', waitMs: 4001 });
    expect(f.switch.bridges[0]!.members).toEqual(['c-1', leg.id]);
    expect(caller.moh).toBe(false);
    expect(await state(f, '1001')).toBe('on-call');
    expect(await eventTypes(f.recorder, 'c-1')).toEqual(['queued', 'offered', 'answered']);
  });

  it('when the agent does not answer, the agent is paused "no answer" and the call goes back to the head of the queue', async () => {
    const f = await setup();
    await enqueue(f, 'c-1');
    await f.clock.advance(1000);
    await enqueue(f, 'c-2');
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    const ring = await until(() => f.switch.rings[0], 'ring');
    expect(ring.callId).toBe('c-1');
    await f.clock.advance(15_000);
    await f.clock.advance(1000);
    await enqueue(f, 'c-3');
    ring.noAnswer();
    await until(async () => (await state(f, '1001')) === 'paused', 'agent paused');
    const agent = await f.acd.agents.get('1001');
    expect(agent.pauseReason).toBe('no answer');
    await until(async () => (await f.acd.waiting('billing')).length === 3, 'call back in the queue');
    expect((await f.acd.waiting('billing')).map((w) => w.callId)).toEqual(['c-1', 'c-2', 'c-3']);
    await until(async () => (await eventTypes(f.recorder, 'c-1')).includes('agent-no-answer'), 'no-answer record');
    // The next free agent is offered the call at once.
    await staff(f.acd, f.clock, [agentDef('1002', { billing: 2 })]);
    const second = await until(() => f.switch.rings[1], 'second ring');
    expect([second.callId, second.endpoint]).toEqual(['c-1', 'Local/1002@agents']);
  });

  it('a busy agent is paused for a while and the call goes to the next free agent at once', async () => {
    const f = await setup({}, 30);
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 }), agentDef('1002', { billing: 2 })]);
    f.switch.setAgent('Local/1001@agents', { kind: 'busy' });
    const q = await enqueue(f, 'c-1');
    const second = await until(() => f.switch.rings[1], 'second ring');
    expect(second.endpoint).toBe('Local/1002@agents');
    expect((await f.acd.agents.get('1001')).pauseReason).toBe('busy');
    second.answer();
    expect((await q.settled).kind).toBe('answered');
    await f.clock.advance(30_000);
    await until(async () => (await state(f, '1001')) === 'available', 'busy pause over');
    await until(async () => (await eventTypes(f.recorder, 'c-1')).join() === 'queued,offered,agent-unavailable,offered,answered', 'records');
  });

  it('an unreachable agent stays paused until set ready', async () => {
    const f = await setup({}, 30);
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    f.switch.setAgent('Local/1001@agents', { kind: 'unreachable' });
    await enqueue(f, 'c-1');
    await until(async () => (await f.acd.agents.get('1001')).pauseReason === 'unreachable', 'paused unreachable');
    await f.clock.advance(120_000);
    expect(await state(f, '1001')).toBe('paused');
    expect((await f.acd.waiting('billing')).map((w) => w.callId)).toEqual(['c-1']);
    f.switch.setAgent('Local/1001@agents', { kind: 'manual' });
    await f.acd.agents.ready('1001');
    await until(() => f.switch.rings.length === 2, 'offered again after ready');
  });

  it('when the caller hangs up while queued, the call leaves the queue and is recorded abandoned', async () => {
    const f = await setup();
    const q = await enqueue(f, 'c-1');
    await f.clock.advance(9000);
    f.switch.calls.get('c-1')!.remoteHangup();
    expect(await q.settled).toEqual({ kind: 'abandoned', waitMs: 9000, stage: 'queue' });
    expect(await f.acd.waiting('billing')).toEqual([]);
    await until(async () => (await eventTypes(f.recorder, 'c-1')).join() === 'queued,abandoned,ended', 'records');
    const ended = (await f.recorder.forCall('c-1')).at(-1);
    expect(ended).toMatchObject({ type: 'ended', outcome: 'abandoned' });
    // A free agent later is not offered the gone call.
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    expect(await state(f, '1001')).toBe('available');
    expect(f.switch.rings).toHaveLength(0);
  });

  it('when the caller hangs up while the agent rings, the agent leg is cancelled and the agent released without penalty', async () => {
    const f = await setup();
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 }), agentDef('1002', { billing: 2 })]);
    const q = await enqueue(f, 'c-1');
    const ring = await until(() => f.switch.rings[0], 'ring');
    expect(ring.endpoint).toBe('Local/1001@agents');
    await until(async () => (await state(f, '1001')) === 'ringing', 'ringing');
    f.switch.calls.get('c-1')!.remoteHangup();
    expect(await q.settled).toMatchObject({ kind: 'abandoned', stage: 'ringing' });
    expect(await ring.outcome).toEqual({ kind: 'cancelled' });
    await until(async () => (await state(f, '1001')) === 'available', 'released');
    // Released without penalty: still the longest idle, so first for the next call.
    await enqueue(f, 'c-2');
    const next = await until(() => f.switch.rings[1], 'next ring');
    expect(next.endpoint).toBe('Local/1001@agents');
    expect(await eventTypes(f.recorder, 'c-1')).toEqual(['queued', 'offered', 'abandoned', 'ended']);
  });

  it('when the caller hangs up while bridged, the agent leg is hung up and the agent goes to wrap-up, then available', async () => {
    const f = await setup({ wrapUpSec: 20 });
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    const q = await enqueue(f, 'c-1');
    const ring = await until(() => f.switch.rings[0], 'ring');
    const leg = ring.answer();
    await q.settled;
    await f.clock.advance(60_000);
    const ended = new Promise<AcdEvent>((resolve) => q.onEvent((e) => e.type === 'ended' && resolve(e)));
    f.switch.calls.get('c-1')!.remoteHangup();
    expect(await ended).toMatchObject({ type: 'ended', agent: '1001', talkMs: 60_000, by: 'caller' });
    expect(leg.gone).toBe(true);
    expect(leg.hungUpBy).toBe('service');
    expect(f.switch.bridges[0]!.destroyed).toBe(true);
    await until(async () => (await state(f, '1001')) === 'wrap-up', 'wrap-up');
    const agent = await f.acd.agents.get('1001');
    expect([agent.callsToday, agent.talkMsToday]).toEqual([1, 60_000]);
    await f.clock.advance(19_999);
    expect(await state(f, '1001')).toBe('wrap-up');
    await f.clock.advance(1);
    await until(async () => (await state(f, '1001')) === 'available', 'available after wrap-up');
    // The wrap-up, once over, is written too: the agents' figures add it up.
    await until(async () => (await eventTypes(f.recorder, 'c-1')).join() === 'queued,offered,answered,agent-ended,ended,wrap-up-ended', 'records');
    const events = await f.recorder.forCall('c-1');
    expect(events.find((e) => e.type === 'ended')).toMatchObject({ outcome: 'handled' });
    expect(events.at(-1)).toMatchObject({ type: 'wrap-up-ended', agent: '1001', wrapMs: 20_000 });
  });

  it('when the agent hangs up first, the caller is hung up too', async () => {
    const f = await setup();
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    const q = await enqueue(f, 'c-1');
    const leg = (await until(() => f.switch.rings[0], 'ring')).answer();
    await q.settled;
    const ended = new Promise<AcdEvent>((resolve) => q.onEvent((e) => e.type === 'ended' && resolve(e)));
    leg.remoteHangup();
    expect(await ended).toMatchObject({ by: 'agent' });
    expect(f.switch.calls.get('c-1')!.hungUpBy).toBe('service');
  });

  it('at the end of wrap-up a waiting call is offered to the agent at once', async () => {
    const f = await setup({ wrapUpSec: 10 });
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    f.switch.setAgent('Local/1001@agents', { kind: 'answer', hangupAfterAnswer: true });
    await enqueue(f, 'c-1');
    await until(async () => (await state(f, '1001')) === 'wrap-up', 'wrap-up');
    f.switch.setAgent('Local/1001@agents', { kind: 'manual' });
    await enqueue(f, 'c-2');
    expect(f.switch.rings).toHaveLength(1);
    await f.clock.advance(10_000);
    const ring = await until(() => f.switch.rings[1], 'offer after wrap-up');
    expect(ring.callId).toBe('c-2');
  });

  it('a pause asked for during a call takes effect when wrap-up ends', async () => {
    const f = await setup({ wrapUpSec: 5 });
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    const q = await enqueue(f, 'c-1');
    const leg = (await until(() => f.switch.rings[0], 'ring')).answer();
    await q.settled;
    const during = await f.acd.agents.pause('1001', 'lunch');
    expect([during.state, during.pending]).toEqual(['on-call', { kind: 'pause', reason: 'lunch' }]);
    leg.remoteHangup();
    await until(async () => (await state(f, '1001')) === 'wrap-up', 'wrap-up');
    await f.clock.advance(5000);
    await until(async () => (await state(f, '1001')) === 'paused', 'paused');
    expect((await f.acd.agents.get('1001')).pauseReason).toBe('lunch');
  });

  it('a call taken out with leave (callback) settles as removed, releasing an agent being rung', async () => {
    const f = await setup();
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    const q = await enqueue(f, 'c-1');
    const ring = await until(() => f.switch.rings[0], 'ring');
    expect(await q.leave('callback')).toBe(true);
    expect(await q.settled).toMatchObject({ kind: 'removed', reason: 'callback' });
    expect(await ring.outcome).toEqual({ kind: 'cancelled' });
    expect(await state(f, '1001')).toBe('available');
    expect(await eventTypes(f.recorder, 'c-1')).toEqual(['queued', 'offered', 'left-queue']);
    expect(f.switch.calls.get('c-1')!.gone).toBe(false);
    expect(await q.leave('again')).toBe(false);
  });

  it('reports position and estimated wait to a waiting caller', async () => {
    const f = await setup();
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 }), agentDef('1002', { billing: 2 })]);
    await f.acd.agents.pause('1002', 'break');
    f.switch.setAgent('Local/1001@agents', { kind: 'manual' });
    await enqueue(f, 'c-0');
    await f.clock.advance(1);
    await enqueue(f, 'c-1');
    await f.clock.advance(1);
    const q = await enqueue(f, 'c-2');
    expect(q.position).toBe(2);
    // One staffed agent (the paused one does not count), default handle time 180 s.
    expect(q.estimatedWaitMs).toBe(360_000);
    const status = await q.status();
    expect(status).toMatchObject({ stage: 'waiting', position: 2, waiting: 2, estimatedWaitMs: 360_000, overflowed: false });
  });
});
