import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { EventStream, eventually, placeLocalCall, rest, startSim } from './sim-harness.js';

describe('a call through a Local channel into the hotline dialplan', () => {
  let sim: SimulatedAsterisk;
  let ivr: EventStream;
  let harness: EventStream;

  beforeEach(async () => {
    sim = await startSim();
    ivr = await EventStream.open(sim, 'ivr');
    harness = await EventStream.open(sim, 'harness');
  });

  afterEach(async () => {
    await sim.close();
  });

  it('[local-halves] [local-originator-sees-two] [dial-events] starts the ;1 half in the originating app at once and brings ;2 into ivr with args ["10001"]', async () => {
    const one = await placeLocalCall(sim, '10001', { appArgs: 'probe,1' });
    expect(one.name).toMatch(/^Local\/10001@from-external-[0-9a-f]{8};1$/);
    expect(one.state).toBe('Down');

    const first = await harness.waitForType('StasisStart', one.id);
    expect(first.args).toEqual(['probe', '1']);
    expect(first.channel?.state).toBe('Up');

    const start = await ivr.waitForType('StasisStart');
    const two = start.channel!;
    expect(start.args).toEqual(['10001']);
    expect(start.application).toBe('ivr');
    expect(start.asterisk_id).toBe('02:fc:00:00:00:01');
    expect(start.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(two.name).toBe(one.name.replace(/;1$/, ';2'));
    expect(two).toMatchObject({
      state: 'Up',
      caller: { name: 'Test Caller', number: '+15551230000' },
      connected: { name: 'Test Caller', number: '+15551230000' },
      dialplan: { context: 'from-external', exten: '10001', priority: 3, app_name: 'Stasis', app_data: 'ivr,10001' },
      language: 'en',
    });
    // The originator watches ;2 too: it saw it answer and reach Stasis(), but gets no StasisStart for it.
    expect(harness.typesFor(two.id)).toEqual(['ChannelDialplan', 'ChannelStateChange', 'ChannelDialplan']);
    expect(harness.ofType('StasisStart').map((e) => e.channel?.id)).toEqual([one.id]);
    // Dial events for the originate: "" then ANSWER, carrying the peer and the dial string.
    expect(harness.ofType('Dial').map((e) => [e.dialstatus, (e.peer as { id: string }).id, e.dialstring]))
      .toEqual([['', one.id, '10001@from-external'], ['ANSWER', one.id, '10001@from-external']]);
  });

  it('[local-dtmf-order] delivers keys sent on ;1 to ;2 in order, each with its duration', async () => {
    const one = await placeLocalCall(sim, '10000');
    const two = (await ivr.waitForType('StasisStart')).channel!;
    const sent = await rest(sim, 'POST', `/ari/channels/${one.id}/dtmf`, { dtmf: '23#*', between: 100, duration: 80 });
    expect(sent.status).toBe(204);

    await ivr.waitFor((e) => e.type === 'ChannelDtmfReceived' && e.digit === '*', 'the fourth key');
    const keys = ivr.ofType('ChannelDtmfReceived');
    expect(keys.map((e) => e.digit)).toEqual(['2', '3', '#', '*']);
    expect(keys.every((e) => e.duration_ms === 80 && e.channel?.id === two.id)).toBe(true);
  });

  it('[local-halves] loses keys that reach ;2 before it entered Stasis, as Asterisk does', async () => {
    // Real time: Answer() holds ;2 for 500 ms, the key arrives after 10 ms.
    await sim.close();
    sim = await startSim({ speed: 1 });
    ivr = await EventStream.open(sim, 'ivr');
    harness = await EventStream.open(sim, 'harness');

    const one = await placeLocalCall(sim, '10001');
    await harness.waitForType('StasisStart', one.id);
    await rest(sim, 'POST', `/ari/channels/${one.id}/dtmf`, { dtmf: '1', duration: 10 });
    const two = (await ivr.waitForType('StasisStart')).channel!;
    await rest(sim, 'POST', `/ari/channels/${one.id}/dtmf`, { dtmf: '2', duration: 10 });
    await ivr.waitFor((e) => e.type === 'ChannelDtmfReceived' && e.digit === '2', 'the key sent after StasisStart');

    expect(ivr.ofType('ChannelDtmfReceived').map((e) => e.digit)).toEqual(['2']);
    // The originator saw the first key arrive on ;2 while ;2 was still in Answer().
    const onTwo = harness.events.filter((e) => e.channel?.id === two.id).map((e) => (e.type === 'ChannelDialplan' ? `${e.type}:${e.dialplan_app}` : e.type));
    expect(onTwo.indexOf('ChannelDtmfReceived')).toBeLessThan(onTwo.indexOf('ChannelDialplan:Stasis'));
  });

  it('[hangup-local-no-destroyed] ends both halves when the caller hangs up: ;2 app gets StasisEnd but not ChannelDestroyed', async () => {
    const one = await placeLocalCall(sim, '10000');
    const two = (await ivr.waitForType('StasisStart')).channel!;
    expect((await rest(sim, 'DELETE', `/ari/channels/${one.id}`)).status).toBe(204);

    await harness.waitForType('ChannelDestroyed', two.id);
    await ivr.waitForType('StasisEnd', two.id);
    expect(ivr.typesFor(two.id)).toEqual(['StasisStart', 'ChannelHangupRequest', 'StasisEnd']);
    expect(harness.typesFor(one.id).slice(-3)).toEqual(['ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed']);
    const request = harness.events.find((e) => e.type === 'ChannelHangupRequest' && e.channel?.id === one.id)!;
    expect(request).toMatchObject({ cause: 32, soft: true });
    const destroyed = harness.events.filter((e) => e.type === 'ChannelDestroyed');
    expect(destroyed.map((e) => [e.channel?.id, e.cause, e.cause_txt])).toEqual([
      [one.id, 16, 'Normal Clearing'],
      [two.id, 16, 'Normal Clearing'],
    ]);
    expect(sim.channels()).toEqual([]);
  });

  it('ends ;1 when the service hangs up ;2', async () => {
    const one = await placeLocalCall(sim, '10000');
    const two = (await ivr.waitForType('StasisStart')).channel!;
    await rest(sim, 'DELETE', `/ari/channels/${two.id}`, { reason: 'busy' });

    await harness.waitForType('ChannelDestroyed', one.id);
    expect(harness.typesFor(one.id).slice(-3)).toEqual(['ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed']);
    expect(harness.events.find((e) => e.type === 'ChannelDestroyed' && e.channel?.id === two.id)).toMatchObject({ cause: 17, cause_txt: 'User busy' });
    expect(ivr.typesFor(two.id)).toEqual(['StasisStart', 'ChannelHangupRequest', 'StasisEnd']);
    expect(sim.channels()).toEqual([]);
  });

  it('[connect-no-app] fails the call at once when no WebSocket holds the dialplan app', async () => {
    await ivr.close();
    const one = await placeLocalCall(sim, '10001');
    const destroyed = await harness.waitForType('ChannelDestroyed', one.id);
    expect(destroyed.cause).toBe(16);
    const onTwo = harness.events.filter((e) => e.channel?.id !== one.id && e.channel);
    expect(onTwo.find((e) => e.type === 'ChannelVarset')).toMatchObject({ variable: 'STASISSTATUS', value: 'FAILED' });
    expect(onTwo.at(-1)).toMatchObject({ type: 'ChannelDestroyed', cause: 16 });
    expect(harness.ofType('StasisStart').map((e) => e.channel?.id)).toEqual([one.id]);
    await eventually(() => sim.channels().length === 0, 'both halves are gone');
  });

  it('[connect-replaced] lets a second WebSocket take the app over: the first gets ApplicationReplaced and nothing more', async () => {
    const second = await EventStream.open(sim, 'ivr');
    await ivr.waitForType('ApplicationReplaced');
    expect(ivr.events.at(-1)).toMatchObject({ type: 'ApplicationReplaced', application: 'ivr' });

    await placeLocalCall(sim, '10001');
    await second.waitForType('StasisStart');
    expect(ivr.events.map((e) => e.type)).toEqual(['ApplicationReplaced']);
  });

  it('[connect-multi-app] sends one copy per app to a WebSocket that holds several apps watching the channel', async () => {
    await Promise.all([ivr.close(), harness.close()]);
    const both = await EventStream.open(sim, 'ivr,harness');
    const one = await placeLocalCall(sim, '10000');
    const two = (await both.waitFor((e) => e.type === 'StasisStart' && e.application === 'ivr', 'StasisStart in ivr')).channel!;
    await rest(sim, 'POST', `/ari/channels/${two.id}/variable`, { variable: 'TIER', value: 'gold' });

    await both.waitFor((e) => e.type === 'ChannelVarset' && e.variable === 'TIER' && e.application === 'harness', 'the harness copy');
    await both.waitFor((e) => e.type === 'ChannelVarset' && e.variable === 'TIER' && e.application === 'ivr', 'the ivr copy');
    expect(both.events.filter((e) => e.type === 'ChannelVarset' && e.variable === 'TIER')).toHaveLength(2);
    expect(both.events.filter((e) => e.type === 'StasisStart').map((e) => [e.application, e.channel?.id]))
      .toEqual([['harness', one.id], ['ivr', two.id]]);
  });

  it('[local-ids] keeps the ids a client chose for both halves', async () => {
    const one = await placeLocalCall(sim, '10001', { channelId: 'caller-1', otherChannelId: 'caller-2' });
    expect(one.id).toBe('caller-1');
    expect((await ivr.waitForType('StasisStart')).channel?.id).toBe('caller-2');
    const again = await rest(sim, 'POST', '/ari/channels', { endpoint: 'Local/10001@from-external', app: 'harness', channelId: 'caller-1' });
    expect(again).toMatchObject({ status: 409, body: { message: 'Channel with given unique ID already exists' } });
  });
});
