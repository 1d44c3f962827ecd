import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AcdEvent } from '../../src/acd/acd-event.js';
import type { Call } from '../../src/call-control/call-control.js';
import { OUTCOME_VAR } from '../../src/ivr/outcome-var.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * Every call record is closed with exactly one `ended`, whatever fails: the
 * whole service against the simulated Asterisk (real HTTP and WebSocket),
 * with the switch told to answer 500 (`failNextRequests`) at the moment a
 * caller is handed off.
 */
let hotline: HotlineFixture;
const acdEvents: AcdEvent[] = [];

beforeAll(async () => {
  hotline = await startHotline({ overrides: { queues: { billing: { wrapUpSec: 0 } } } });
  hotline.service.acd.onEvent((event) => acdEvents.push(event));
});
afterAll(async () => hotline?.stop());
afterEach(async () => {
  for (const a of await hotline.service.acd.agents.list()) if (a.state !== 'offline') await hotline.service.acd.agents.logout(a.id).catch(() => {});
  for (const c of hotline.sim.channels()) await hotline.service.ari.client.channels.hangup(c.id).catch(() => {});
  await hotline.idle();
});

type Request = { method: 'play'; media: readonly string[] } | { method: 'setVar'; name: string; value: string };

/**
 * When the service asks `when` of the channel of the caller from `from`, the
 * switch fails that request and the `count - 1` after it. Only the first
 * match arms the switch.
 */
function failOnCaller(from: string, count: number, when: (request: Request) => boolean): Promise<Call> {
  return new Promise((resolve) => {
    const off = hotline.service.callControl.onIncomingCall((call) => {
      if (call.callerNumber !== from) return;
      off();
      let armed = true;
      const arm = (request: Request) => {
        if (!armed || !when(request)) return;
        armed = false;
        hotline.sim.failNextRequests(count);
      };
      const play = call.play.bind(call);
      const setVar = call.setVar.bind(call);
      call.play = (media, options) => {
        arm({ method: 'play', media });
        return play(media, options);
      };
      call.setVar = (name, value) => {
        arm({ method: 'setVar', name, value });
        return setVar(name, value);
      };
      resolve(call);
    });
  });
}

const announcesTheQueue = (r: Request) => r.method === 'play' && r.media.some((m) => m.endsWith('route/connecting-to'));

async function endsOf(callId: string): Promise<unknown[]> {
  return (await hotline.service.recorder.forCall(callId)).filter((e) => e.type === 'ended').map((e) => ('outcome' in e ? e.outcome : null));
}

describe('the call record is closed whatever fails', () => {
  it('when the switch fails the hand-off to the queue and then the apology, the record still ends with ended (failed)', async () => {
    const caller = failOnCaller('13800000004', 2, announcesTheQueue);
    void hotline.call('10000', '13800000004', ['1'], { maxQueueWaitMs: 10_000 }).catch(() => null);
    const call = await caller;
    // The session is over once the service has done all it will for the call.
    await hotline.idle();
    const record = await hotline.service.recorder.forCall(call.id);
    expect(record.map((e) => e.type)).toContain('route');
    expect(record.at(-1)).toMatchObject({ type: 'ended', outcome: 'failed' });
    expect(await endsOf(call.id)).toEqual(['failed']);
  });

  it('when the switch fails to tell the caller an agent answered, the conversation goes on and the record has one ended (handled)', async () => {
    hotline.sim.setAgent('1007', { kind: 'answer', afterMs: 100, hangupAfterMs: 1500 });
    await hotline.service.acd.agents.login('1007', { ready: true });
    const caller = failOnCaller('13800000005', 1, (r) => r.method === 'setVar' && r.name === OUTCOME_VAR && r.value.includes('"agent"'));
    const calling = hotline.call('10000', '13800000005', ['1'], { maxQueueWaitMs: 10_000, talkMs: 10_000 }).catch(() => null);
    const call = await caller;
    await call.ended;
    await hotline.idle();
    // The agent hung up after talking: the service did not cut the caller off.
    const acdEnded = () => acdEvents.find((e) => e.type === 'ended' && e.callId === call.id);
    await expect.poll(acdEnded, { timeout: 5000 }).toBeDefined();
    expect(acdEnded()).toMatchObject({ agent: '1007', by: 'agent' });
    await expect.poll(() => endsOf(call.id), { timeout: 5000 }).toContain('handled');
    expect(await endsOf(call.id)).toEqual(['handled']);
    await calling;
  });
});
