import { afterEach, describe, expect, inject, it } from 'vitest';
import type { ConversationRecorder, ConversationSegment } from '../../src/acd/conversation-recorder.js';
import type { Bridge, CallControl } from '../../src/call-control/call-control.js';
import { ManualClock } from '../../src/time/clock.js';
import { agentDef, context, decision, queueSettings, staff, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

const redisUrl = inject('redisUrl');
let fixtures: AcdFixture[] = [];

afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

/** Collects what the ACD tells the recorder. */
class CollectingRecorder implements ConversationRecorder {
  readonly segments: { segment: ConversationSegment; bridge: Bridge; callControl: CallControl }[] = [];
  throws = false;
  bridged(segment: ConversationSegment, bridge: Bridge, callControl: CallControl): void {
    this.segments.push({ segment, bridge, callControl });
    if (this.throws) throw new Error('recorder failure');
  }
}

async function setup(recorder?: ConversationRecorder) {
  const clock = new ManualClock();
  const f = await startAcd({
    redisUrl,
    prefix: uniquePrefix('recording-hook'),
    clock,
    queues: { billing: queueSettings('billing'), general: queueSettings('general') },
    ...(recorder ? { conversationRecorder: recorder } : {}),
  });
  fixtures.push(f);
  return { ...f, clock };
}

describe('the ACD tells the conversation recorder of each conversation with an agent', () => {
  it('once caller and agent are bridged: the call, agent, queue, tier, switch and the caller\'s number, as segment 1', async () => {
    const recorder = new CollectingRecorder();
    const f = await setup(recorder);
    const q = await f.acd.enqueue(f.switch.caller('c-1', '13800000011'), decision({ tier: 'gold' }), context('c-1'));
    if (q.kind !== 'queued') throw new Error('not queued');
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    const ring = await until(() => f.switch.rings[0], 'ring');
    // Nothing while the agent rings: only a conversation is recorded.
    expect(recorder.segments).toEqual([]);
    ring.answer();
    await q.settled;
    const told = await until(() => recorder.segments[0], 'the recorder told');
    expect(told.segment).toEqual({
      callId: 'c-1', agent: '1001', queue: 'billing', tier: 'gold', segment: 1, kind: 'live', switchId: 'main', callerNumber: '13800000011',
    });
    // The bridge the two are in, and the call control it lives on.
    expect(told.bridge).toBe(f.switch.bridges[0]);
    expect(told.callControl).toBe(f.switch);
    expect(recorder.segments).toHaveLength(1);
  });

  it('after a transfer the next agent\'s conversation is segment 2 of the same call', async () => {
    const recorder = new CollectingRecorder();
    const f = await setup(recorder);
    const caller = f.switch.caller('c-2');
    const first = await f.acd.enqueue(caller, decision(), context('c-2'));
    if (first.kind !== 'queued') throw new Error('not queued');
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 }), agentDef('1002', { general: 2 })]);
    (await until(() => f.switch.rings[0], 'first ring')).answer();
    await first.settled;
    await until(() => recorder.segments[0], 'first segment');
    expect(await f.acd.releaseForTransfer('c-2', 'general', '1001')).not.toBeNull();
    const second = await f.acd.enqueue(caller, decision({ queue: 'general' }), context('c-2'));
    if (second.kind !== 'queued') throw new Error('not queued after the transfer');
    (await until(() => f.switch.rings.find((r) => r.endpoint.includes('1002')), 'second ring')).answer();
    await second.settled;
    const told = await until(() => recorder.segments[1], 'second segment');
    expect(told.segment).toMatchObject({ callId: 'c-2', agent: '1002', queue: 'general', segment: 2, kind: 'live' });
    expect(told.bridge).not.toBe(recorder.segments[0]!.bridge);
  });

  it('a recorder that throws does not disturb the call', async () => {
    const recorder = new CollectingRecorder();
    recorder.throws = true;
    const f = await setup(recorder);
    const q = await f.acd.enqueue(f.switch.caller('c-3'), decision(), context('c-3'));
    if (q.kind !== 'queued') throw new Error('not queued');
    await staff(f.acd, f.clock, [agentDef('1001', { billing: 2 })]);
    (await until(() => f.switch.rings[0], 'ring')).answer();
    expect(await q.settled).toMatchObject({ kind: 'answered', agent: '1001' });
    await until(() => recorder.segments[0], 'the recorder told');
    expect((await f.acd.agents.get('1001')).state).toBe('on-call');
  });
});
