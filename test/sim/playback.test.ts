import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { EventStream, makeSoundsDir, placeLocalCall, rest, startSim } from './sim-harness.js';

describe('playbacks', () => {
  let sim: SimulatedAsterisk;
  let ivr: EventStream;
  let sounds: ReturnType<typeof makeSoundsDir>;

  /** A new call in the ivr app; returns the id of the ;2 channel the service plays to. */
  async function serviceChannel(number = '10000'): Promise<string> {
    const before = ivr.ofType('StasisStart').length;
    await placeLocalCall(sim, number);
    await ivr.waitFor(() => ivr.ofType('StasisStart').length > before, 'the call in ivr');
    return ivr.ofType('StasisStart')[before]!.channel!.id;
  }

  beforeEach(async () => {
    sounds = makeSoundsDir({
      'en/hello-world.wav': 1400,
      'en/digits/1.wav': 900,
      'en/digits/2.wav': 900,
      'en/long.wav': 4000,
      'en/short.wav': 1000,
      'zh/welcome.wav': 2000,
    });
    sim = await startSim({ speed: 20, soundsDir: sounds.dir });
    ivr = await EventStream.open(sim, 'ivr');
    await EventStream.open(sim, 'harness');
  });

  afterEach(async () => {
    await sim.close();
    sounds.remove();
  });

  it('[status-play] [playback-events] answers 201 with a queued playback and a Location, then plays a list item after item', async () => {
    const channel = await serviceChannel();
    const res = await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: 'sound:hello-world,digits:12', playbackId: 'pb-1' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/playbacks/pb-1');
    expect(res.body).toEqual({
      id: 'pb-1',
      media_uri: 'sound:hello-world',
      next_media_uri: 'digits:12',
      target_uri: `channel:${channel}`,
      language: 'en',
      state: 'queued',
    });

    await ivr.waitForType('PlaybackFinished');
    const events = ivr.events.filter((e) => e.type.startsWith('Playback')).map((e) => {
      const p = e.playback as Record<string, string>;
      return [e.type, p.media_uri, p.next_media_uri, p.state];
    });
    expect(events).toEqual([
      ['PlaybackStarted', 'sound:hello-world', 'digits:12', 'playing'],
      ['PlaybackContinuing', 'sound:hello-world', 'digits:12', 'continuing'],
      ['PlaybackStarted', 'digits:12', undefined, 'playing'],
      ['PlaybackFinished', 'digits:12', undefined, 'done'],
    ]);
    expect((await rest(sim, 'GET', '/ari/playbacks/pb-1')).status).toBe(404);
  });

  it('[playback-events] lasts the length of the WAV file divided by the speed', async () => {
    const channel = await serviceChannel();
    await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: 'sound:long' });
    const started = await ivr.waitForType('PlaybackStarted');
    const t0 = Date.now();
    const finished = await ivr.waitForType('PlaybackFinished');
    const wallMs = Date.now() - t0;
    expect(finished.playback).toMatchObject({ state: 'done' });
    // 4000 ms of audio at speed 20: never less than 200 ms (timers do not fire early), far less than 4 s.
    expect(wallMs).toBeGreaterThanOrEqual(190);
    expect(wallMs).toBeLessThan(3000);
    expect(Date.parse(finished.timestamp as string) - Date.parse(started.timestamp as string)).toBeGreaterThanOrEqual(190);
  });

  it('orders playbacks by their audio length, not by when they started', async () => {
    const first = await serviceChannel();
    const second = await serviceChannel('10001');
    await rest(sim, 'POST', `/ari/channels/${first}/play`, { media: 'sound:long' });
    await rest(sim, 'POST', `/ari/channels/${second}/play`, { media: 'sound:short' });
    await ivr.waitFor((e) => e.type === 'PlaybackFinished' && (e.playback as { target_uri: string }).target_uri === `channel:${first}`, 'the long prompt');
    const order = ivr.ofType('PlaybackFinished').map((e) => (e.playback as { media_uri: string }).media_uri);
    expect(order).toEqual(['sound:short', 'sound:long']);
  });

  it('queues a second playback on the same channel until the first is done', async () => {
    const channel = await serviceChannel();
    await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: 'sound:short', playbackId: 'a' });
    await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: 'sound:short', playbackId: 'b' });
    await ivr.waitFor((e) => e.type === 'PlaybackFinished' && (e.playback as { id: string }).id === 'b', 'the second playback');
    const order = ivr.events.filter((e) => e.type.startsWith('Playback')).map((e) => `${e.type}:${(e.playback as { id: string }).id}`);
    expect(order).toEqual(['PlaybackStarted:a', 'PlaybackFinished:a', 'PlaybackStarted:b', 'PlaybackFinished:b']);
  });

  it('fails a missing sound at once: PlaybackStarted, then PlaybackFinished with state failed', async () => {
    const channel = await serviceChannel();
    await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: 'sound:no-such-prompt' });
    const finished = await ivr.waitForType('PlaybackFinished');
    expect(finished.playback).toMatchObject({ media_uri: 'sound:no-such-prompt', state: 'failed' });
    expect(ivr.events.filter((e) => e.type.startsWith('Playback')).map((e) => e.type)).toEqual(['PlaybackStarted', 'PlaybackFinished']);
  });

  it('goes on with the rest of a list after a missing sound', async () => {
    const channel = await serviceChannel();
    await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: 'sound:missing,sound:short' });
    const finished = await ivr.waitForType('PlaybackFinished');
    expect(finished.playback).toMatchObject({ media_uri: 'sound:short', state: 'done' });
    expect(ivr.ofType('PlaybackContinuing')).toHaveLength(1);
  });

  it('plays the language asked for, and falls back to English when that language lacks the sound', async () => {
    const channel = await serviceChannel();
    for (const [id, media, lang] of [['zh-only', 'welcome', 'zh'], ['en-fallback', 'short', 'zh'], ['no-zh-in-en', 'welcome', 'en']]) {
      await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: `sound:${media}`, lang, playbackId: id });
    }
    await ivr.waitFor((e) => e.type === 'PlaybackFinished' && (e.playback as { id: string }).id === 'no-zh-in-en', 'the last prompt');
    const finished = ivr.ofType('PlaybackFinished').map((e) => e.playback as { id: string; language: string; state: string });
    expect(finished.map((p) => [p.id, p.language, p.state])).toEqual([
      ['zh-only', 'zh', 'done'],
      ['en-fallback', 'zh', 'done'],
      ['no-zh-in-en', 'en', 'failed'],
    ]);
  });

  it('stops a playback early on DELETE /playbacks/{id}: PlaybackFinished with state done', async () => {
    const channel = await serviceChannel();
    await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: 'sound:long,sound:short', playbackId: 'stop-me' });
    await ivr.waitForType('PlaybackStarted');
    expect((await rest(sim, 'GET', '/ari/playbacks/stop-me')).body).toMatchObject({ state: 'playing' });
    expect((await rest(sim, 'DELETE', '/ari/playbacks/stop-me')).status).toBe(204);
    const finished = await ivr.waitForType('PlaybackFinished');
    expect(finished.playback).toMatchObject({ media_uri: 'sound:long', state: 'done' });
    expect(ivr.ofType('PlaybackContinuing')).toHaveLength(0);
  });

  it('ends the playback of a channel that hangs up before its StasisEnd', async () => {
    const channel = await serviceChannel();
    await rest(sim, 'POST', `/ari/channels/${channel}/play`, { media: 'sound:long' });
    await ivr.waitForType('PlaybackStarted');
    await rest(sim, 'DELETE', `/ari/channels/${channel}`);
    await ivr.waitForType('StasisEnd', channel);
    expect(ivr.events.slice(-3).map((e) => e.type)).toEqual(['ChannelHangupRequest', 'PlaybackFinished', 'StasisEnd']);
    expect(ivr.ofType('PlaybackFinished')[0]?.playback).toMatchObject({ state: 'failed' });
  });

  it('refuses to play to a channel that is not in Stasis, and to one that does not exist', async () => {
    sim.setAgent('1001', { kind: 'no-answer' });
    const ringing = await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1001', app: 'ivr' });
    expect(await rest(sim, 'POST', `/ari/channels/${ringing.body.id}/play`, { media: 'sound:short' }))
      .toMatchObject({ status: 409, body: { message: 'Channel not in Stasis application' } });
    expect(await rest(sim, 'POST', '/ari/channels/nope/play', { media: 'sound:short' }))
      .toMatchObject({ status: 404, body: { message: 'Channel not found' } });
  });
});
