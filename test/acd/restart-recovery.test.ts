import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ManualClock } from '../../src/time/clock.js';
import type { QueuedCall } from '../../src/acd/call-queue.js';
import { FakeCallControl } from './support/fake-call-control.js';
import { agentDef, context, decision, eventTypes, queueSettings, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

const redisUrl = inject('redisUrl');
let fixtures: AcdFixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

const queues = {
  billing: queueSettings('billing', { wrapUpSec: 10 }),
  general: queueSettings('general'),
  complaints: queueSettings('complaints', { wrapUpSec: 30 }),
};

describe('restart recovery', () => {
  it('when the instance restarts, waiting, ringing and talking calls are recovered and gone callers are closed', async () => {
    const prefix = uniquePrefix('recovery');
    const clock = new ManualClock();
    const sw = new FakeCallControl();
    const before = await startAcd({ redisUrl, prefix, clock, instanceId: 'node-r', queues, callControl: sw });
    const acd = before.acd;
    const enqueue = async (id: string, queue: string, minAgentLevel = 1): Promise<QueuedCall> => {
      const r = await acd.enqueue(sw.caller(id), decision({ queue, minAgentLevel }), context(id));
      if (r.kind !== 'queued') throw new Error('not queued');
      return r;
    };
    const agentFor = async (id: string, skills: Record<string, number>) => {
      await acd.agents.add(agentDef(id, skills));
      await acd.agents.login(id);
    };

    await agentFor('1001', { billing: 2 });
    await enqueue('c-ring', 'billing');
    await agentFor('1002', { billing: 2 });
    await enqueue('c-ring-gone', 'billing');
    await agentFor('1003', { billing: 2 });
    const talk = await enqueue('c-talk', 'billing');
    await agentFor('1004', { billing: 2 });
    const talkGone = await enqueue('c-talk-gone', 'billing');
    await until(() => sw.rings.length === 4, 'four rings');
    const [, , r3, r4] = sw.rings;
    r3!.answer();
    const leg4 = r4!.answer();
    await talk.settled;
    await talkGone.settled;
    await agentFor('1005', { complaints: 3 });
    const wrap = await enqueue('c-wrap', 'complaints');
    (await until(() => sw.rings[4], 'fifth ring')).answer();
    await wrap.settled;
    sw.calls.get('c-wrap')!.remoteHangup();
    await until(async () => (await acd.agents.get('1005')).state === 'wrap-up', 'wrap-up before the restart');
    // Nobody can take these: no agent has general at level 5.
    await enqueue('c-wait', 'general', 5);
    await enqueue('c-wait-gone', 'general', 5);
    await until(async () => (await acd.agents.get('1002')).state === 'ringing', 'rings marked');

    await before.close();
    // While the service is down the switch carries on.
    sw.calls.get('c-wait-gone')!.remoteHangup();
    sw.calls.get('c-ring-gone')!.remoteHangup();
    leg4.remoteHangup();
    await clock.advance(5000);

    const after = await startAcd({ redisUrl, prefix, clock, instanceId: 'node-r', queues, callControl: sw });
    fixtures.push(after);

    // Waiting: the caller still there keeps its place; the one gone is closed as abandoned.
    expect((await after.acd.waiting('general')).map((w) => w.callId)).toEqual(['c-wait']);
    expect(await eventTypes(after.recorder, 'c-wait-gone')).toEqual(['queued', 'abandoned', 'ended']);

    // Ringing: the agent is released and the caller still there is offered again at once.
    // (Recovered in any order, so either released agent may take it.)
    const again = await until(() => sw.rings[5], 'ring after recovery');
    expect(again.callId).toBe('c-ring');
    expect(['Local/1001@agents', 'Local/1002@agents']).toContain(again.endpoint);
    const states = await Promise.all(['1001', '1002'].map(async (id) => (await after.acd.agents.get(id)).state));
    expect(states.sort()).toEqual(['available', 'ringing']);
    const gone = await after.recorder.forCall('c-ring-gone');
    expect(gone.map((e) => e.type)).toEqual(['queued', 'offered', 'abandoned', 'ended']);
    expect(gone[2]).toMatchObject({ stage: 'ringing' });

    // Talking, both legs there: watched again; the end of the call is handled by the new run.
    expect((await after.acd.agents.get('1003')).state).toBe('on-call');
    sw.calls.get('c-talk')!.remoteHangup();
    await until(async () => (await eventTypes(after.recorder, 'c-talk')).at(-1) === 'ended', 'talk ended after recovery');
    expect(sw.leg(r3!)!.gone).toBe(true);
    await until(async () => (await after.acd.agents.get('1003')).state === 'wrap-up', 'agent 1003 in wrap-up');

    // Talking, agent leg gone: the caller is hung up and the call closed as handled.
    expect(sw.calls.get('c-talk-gone')!.hungUpBy).toBe('service');
    expect(await eventTypes(after.recorder, 'c-talk-gone')).toEqual(['queued', 'offered', 'answered', 'agent-ended', 'ended']);
    expect((await after.recorder.forCall('c-talk-gone')).at(-1)).toMatchObject({ outcome: 'handled' });
    expect((await after.acd.agents.get('1004')).state).toBe('wrap-up');

    // Wrap-up started before the restart ends on time, from the shared timetable.
    expect((await after.acd.agents.get('1005')).state).toBe('wrap-up');
    await clock.advance(25_000);
    await until(async () => (await after.acd.agents.get('1005')).state === 'available', 'wrap-up over');
    for (const id of ['1003', '1004']) await until(async () => (await after.acd.agents.get(id)).state === 'available', `${id} free`);
  });

  it('started before the switch connection is ready, the ACD waits for it instead of closing the calls it owns', async () => {
    const prefix = uniquePrefix('recovery-late');
    const clock = new ManualClock();
    const sw = new FakeCallControl();
    const before = await startAcd({ redisUrl, prefix, clock, instanceId: 'node-l', queues, callControl: sw });
    await before.acd.agents.add(agentDef('1001', { billing: 2 }));
    await before.acd.enqueue(sw.caller('c-1'), decision(), context('c-1'));
    await before.close();

    sw.ready = false;
    const after = await startAcd({ redisUrl, prefix, clock, instanceId: 'node-l', queues, callControl: sw });
    fixtures.push(after);
    // An agent becoming free before the recovery is given the call, rung only once it is recovered.
    await after.acd.agents.login('1001');
    await clock.advance(1000);
    expect(sw.rings).toHaveLength(0);
    expect(await eventTypes(after.recorder, 'c-1')).toEqual(['queued']);
    sw.ready = true;
    await clock.advance(100);
    await after.acd.recovered();
    const ring = await until(() => sw.rings[0], 'ring after the recovery');
    expect([ring.callId, ring.endpoint]).toEqual(['c-1', 'Local/1001@agents']);
  });
});
