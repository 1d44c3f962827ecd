import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { EventStream, eventually, placeLocalCall, rest, startSim } from './sim-harness.js';

describe('bridges', () => {
  let sim: SimulatedAsterisk;
  let ivr: EventStream;
  let harness: EventStream;
  let caller1: string;
  let caller2: string;
  let agent: string;

  beforeEach(async () => {
    sim = await startSim({ speed: 20, defaultAgent: { kind: 'answer', afterMs: 100 } });
    ivr = await EventStream.open(sim, 'ivr');
    harness = await EventStream.open(sim, 'harness');
    caller1 = (await placeLocalCall(sim, '10000')).id;
    caller2 = (await ivr.waitForType('StasisStart')).channel!.id;
    agent = (await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1001', app: 'ivr', appArgs: 'agent' })).body.id;
    await ivr.waitForType('StasisStart', agent);
  });

  afterEach(async () => {
    await sim.close();
  });

  async function mixingBridge(name = 'call-1'): Promise<Record<string, any>> {
    const res = await rest(sim, 'POST', '/ari/bridges', { type: 'mixing', name });
    expect(res.status).toBe(200);
    return res.body;
  }

  it('[bridge-create] creates a stasis mixing bridge over REST without a BridgeCreated event', async () => {
    const bridge = await mixingBridge();
    expect(bridge).toMatchObject({ technology: 'simple_bridge', bridge_type: 'mixing', bridge_class: 'stasis', creator: 'Stasis', name: 'call-1', channels: [] });
    expect((await rest(sim, 'GET', `/ari/bridges/${bridge.id}`)).body).toEqual(bridge);
    expect(ivr.ofType('BridgeCreated')).toHaveLength(0);
  });

  it('[bridge-enter] announces each channel entering, the second event listing both channels', async () => {
    const bridge = await mixingBridge();
    expect((await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: `${caller2},${agent}` })).status).toBe(204);
    await ivr.waitForType('ChannelEnteredBridge', agent);
    const entered = ivr.ofType('ChannelEnteredBridge').map((e) => [e.channel?.id, (e.bridge as { channels: string[] }).channels]);
    expect(entered).toEqual([[caller2, [caller2]], [agent, [caller2, agent]]]);
    expect((await rest(sim, 'GET', `/ari/bridges/${bridge.id}`)).body.channels).toEqual([caller2, agent]);
    // The originator watches the caller's ;2 channel but not the bridge: it does not see it enter.
    expect(harness.ofType('ChannelEnteredBridge')).toHaveLength(0);
  });

  it('[bridge-dtmf-both] shows a key pressed by the caller on the caller channel and on the agent channel', async () => {
    const bridge = await mixingBridge();
    await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: `${caller2},${agent}` });
    await rest(sim, 'POST', `/ari/channels/${caller1}/dtmf`, { dtmf: '5' });
    await ivr.waitForType('ChannelDtmfReceived', agent);
    expect(ivr.ofType('ChannelDtmfReceived').map((e) => [e.channel?.id, e.digit])).toEqual([[caller2, '5'], [agent, '5']]);
  });

  it('announces a channel leaving with the channels that remain, and 422 for one not in the bridge', async () => {
    const bridge = await mixingBridge();
    await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: `${caller2},${agent}` });
    expect((await rest(sim, 'POST', `/ari/bridges/${bridge.id}/removeChannel`, { channel: agent })).status).toBe(204);
    const left = await ivr.waitForType('ChannelLeftBridge', agent);
    expect((left.bridge as { channels: string[] }).channels).toEqual([caller2]);
    expect(await rest(sim, 'POST', `/ari/bridges/${bridge.id}/removeChannel`, { channel: agent }))
      .toMatchObject({ status: 422, body: { message: 'Channel not in this bridge' } });
  });

  it('takes a hung-up channel out of its bridge before its StasisEnd', async () => {
    const bridge = await mixingBridge();
    await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: `${caller2},${agent}` });
    await ivr.waitForType('ChannelEnteredBridge', agent);
    await rest(sim, 'DELETE', `/ari/channels/${caller1}`);
    await ivr.waitForType('StasisEnd', caller2);
    expect(ivr.typesFor(caller2).slice(-3)).toEqual(['ChannelHangupRequest', 'ChannelLeftBridge', 'StasisEnd']);
    expect((await rest(sim, 'GET', `/ari/bridges/${bridge.id}`)).body.channels).toEqual([agent]);
  });

  it('[bridge-destroy] destroys a bridge: 204, its channels leave and stay in Stasis, then BridgeDestroyed', async () => {
    const bridge = await mixingBridge();
    await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: `${caller2},${agent}` });
    expect((await rest(sim, 'DELETE', `/ari/bridges/${bridge.id}`)).status).toBe(204);
    const destroyed = await ivr.waitForType('BridgeDestroyed');
    expect((destroyed.bridge as { id: string }).id).toBe(bridge.id);
    expect(ivr.events.slice(-3).map((e) => e.type)).toEqual(['ChannelLeftBridge', 'ChannelLeftBridge', 'BridgeDestroyed']);
    expect((await rest(sim, 'GET', `/ari/bridges/${bridge.id}`))).toMatchObject({ status: 404, body: { message: 'Bridge not found' } });
    expect(sim.channels().map((c) => c.id)).toEqual(expect.arrayContaining([caller2, agent]));
  });

  it('refuses channels that do not exist (400) or are not in Stasis (422), and unknown bridges (404)', async () => {
    const bridge = await mixingBridge();
    sim.setAgent('1002', { kind: 'no-answer' });
    const ringing = (await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1002', app: 'ivr' })).body.id;
    expect(await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: 'nope' }))
      .toMatchObject({ status: 400, body: { message: 'Channel not found' } });
    expect(await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: ringing }))
      .toMatchObject({ status: 422, body: { message: 'Channel not in Stasis application' } });
    expect(await rest(sim, 'POST', '/ari/bridges/nope/addChannel', { channel: caller2 }))
      .toMatchObject({ status: 404, body: { message: 'Bridge not found' } });
    expect(await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`))
      .toMatchObject({ status: 400, body: { message: 'Missing parameter channel' } });
  });

  it('waits for the prompt a channel is playing before it joins the bridge', async () => {
    const bridge = await mixingBridge();
    await rest(sim, 'POST', `/ari/channels/${caller2}/play`, { media: 'sound:hold-on' });
    await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: caller2 });
    await ivr.waitForType('ChannelEnteredBridge', caller2);
    expect(ivr.events.filter((e) => e.type === 'PlaybackFinished' || e.type === 'ChannelEnteredBridge').map((e) => e.type))
      .toEqual(['PlaybackFinished', 'ChannelEnteredBridge']);
  });

  it('plays to a whole bridge and keeps music on hold per bridge', async () => {
    const bridge = await mixingBridge();
    await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: `${caller2},${agent}` });
    const play = await rest(sim, 'POST', `/ari/bridges/${bridge.id}/play`, { media: 'sound:beep' });
    expect(play).toMatchObject({ status: 201, body: { target_uri: `bridge:${bridge.id}`, state: 'queued' } });
    await ivr.waitFor((e) => e.type === 'PlaybackFinished' && (e.playback as { target_uri: string }).target_uri === `bridge:${bridge.id}`, 'the bridge playback');

    expect((await rest(sim, 'POST', `/ari/bridges/${bridge.id}/moh`)).status).toBe(204);
    expect(sim.mohChannels().sort()).toEqual([caller2, agent].sort());
    expect((await rest(sim, 'DELETE', `/ari/bridges/${bridge.id}/moh`)).status).toBe(204);
    expect(sim.mohChannels()).toEqual([]);
    expect((await rest(sim, 'DELETE', `/ari/bridges/${bridge.id}/moh`)).status).toBe(409);
  });

  it('switches a mixing bridge to softmix from the third member on', async () => {
    const bridge = await mixingBridge();
    const third = (await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1003', app: 'ivr' })).body.id;
    await ivr.waitForType('StasisStart', third);
    await rest(sim, 'POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: `${caller2},${agent},${third}` });
    await ivr.waitForType('ChannelEnteredBridge', third);
    const technologies = ivr.ofType('ChannelEnteredBridge').map((e) => (e.bridge as { technology: string }).technology);
    expect(technologies).toEqual(['simple_bridge', 'simple_bridge', 'softmix']);
  });
});

describe('music on hold on a channel', () => {
  it('is heard from POST .../moh until DELETE .../moh, and stops for good when a prompt plays', async () => {
    const sim = await startSim({ speed: 20 });
    try {
      const ivr = await EventStream.open(sim, 'ivr');
      await EventStream.open(sim, 'harness');
      await placeLocalCall(sim, '10000');
      const channel = (await ivr.waitForType('StasisStart')).channel!.id;
      expect((await rest(sim, 'POST', `/ari/channels/${channel}/moh`, { mohClass: 'default' })).status).toBe(204);
      await eventually(() => sim.mohChannels().includes(channel), 'the caller hears music');
      expect((await rest(sim, 'DELETE', `/ari/channels/${channel}/moh`)).status).toBe(204);
      await eventually(() => sim.mohChannels().length === 0, 'the music stops');

      await rest(sim, 'POST', `/ari/channels/${channel}/moh`);
      await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: 'sound:position' });
      await ivr.waitForType('PlaybackFinished');
      expect(sim.mohChannels()).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
