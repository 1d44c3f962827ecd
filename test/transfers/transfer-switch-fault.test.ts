import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcdEvent } from '../../src/acd/acd-event.js';
import type { Call } from '../../src/call-control/call-control.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * A transferred caller's record is closed even when the switch fails while
 * the caller is routed again: the whole service against the simulated
 * Asterisk, the switch told to answer 500 (`failNextRequests`) from the
 * moment the transferred caller is told where they are going.
 */
let hotline: HotlineFixture;

beforeAll(async () => {
  hotline = await startHotline({ overrides: { queues: { billing: { wrapUpSec: 0 }, general: { wrapUpSec: 0 } } } });
  hotline.sim.setAgent('1007', { kind: 'answer', afterMs: 100, hangupAfterMs: 600_000 });
});
afterAll(async () => hotline?.stop());

function nextAnswer(agent: string): Promise<string> {
  return new Promise((resolve) => {
    const off = hotline.service.acd.onEvent((e: AcdEvent) => {
      if (e.type === 'answered' && e.agent === agent) { off(); resolve(e.callId); }
    });
  });
}

/** The caller's channel in the service, with a switch that fails the next `count` requests once `armed()` is true and the queue is announced. */
function announcementFailsFor(from: string, count: number, armed: () => boolean): Promise<Call> {
  return new Promise((resolve) => {
    const off = hotline.service.callControl.onIncomingCall((call) => {
      if (call.callerNumber !== from) return;
      off();
      let pending = true;
      const play = call.play.bind(call);
      call.play = (media, options) => {
        if (pending && armed() && media.some((m) => m.endsWith('route/connecting-to'))) {
          pending = false;
          hotline.sim.failNextRequests(count);
        }
        return play(media, options);
      };
      resolve(call);
    });
  });
}

describe('a transfer the switch fails', () => {
  it('when the switch fails announcing the new queue and hanging up, the record still ends with ended (failed)', async () => {
    await hotline.service.acd.agents.login('1007', { ready: true });
    let transferred = false;
    const caller = announcementFailsFor('13800000004', 2, () => transferred);
    const answered = nextAnswer('1007');
    void hotline.call('10000', '13800000004', ['1'], { maxQueueWaitMs: 10_000, talkMs: 3000 }).catch(() => null);
    const call = await caller;
    const callId = await answered;
    expect(callId).toBe(call.id);

    transferred = true;
    // What POST /v1/calls/:id/transfer asks of the transfer desk.
    expect(await hotline.service.transfers.request(callId, 'general', 'supervisor sup')).toBe('transferred');
    await hotline.idle();

    const record = await hotline.service.recorder.forCall(callId);
    const types = record.map((e) => e.type);
    expect(types.indexOf('transferred')).toBeGreaterThan(-1);
    expect(types.lastIndexOf('route')).toBeGreaterThan(types.indexOf('transferred'));
    expect(record.at(-1)).toMatchObject({ type: 'ended', outcome: 'failed' });
    expect(types.filter((t) => t === 'ended')).toHaveLength(1);
  });
});
