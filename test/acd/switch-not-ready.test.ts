import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ManualClock } from '../../src/time/clock.js';
import { FakeCallControl } from './support/fake-call-control.js';
import { agentDef, context, decision, eventTypes, queueSettings, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

/**
 * While the switch connection is not ready (events socket down, Stasis app
 * taken over), an agent's answer could not be seen: no agent is rung. The
 * reservation the shared script makes meanwhile is kept and rung once the
 * connection is back; a caller leaving meanwhile gives the agent back.
 */
const redisUrl = inject('redisUrl');
let fixtures: AcdFixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

const queues = { billing: queueSettings('billing'), general: queueSettings('general') };

async function started(prefix: string, clock: ManualClock, instanceId: string, sw = new FakeCallControl()): Promise<AcdFixture> {
  const f = await startAcd({ redisUrl, prefix, clock, instanceId, queues, callControl: sw });
  fixtures.push(f);
  return f;
}

describe('when the switch connection is not ready', () => {
  it('an agent freed for a waiting call is reserved but rung only once the connection is ready again', async () => {
    const clock = new ManualClock();
    const { acd, switch: sw } = await started(uniquePrefix('not-ready'), clock, 'node-n');
    await acd.agents.add(agentDef('1001', { billing: 2 }));
    const queued = await acd.enqueue(sw.caller('c-1'), decision(), context('c-1'));
    expect(queued.kind).toBe('queued');

    sw.ready = false;
    await acd.agents.login('1001');
    await until(async () => (await acd.agents.get('1001')).state === 'reserved', 'agent reserved');
    await clock.advance(2000);
    expect(sw.rings).toHaveLength(0);

    sw.ready = true;
    await clock.advance(100);
    const ring = await until(() => sw.rings[0], 'ring once ready');
    expect([ring.callId, ring.endpoint]).toEqual(['c-1', 'Local/1001@agents']);
  });

  it('a caller who hangs up while the agent is held gives the agent back without penalty, and nobody is rung', async () => {
    const clock = new ManualClock();
    const { acd, switch: sw, recorder } = await started(uniquePrefix('not-ready-gone'), clock, 'node-g');
    await acd.agents.add(agentDef('1001', { billing: 2 }));
    await acd.enqueue(sw.caller('c-2'), decision(), context('c-2'));
    sw.ready = false;
    await acd.agents.login('1001');
    await until(async () => (await acd.agents.get('1001')).state === 'reserved', 'agent reserved');

    sw.calls.get('c-2')!.remoteHangup();
    await until(async () => (await acd.agents.get('1001')).state === 'available', 'agent given back');
    await until(async () => (await eventTypes(recorder, 'c-2')).includes('ended'), 'call record closed');
    expect(await eventTypes(recorder, 'c-2')).toEqual(['queued', 'abandoned', 'ended']);
    sw.ready = true;
    await clock.advance(100);
    await clock.advance(100);
    expect(sw.rings).toHaveLength(0);
    expect(await acd.callState('c-2')).toBeNull();
  });

  it('an agent another instance reserved for our call is rung by us only once our connection is ready', async () => {
    const clock = new ManualClock();
    const prefix = uniquePrefix('not-ready-other');
    const ours = await started(prefix, clock, 'node-o');
    const other = await started(prefix, clock, 'node-p');
    await other.acd.agents.add(agentDef('1001', { billing: 2 }));
    await ours.acd.enqueue(ours.switch.caller('c-3'), decision(), context('c-3'));

    ours.switch.ready = false;
    let noticed = false;
    ours.acd.onEvent((e) => {
      if (e.type === 'agent-state' && e.agent === '1001' && e.state === 'reserved') noticed = true;
    });
    // Logging in on the other instance runs the script there: the call is ours, so the ring is ours to make.
    await other.acd.agents.login('1001');
    await until(() => noticed, 'our instance told of the reservation');
    await clock.advance(2000);
    expect(ours.switch.rings).toHaveLength(0);
    expect(other.switch.rings).toHaveLength(0);

    ours.switch.ready = true;
    await clock.advance(100);
    const ring = await until(() => ours.switch.rings[0], 'ring once ready');
    expect(ring.callId).toBe('c-3');
    expect(other.switch.rings).toHaveLength(0);
  });
});
