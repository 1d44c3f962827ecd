import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Acd } from '../../src/acd/acd.js';
import { AcdSwitches } from '../../src/acd/acd-switches.js';
import { SwitchDial } from '../../src/acd/switch-dial.js';
import type { VirtualEntry } from '../../src/acd/virtual-calls.js';
import { CallRecordLog } from '../../src/call-records/call-record-log.js';
import { ManualClock } from '../../src/time/clock.js';
import { FakeCallControl } from '../acd/support/fake-call-control.js';
import { queueSettings, silentLogger, staff, uniquePrefix, until } from '../acd/support/acd-fixture.js';

/**
 * Which switch a callback is dialled on: the agent's own when this instance
 * serves it (their own dial string), else this instance's first switch, the
 * agent reached through the pair's dial string. The agent's leg, the
 * customer's and their bridge all go through the offer's call control.
 */
const redisUrl = inject('redisUrl');
const dial = new SwitchDial({ switches: ['a', 'b'], crossSwitchDial: { a: { b: 'PJSIP/{ext}@trunk-b' }, b: { a: 'PJSIP/{ext}@trunk-a' } } });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function acdServing(served: ('a' | 'b')[]) {
  const redis = new Redis(redisUrl);
  const prefix = uniquePrefix('switch-callbacks');
  const clock = new ManualClock();
  const controls = { a: new FakeCallControl(), b: new FakeCallControl() };
  const acd = new Acd({
    redis, keyPrefix: prefix, callControl: controls[served[0]!],
    switches: new AcdSwitches(served.map((id) => ({ id, callControl: controls[id] })), dial),
    queues: () => ({ billing: queueSettings('billing') }),
    recorder: new CallRecordLog({ redis, keyPrefix: prefix, clock }),
    clock, logger: silentLogger, instanceId: 'test-switches', sweepIntervalMs: 3_600_000,
    allowedDialStrings: ['PJSIP/\\d{3,8}', 'PJSIP/\\d{3,8}@trunk-[ab]'],
  });
  await acd.start();
  closers.push(async () => {
    await acd.stop();
    redis.disconnect();
  });
  return { acd, clock, controls };
}

const entry = (id: string, at: number): VirtualEntry => ({
  id, queue: 'billing', skill: 'billing', minAgentLevel: 1, priority: 20, preferHighestLevel: false, overflow: null,
  tier: 'standard', enqueuedAt: at, arrivedAt: at, number: '13900000001', context: null, reason: 'need billing',
});

async function offerTo(served: ('a' | 'b')[]) {
  const f = await acdServing(served);
  await f.acd.virtual.enqueue(entry('cb-1', f.clock.now()));
  await staff(f.acd, f.clock, [{ id: '2001', name: 'On b', dial: 'PJSIP/2001', switch: 'b', skills: { billing: 2 } }]);
  const [reservation] = await until(async () => {
    const r = await f.acd.virtual.reservations();
    return r.length ? r : null;
  }, 'the callback reserved for 2001');
  return { ...f, offer: (await f.acd.virtual.offer(reservation!))! };
}

describe('callbacks with several switches', () => {
  it('are dialled on the agent\'s switch when this instance serves it, with the agent\'s own dial string', async () => {
    const { offer, controls } = await offerTo(['a', 'b']);
    expect(offer.callControl).toBe(controls.b);
    expect(offer).toMatchObject({ dial: 'PJSIP/2001', dialRefusal: null });
  });

  it('are dialled on this instance\'s first switch otherwise, the agent reached through the pair\'s dial string', async () => {
    const { offer, controls } = await offerTo(['a']);
    expect(offer.callControl).toBe(controls.a);
    expect(offer).toMatchObject({ dial: 'PJSIP/2001@trunk-b', dialRefusal: null });
  });
});
