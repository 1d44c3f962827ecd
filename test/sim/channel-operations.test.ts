import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { EventStream, eventually, makeSoundsDir, placeLocalCall, rest, startSim } from './sim-harness.js';

describe('operations on a channel in Stasis', () => {
  let sim: SimulatedAsterisk;
  let ivr: EventStream;
  let harness: EventStream;
  let sounds: ReturnType<typeof makeSoundsDir>;
  let one: string;
  let two: string;

  beforeEach(async () => {
    sounds = makeSoundsDir({ 'en/long.wav': 20_000, 'zh/welcome.wav': 1000 });
    sim = await startSim({ speed: 20, soundsDir: sounds.dir });
    ivr = await EventStream.open(sim, 'ivr');
    harness = await EventStream.open(sim, 'harness');
    one = (await placeLocalCall(sim, '10000')).id;
    two = (await ivr.waitForType('StasisStart')).channel!.id;
  });

  afterEach(async () => {
    await sim.close();
    sounds.remove();
  });

  it('sets variables with ChannelVarset and reads them back, with CALLERID() and CHANNEL()', async () => {
    expect((await rest(sim, 'POST', `/ari/channels/${two}/variable`, { variable: 'TIER', value: 'gold' })).status).toBe(204);
    const varset = await ivr.waitFor((e) => e.type === 'ChannelVarset' && e.variable === 'TIER', 'ChannelVarset');
    expect(varset).toMatchObject({ value: 'gold', channel: { id: two } });
    expect((await rest(sim, 'GET', `/ari/channels/${two}/variable`, { variable: 'TIER' })).body).toEqual({ value: 'gold' });
    expect((await rest(sim, 'GET', `/ari/channels/${two}/variable`, { variable: 'CALLERID(num)' })).body).toEqual({ value: '+15551230000' });
    expect(await rest(sim, 'GET', `/ari/channels/${two}/variable`, { variable: 'NOT_SET' }))
      .toMatchObject({ status: 404, body: { message: 'Provided variable was not found' } });
    expect(await rest(sim, 'GET', `/ari/channels/${two}/variable`)).toMatchObject({ status: 400, body: { message: 'Variable name is required' } });
  });

  it('plays in the language set with CHANNEL(language) when the request names none', async () => {
    await rest(sim, 'POST', `/ari/channels/${two}/variable`, { variable: 'CHANNEL(language)', value: 'zh' });
    expect((await rest(sim, 'GET', `/ari/channels/${two}`)).body.language).toBe('zh');
    const play = await rest(sim, 'POST', `/ari/channels/${two}/play`, { media: 'sound:welcome' });
    expect(play.body.language).toBe('zh');
    expect((await ivr.waitForType('PlaybackFinished')).playback).toMatchObject({ state: 'done' });
  });

  it('sends the channel back to the dialplan on /continue: StasisEnd, then the dialplan hangs up both halves', async () => {
    expect((await rest(sim, 'POST', `/ari/channels/${two}/continue`)).status).toBe(204);
    await ivr.waitForType('StasisEnd', two);
    await harness.waitForType('ChannelDestroyed', one);
    const dialplan = harness.events.filter((e) => e.channel?.id === two && (e.type === 'ChannelDialplan' || e.type === 'ChannelVarset'));
    expect(dialplan.slice(-2).map((e) => e.dialplan_app ?? `${e.variable}=${e.value}`)).toEqual(['STASISSTATUS=SUCCESS', 'Hangup']);
    expect(ivr.typesFor(two)).toEqual(['StasisStart', 'StasisEnd']);
    await eventually(() => sim.channels().length === 0, 'the call is over');
  });

  it('pauses, resumes and stops a playback through /playbacks/{id}/control and DELETE', async () => {
    await rest(sim, 'POST', `/ari/channels/${two}/play/p1`, { media: 'sound:long' });
    await ivr.waitForType('PlaybackStarted');
    expect((await rest(sim, 'POST', '/ari/playbacks/p1/control', { operation: 'pause' })).status).toBe(204);
    expect((await rest(sim, 'GET', '/ari/playbacks/p1')).body.state).toBe('paused');
    expect((await rest(sim, 'POST', '/ari/playbacks/p1/control', { operation: 'forward' }))).toMatchObject({ status: 409, body: { message: 'Can only forward while media is playing' } });
    expect((await rest(sim, 'POST', '/ari/playbacks/p1/control', { operation: 'unpause' })).status).toBe(204);
    await ivr.waitFor(() => ivr.ofType('PlaybackStarted').length === 2, 'PlaybackStarted again on unpause');
    expect((await rest(sim, 'POST', '/ari/playbacks/p1/control', { operation: 'jump' }))).toMatchObject({ status: 400 });
    expect((await rest(sim, 'DELETE', '/ari/playbacks/p1')).status).toBe(204);
    expect((await ivr.waitForType('PlaybackFinished')).playback).toMatchObject({ state: 'done' });
  });

  it('finishes a playback stopped while still queued as soon as its turn comes, without playing it', async () => {
    await rest(sim, 'POST', `/ari/channels/${two}/play/first`, { media: 'sound:long' });
    await rest(sim, 'POST', `/ari/channels/${two}/play/second`, { media: 'sound:long' });
    expect((await rest(sim, 'GET', '/ari/playbacks/second')).body.state).toBe('queued');
    expect((await rest(sim, 'DELETE', '/ari/playbacks/second')).status).toBe(204);
    await rest(sim, 'DELETE', '/ari/playbacks/first');
    await ivr.waitFor((e) => e.type === 'PlaybackFinished' && (e.playback as { id: string }).id === 'second', 'the cancelled playback');
    const seen = ivr.events.filter((e) => e.type.startsWith('Playback')).map((e) => `${e.type}:${(e.playback as { id: string }).id}`);
    expect(seen).toEqual(['PlaybackStarted:first', 'PlaybackFinished:first', 'PlaybackFinished:second']);
  });

  it('refuses an unknown hang-up reason, and hangs up with the cause of a known one', async () => {
    expect(await rest(sim, 'DELETE', `/ari/channels/${two}`, { reason: 'bored' }))
      .toMatchObject({ status: 400, body: { message: 'Invalid reason for hangup provided' } });
    expect((await rest(sim, 'DELETE', `/ari/channels/${two}`, { reason: 'congestion' })).status).toBe(204);
    expect(await harness.waitForType('ChannelDestroyed', two)).toMatchObject({ cause: 34, cause_txt: 'Circuit/channel congestion' });
    expect(await rest(sim, 'DELETE', `/ari/channels/${two}`)).toMatchObject({ status: 404, body: { message: 'Channel not found' } });
  });

  it('answers 409 to operations on an agent channel still ringing: it enters Stasis only once answered', async () => {
    sim.setAgent('1001', { kind: 'no-answer' });
    const ringing = (await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1001', app: 'ivr' })).body.id as string;
    await ivr.waitFor((e) => e.type === 'ChannelStateChange' && e.channel?.id === ringing, 'ringing');
    expect(await rest(sim, 'POST', `/ari/channels/${ringing}/answer`)).toMatchObject({ status: 409, body: { message: 'Channel not in Stasis application' } });
    expect((await rest(sim, 'POST', `/ari/channels/${two}/ring`)).status).toBe(204);
    expect((await rest(sim, 'POST', `/ari/channels/${two}/answer`)).status).toBe(204);
  });
});
