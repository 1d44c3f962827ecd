import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createHandOff } from '../../src/ivr/hand-off.js';
import { createHoldExperience } from '../../src/ivr/hold-experience.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { until } from '../acd/support/acd-fixture.js';
import { AriHarness } from '../support/ari-harness.js';
import { startCallbackWorld, type CallbackWorld } from './support/callback-world.js';
import { sessionOf } from './support/sessions.js';

/**
 * The whole path of a callback through the IVR's hand-off and hold
 * experience: the caller waits, the estimated wait passes the tier's
 * threshold, the callback is offered and accepted with 1, the caller hangs
 * up, and the callback keeps the call's place until an agent is free.
 */
const redisUrl = inject('redisUrl');
const app = `cbh-${randomUUID().slice(0, 6)}`;
let sim: SimulatedAsterisk;
let harness: AriHarness;
let world: CallbackWorld;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: app });
  harness = await AriHarness.start({ url: sim.url });
  world = await startCallbackWorld({ redisUrl, prefix: `test:cb:hold:${randomUUID().slice(0, 8)}`, simUrl: sim.url, app, callbacks: { outbound: { quietHours: null } } });
});

afterAll(async () => {
  await harness?.stop();
  await world?.stop();
  await sim?.close();
});

describe('the callback offer while waiting', () => {
  it('is made once the estimated wait passes the tier\'s threshold; accepted with 1, the callback keeps the place and reaches the caller', async () => {
    const handOff = createHandOff({
      policy: world.policy,
      queue: world.acd,
      recorder: world.recorder,
      hold: createHoldExperience({ policy: world.policy, recorder: world.recorder, callbacks: world.callbacks, timeScale: 0.2 }),
    });
    const enter = async (from: string) => {
      const before = world.incoming.length;
      const caller = await harness.call('10000', { from });
      const call = await until(() => world.incoming.slice(before).find((c) => c.callerNumber === from), 'the call in the service');
      await caller.waitForService();
      return { caller, session: sessionOf(call, 'gold', Date.now()) };
    };

    // The only billing agent is busy with another caller for a while (60 s here, 3 s of real time).
    const agent = '7701';
    sim.setAgent(agent, { kind: 'answer', afterMs: 200, hangupAfterMs: 60_000 });
    await world.acd.agents.add({ id: agent, name: 'Agent 7701', dial: `PJSIP/${agent}`, skills: { billing: 4 } });
    await world.acd.agents.login(agent);
    const busy = await enter('13800000012');
    const busyEnd = handOff(busy.session, 'billing');
    await until(async () => (await world.acd.agents.get(agent)).state === 'on-call', 'the agent busy');

    // Gold offers a callback past 60 s of estimated wait; with one agent busy and no history the estimate is 180 s.
    const { caller, session } = await enter('13800000002');
    sim.setAgent('13800000002', { kind: 'answer', afterMs: 400, hangupAfterMs: 5000 });
    const ended = handOff(session, 'billing');
    await until(() => caller.heard.includes('sound:hotline/cb/offer'), 'the callback offer');
    const [waiting] = await world.acd.waiting('billing');
    expect(waiting).toMatchObject({ callId: session.callId, virtual: false });
    await caller.sendKeys('1');
    expect(await ended).toEqual({ outcome: 'callback' });
    await caller.waitForEnd();
    expect(caller.heard).toEqual(expect.arrayContaining(['sound:hotline/cb/confirmed', 'sound:hotline/common/goodbye']));

    // The callback holds the caller's place: same queue, original enqueue time, gold priority.
    const [place] = await world.acd.waiting('billing');
    expect(place).toMatchObject({ virtual: true, tier: 'gold', priority: 80, callerNumber: '13800000002' });
    const cb = (await world.callbacks.get(place!.callId))!;
    const queued = (await world.recorder.forCall(session.callId)).find((e) => e.type === 'queued');
    expect(cb.enqueuedAt).toBe(queued?.at);
    expect(cb).toMatchObject({ callId: session.callId, queue: 'billing', number: '13800000002', state: 'waiting' });

    // Once the agent is free, the callback reaches the caller.
    expect(await busyEnd).toMatchObject({ outcome: 'handled' });
    await until(async () => (await world.callbacks.get(cb.id))?.state === 'connected', 'the callback connected', 20_000);
    const dials = sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && r.query.endpoint === 'PJSIP/13800000002@trunk');
    expect(dials).toHaveLength(1);
    // Call records are written in the background, in order.
    const types = await until(async () => {
      const t = (await world.recorder.forCall(session.callId)).map((e) => e.type);
      return t.includes('callback-outcome') ? t : null;
    }, 'the outcome recorded');
    expect(types).toEqual(expect.arrayContaining(['queued', 'left-queue', 'callback-requested', 'callback-dialled', 'callback-outcome']));
    expect(types.indexOf('left-queue')).toBeLessThan(types.indexOf('callback-dialled'));
  });
});
