import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { EventStream, placeLocalCall, rest, startSim } from './sim-harness.js';

/**
 * Facts about a real Asterisk 22 (docs/ari-facts.md) that no other contract
 * test states on its own. Each title carries the fact's id.
 */
describe('facts observed on a real Asterisk, reproduced by the simulator', () => {
  let sim: SimulatedAsterisk;
  let ivr: EventStream;
  let harness: EventStream;

  beforeEach(async () => {
    // Real time for DTMF spacing: at speed 1 a key takes its real length.
    sim = await startSim({ speed: 1 });
    ivr = await EventStream.open(sim, 'ivr');
    harness = await EventStream.open(sim, 'harness');
  });

  afterEach(async () => {
    await sim.close();
  });

  it('[status-not-found] answers 404 {"message":"Channel not found"} for a channel that does not exist', async () => {
    for (const [method, path] of [['GET', '/ari/channels/nope.1'], ['DELETE', '/ari/channels/nope.1'], ['POST', '/ari/channels/nope.1/answer']] as const) {
      const res = await rest(sim, method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body, `${method} ${path}`).toEqual({ message: 'Channel not found' });
    }
  });

  it('[local-ids] gives channels ids like 1795308307.1 when the client chooses none', async () => {
    const one = await placeLocalCall(sim, '10000');
    const two = (await ivr.waitForType('StasisStart')).channel!;
    expect(one.id).toMatch(/^\d{10}\.\d+$/);
    expect(two.id).toMatch(/^\d{10}\.\d+$/);
    expect(two.id).not.toBe(one.id);
  });

  it('[local-dtmf-async] answers DTMF with 204 once queued; each key reaches the other half about 200 ms after the previous', async () => {
    const one = await placeLocalCall(sim, '10000');
    await ivr.waitForType('StasisStart');
    const sent = await rest(sim, 'POST', `/ari/channels/${one.id}/dtmf`, { dtmf: '123', between: 100, duration: 100 });
    const answeredAt = Date.now();
    expect(sent.status).toBe(204);
    // Nothing has been heard yet when the request is answered: the keys are only queued.
    expect(ivr.ofType('ChannelDtmfReceived')).toEqual([]);
    await ivr.waitFor((e) => e.type === 'ChannelDtmfReceived' && e.digit === '3', 'the third key');
    const spacing = Date.now() - answeredAt;
    // Three keys of 100 ms with 100 ms between them take about 500 ms: not all at once.
    expect(spacing).toBeGreaterThanOrEqual(400);
  });

  it('[subscription-channel] a channel subscription brings its playbacks and keys but not ChannelEnteredBridge made by another app', async () => {
    const one = await placeLocalCall(sim, '10000');
    const two = (await ivr.waitForType('StasisStart')).channel!;
    const watcher = await EventStream.open(sim, 'watcher');
    try {
      expect((await rest(sim, 'POST', '/ari/applications/watcher/subscription', { eventSource: `channel:${two.id}` })).status).toBe(200);
      await rest(sim, 'POST', `/ari/channels/${two.id}/play`, { media: 'sound:hello-world' });
      await watcher.waitForType('PlaybackStarted');
      await rest(sim, 'POST', `/ari/channels/${one.id}/dtmf`, { dtmf: '5' });
      await watcher.waitFor((e) => e.type === 'ChannelDtmfReceived' && e.channel?.id === two.id, 'the key on ;2');
      const bridge = (await rest(sim, 'POST', '/ari/bridges', { type: 'mixing' })).body as { id: string };
      expect((await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: two.id })).status).toBe(204);
      await ivr.waitForType('ChannelEnteredBridge', two.id);
      // The app that bridged it saw the join; the channel's subscriber did not.
      expect(watcher.ofType('ChannelEnteredBridge')).toEqual([]);
    } finally {
      await watcher.close();
    }
  });

  it('[hangup-events] DELETE of a channel: HangupRequest cause 32 soft, StasisEnd, then ChannelDestroyed cause 16', async () => {
    const one = await placeLocalCall(sim, '10000');
    await harness.waitForType('StasisStart', one.id);
    expect((await rest(sim, 'DELETE', `/ari/channels/${one.id}`, { reason: 'normal' })).status).toBe(204);
    const destroyed = await harness.waitForType('ChannelDestroyed', one.id);
    const request = harness.events.find((e) => e.type === 'ChannelHangupRequest' && e.channel?.id === one.id);
    expect(request).toMatchObject({ cause: 32, soft: true });
    expect(destroyed).toMatchObject({ cause: 16, cause_txt: 'Normal Clearing' });
    const order = harness.typesFor(one.id).filter((t) => ['ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed'].includes(t));
    expect(order).toEqual(['ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed']);
  });
});
