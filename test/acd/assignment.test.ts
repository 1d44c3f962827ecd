import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ManualClock } from '../../src/time/clock.js';
import type { QueuedCall } from '../../src/acd/call-queue.js';
import { agentDef, context, decision, queueSettings, staff, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

const redisUrl = inject('redisUrl');
let fixtures: AcdFixture[] = [];

afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

async function setup(options: Partial<Parameters<typeof startAcd>[0]> = {}) {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
  const f = await startAcd({ redisUrl, prefix: uniquePrefix('assign'), clock, ...options });
  fixtures.push(f);
  return { ...f, clock };
}

async function enqueue(f: AcdFixture, id: string, overrides: Parameters<typeof decision>[0] = {}): Promise<QueuedCall> {
  const call = f.switch.caller(id);
  const result = await f.acd.enqueue(call, decision(overrides), context(id));
  if (result.kind !== 'queued') throw new Error(`call ${id} was not queued: ${result.kind}`);
  return result;
}

/** The call ids offered to agents, in the order the agents were rung. */
function offeredCalls(f: AcdFixture): string[] {
  return f.switch.rings.map((r) => r.callId);
}

describe('assignment', () => {
  it('when an agent becomes available, the call with the highest priority is offered first', async () => {
    const f = await setup();
    await enqueue(f, 'c-standard', { priority: 20, tier: 'standard' });
    await f.clock.advance(1000);
    await enqueue(f, 'c-diamond', { priority: 100, tier: 'diamond' });
    await f.clock.advance(1000);
    await enqueue(f, 'c-gold', { priority: 80, tier: 'gold' });
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 3 })]);
    await until(() => f.switch.rings.length === 1, 'first offer');
    expect(offeredCalls(f)).toEqual(['c-diamond']);
    expect((await f.acd.waiting('billing')).map((w) => w.callId)).toEqual(['c-gold', 'c-standard']);
  });

  it('among calls of equal priority the oldest is offered first', async () => {
    const f = await setup();
    for (const id of ['c-1', 'c-2', 'c-3']) {
      await enqueue(f, id);
      await f.clock.advance(10);
    }
    for (const id of ['1001', '1002', '1003']) {
      await staff(f.acd, f.clock, [agentDef(id, { billing: 2 })]);
      await until(() => f.switch.rings.length === Number(id) - 1000, `offer to ${id}`);
    }
    expect(offeredCalls(f)).toEqual(['c-1', 'c-2', 'c-3']);
  });

  it('a long-waiting standard call overtakes a newly arrived gold call through aging', async () => {
    const f = await setup({ queues: { billing: queueSettings('billing', { agingPerMinute: 10 }) } });
    await enqueue(f, 'c-standard', { priority: 20 });
    await f.clock.advance(7 * 60_000); // 20 + 70 = 90 > 80
    await enqueue(f, 'c-gold', { priority: 80, tier: 'gold' });
    await f.clock.advance(1000);
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 3 })]);
    await until(() => f.switch.rings.length === 1, 'offer');
    expect(offeredCalls(f)).toEqual(['c-standard']);
  });

  it('a gold call that arrived later is still ahead of a standard call that has not waited long enough', async () => {
    const f = await setup({ queues: { billing: queueSettings('billing', { agingPerMinute: 10 }) } });
    await enqueue(f, 'c-standard', { priority: 20 });
    await f.clock.advance(5 * 60_000); // 20 + 50 = 70 < 80
    await enqueue(f, 'c-gold', { priority: 80, tier: 'gold' });
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 3 })]);
    await until(() => f.switch.rings.length === 1, 'offer');
    expect(offeredCalls(f)).toEqual(['c-gold']);
  });

  it('an agent is offered only calls whose skill and minimum level they have', async () => {
    const f = await setup();
    await enqueue(f, 'c-diamond', { priority: 100, minAgentLevel: 4, tier: 'diamond' });
    await f.clock.advance(1);
    await enqueue(f, 'c-broadband', { queue: 'general', skill: 'broadband', priority: 90 });
    await f.clock.advance(1);
    await enqueue(f, 'c-standard', { priority: 20, minAgentLevel: 1 });
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 3 })]);
    await until(() => f.switch.rings.length === 1, 'offer');
    expect(offeredCalls(f)).toEqual(['c-standard']);
    await staff(f.acd, f.clock, [agentDef('1002', { billing: 4 })]);
    await until(() => f.switch.rings.length === 2, 'second offer');
    expect(offeredCalls(f)).toEqual(['c-standard', 'c-diamond']);
  });

  it('after the overflow time a call is also offered to higher-level general agents', async () => {
    const f = await setup();
    await staff(f.acd, f.clock, [agentDef('2001', { general: 4 }), agentDef('2002', { general: 2 })]);
    const q = await enqueue(f, 'c-1', { overflow: { afterMs: 30_000, skill: 'general', minAgentLevel: 3 } });
    expect(q.position).toBe(1);
    await f.clock.advance(29_999);
    expect(f.switch.rings).toHaveLength(0);
    await f.clock.advance(1);
    await until(() => f.switch.rings.length === 1, 'overflow offer');
    expect(f.switch.rings[0]!.endpoint).toBe('Local/2001@agents');
    const events = await until(async () => {
      const types = (await f.recorder.forCall('c-1')).map((e) => e.type);
      return types.length === 3 && types;
    }, 'overflowed and offered records');
    expect(events).toEqual(['queued', 'overflowed', 'offered']);
  });

  it('a call already past its overflow time goes to a general agent who becomes available', async () => {
    const f = await setup();
    await enqueue(f, 'c-1', { overflow: { afterMs: 10_000, skill: 'general', minAgentLevel: 3 } });
    await f.clock.advance(10_000);
    await until(async () => (await f.acd.status('c-1'))?.overflowed, 'overflow stage');
    await staff(f.acd, f.clock, [agentDef('2002', { general: 2 })]);
    await staff(f.acd, f.clock, [agentDef('2001', { general: 3 })]);
    await until(() => f.switch.rings.length === 1, 'offer');
    expect(f.switch.rings[0]!.endpoint).toBe('Local/2001@agents');
  });

  it('a call that prefers the highest level takes the highest-level agent available, not the longest idle', async () => {
    const f = await setup();
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 }), agentDef('1002', { billing: 5 }), agentDef('1003', { billing: 4 })]);
    await enqueue(f, 'c-vip', { priority: 100, tier: 'diamond', preferHighestLevel: true });
    await until(() => f.switch.rings.length === 1, 'offer');
    expect(f.switch.rings[0]!.endpoint).toBe('Local/1002@agents');
    await enqueue(f, 'c-plain');
    await until(() => f.switch.rings.length === 2, 'second offer');
    expect(f.switch.rings[1]!.endpoint).toBe('Local/1001@agents');
  });

  it('among qualified free agents the one idle longest is chosen', async () => {
    const f = await setup();
    await staff(f.acd, f.clock, [agentDef('1003', { billing: 2 }), agentDef('1001', { billing: 2 }), agentDef('1002', { billing: 2 })]);
    for (const id of ['c-1', 'c-2', 'c-3']) await enqueue(f, id);
    await until(() => f.switch.rings.length === 3, 'three offers');
    expect(f.switch.rings.map((r) => r.endpoint)).toEqual(['Local/1003@agents', 'Local/1001@agents', 'Local/1002@agents']);
  });

  it('with the fewest-calls choice the agent with the fewest calls today is chosen, whatever their idle time', async () => {
    const f = await setup({ agentChoice: 'fewest-calls' });
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    f.switch.setAgent('Local/1001@agents', { kind: 'answer', hangupAfterAnswer: true });
    await enqueue(f, 'c-warmup');
    await until(async () => (await f.acd.agents.get('1001')).callsToday === 1 && (await f.acd.agents.get('1001')).state === 'available', 'first call done');
    await f.clock.advance(1);
    await staff(f.acd, f.clock, [agentDef('1002', { billing: 2 })]);
    // 1001 has been idle longer but has answered a call today; 1002 has none.
    f.switch.setAgent('Local/1001@agents', { kind: 'manual' });
    await enqueue(f, 'c-next');
    await until(() => f.switch.rings.length === 2, 'second offer');
    expect(f.switch.rings[1]!.endpoint).toBe('Local/1002@agents');
  });

  it('the longest-idle choice takes the agent idle longest even when they have more calls today', async () => {
    const f = await setup({ agentChoice: 'longest-idle' });
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    f.switch.setAgent('Local/1001@agents', { kind: 'answer', hangupAfterAnswer: true });
    await enqueue(f, 'c-warmup');
    await until(async () => (await f.acd.agents.get('1001')).callsToday === 1 && (await f.acd.agents.get('1001')).state === 'available', 'first call done');
    await f.clock.advance(1);
    await staff(f.acd, f.clock, [agentDef('1002', { billing: 2 })]);
    f.switch.setAgent('Local/1001@agents', { kind: 'manual' });
    await enqueue(f, 'c-next');
    await until(() => f.switch.rings.length === 2, 'second offer');
    expect(f.switch.rings[1]!.endpoint).toBe('Local/1001@agents');
  });

  it('a call enqueued while a qualified agent is free is offered at once, at position 0', async () => {
    const f = await setup();
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 1 })]);
    const q = await enqueue(f, 'c-1');
    expect(q.position).toBe(0);
    expect(q.estimatedWaitMs).toBe(0);
    await until(() => f.switch.rings.length === 1, 'offer');
    const ring = f.switch.rings[0]!;
    expect(ring.options.variables).toEqual({
      HOTLINE_CALL_ID: 'c-1',
      HOTLINE_TIER: 'standard',
      HOTLINE_QUEUE: 'billing',
      HOTLINE_ACCOUNT: 'AC10000004',
      HOTLINE_REASON: 'need billing',
    });
    expect(ring.options.callerId).toBe('13800000004');
    expect(ring.options.timeoutSec).toBe(15);
  });

  it('a full queue turns the call away without queuing it', async () => {
    const f = await setup({ queues: { billing: queueSettings('billing', { maxWaiting: 2 }) } });
    await enqueue(f, 'c-1');
    await enqueue(f, 'c-2');
    const third = await f.acd.enqueue(f.switch.caller('c-3'), decision(), context('c-3'));
    expect(third).toEqual({ kind: 'full', queue: 'billing', waiting: 2, maxWaiting: 2 });
    expect((await f.acd.waiting('billing')).map((w) => w.callId)).toEqual(['c-1', 'c-2']);
  });

  it('positions follow the queue order and a new aging rate re-orders calls already waiting', async () => {
    const queues = { billing: queueSettings('billing', { agingPerMinute: 0 }) };
    const f = await setup({ queues });
    const a = await enqueue(f, 'c-old-standard', { priority: 20 });
    await f.clock.advance(10 * 60_000);
    const b = await enqueue(f, 'c-new-gold', { priority: 80 });
    expect([a.position, b.position]).toEqual([1, 1]);
    expect((await f.acd.waiting('billing')).map((w) => w.callId)).toEqual(['c-new-gold', 'c-old-standard']);
    // A supervisor turns aging on: the standard call has waited 10 minutes, 20 + 100 > 80.
    queues.billing = queueSettings('billing', { agingPerMinute: 10 });
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    await until(() => f.switch.rings.length === 1, 'offer');
    expect(offeredCalls(f)).toEqual(['c-old-standard']);
    expect((await b.status())?.position).toBe(1);
  });

  it('rejects a decision for an unknown queue or with an impossible level, naming the field', async () => {
    const f = await setup();
    await expect(f.acd.enqueue(f.switch.caller('x-1'), decision({ queue: 'nope' }), context('x-1'))).rejects.toMatchObject({ code: 'no-such-queue' });
    await expect(f.acd.enqueue(f.switch.caller('x-2'), decision({ minAgentLevel: 7 }), context('x-2'))).rejects.toThrow(/minAgentLevel/);
  });

  it('the same call cannot be queued twice', async () => {
    const f = await setup();
    const call = f.switch.caller('c-1');
    await f.acd.enqueue(call, decision(), context('c-1'));
    await expect(f.acd.enqueue(call, decision(), context('c-1'))).rejects.toMatchObject({ code: 'call-already-queued' });
  });
});
