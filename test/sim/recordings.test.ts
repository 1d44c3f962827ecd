import { existsSync } from 'node:fs';
import { fetch } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWavHeader } from '../../src/media/wav-duration.js';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { AUTH, EventStream, eventually, placeLocalCall, rest, startSim } from './sim-harness.js';

/** Bridge recordings and stored recordings as Asterisk serves them (bridges.json record, recordings.json). */
describe('recordings', () => {
  const SPEED = 20;
  let sim: SimulatedAsterisk;
  let ivr: EventStream;
  let caller: string;
  let agent: string;
  let bridgeId: string;

  beforeEach(async () => {
    sim = await startSim({ speed: SPEED, defaultAgent: { kind: 'answer', afterMs: 100 } });
    ivr = await EventStream.open(sim, 'ivr');
    await EventStream.open(sim, 'harness');
    await placeLocalCall(sim, '10000');
    caller = (await ivr.waitForType('StasisStart')).channel!.id;
    agent = (await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1001', app: 'ivr', appArgs: 'agent' })).body.id;
    await ivr.waitForType('StasisStart', agent);
    bridgeId = (await rest(sim, 'POST', '/ari/bridges', { type: 'mixing' })).body.id;
    expect((await rest(sim, 'POST', `/ari/bridges/${bridgeId}/addChannel`, { channel: `${caller},${agent}` })).status).toBe(204);
  });

  afterEach(async () => {
    await sim.close();
  });

  const record = (name: string, extra: Record<string, string | number> = {}) =>
    rest(sim, 'POST', `/ari/bridges/${bridgeId}/record`, { name, format: 'wav', ...extra });
  const finishedOf = (name: string) => ivr.waitFor((e) => e.type === 'RecordingFinished' && (e.recording as { name: string }).name === name, `RecordingFinished of ${name}`);

  async function storedFile(name: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
    const res = await fetch(`${sim.url}/ari/recordings/stored/${name}/file`, { headers: { authorization: AUTH } });
    return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  }

  it('answers 201 with the recording queued and its Location, then RecordingStarted and, when stopped, RecordingFinished with its duration to the app watching the bridge', async () => {
    const res = await record('rec-1');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'rec-1', format: 'wav', state: 'queued', target_uri: `bridge:${bridgeId}` });
    expect(res.headers.get('location')).toBe('/recordings/live/rec-1');
    const started = await ivr.waitForType('RecordingStarted');
    expect(started.recording).toEqual({ name: 'rec-1', format: 'wav', state: 'recording', target_uri: `bridge:${bridgeId}` });
    expect((await rest(sim, 'GET', '/ari/recordings/live/rec-1')).body.state).toBe('recording');
    // 2 s of simulated time.
    await new Promise((r) => setTimeout(r, 2000 / SPEED));
    expect((await rest(sim, 'POST', '/ari/recordings/live/rec-1/stop')).status).toBe(204);
    const finished = await finishedOf('rec-1');
    expect(finished.recording).toMatchObject({ name: 'rec-1', state: 'done', target_uri: `bridge:${bridgeId}` });
    expect((finished.recording as { duration: number }).duration).toBeGreaterThanOrEqual(2);
    // Over: no longer live, and stopping again is 404.
    expect((await rest(sim, 'GET', '/ari/recordings/live/rec-1')).status).toBe(404);
    expect((await rest(sim, 'POST', '/ari/recordings/live/rec-1/stop')).body).toEqual({ message: 'Recording not found' });
  });

  it('writes a WAV (8 kHz mono 16-bit) of the recording\'s length in simulated time, served as audio/wav, listed and deleted as a stored recording', async () => {
    await record('rec-2');
    await ivr.waitForType('RecordingStarted');
    await new Promise((r) => setTimeout(r, 3000 / SPEED));
    await rest(sim, 'POST', '/ari/recordings/live/rec-2/stop');
    const finished = await finishedOf('rec-2');
    const file = await storedFile('rec-2');
    expect(file.status).toBe(200);
    expect(file.type).toBe('audio/wav');
    const wav = parseWavHeader(file.bytes);
    expect(wav).toMatchObject({ format: 1, sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    expect(wav.durationMs).toBeGreaterThanOrEqual(3000);
    expect(Math.abs(wav.durationMs / 1000 - (finished.recording as { duration: number }).duration)).toBeLessThanOrEqual(0.5);
    expect((await rest(sim, 'GET', '/ari/recordings/stored')).body).toEqual([{ name: 'rec-2', format: 'wav' }]);
    expect((await rest(sim, 'GET', '/ari/recordings/stored/rec-2')).body).toEqual({ name: 'rec-2', format: 'wav' });
    expect(existsSync(`${sim.recordingsDir}/rec-2.wav`)).toBe(true);
    expect((await rest(sim, 'DELETE', '/ari/recordings/stored/rec-2')).status).toBe(204);
    expect(existsSync(`${sim.recordingsDir}/rec-2.wav`)).toBe(false);
    for (const path of ['/ari/recordings/stored/rec-2', '/ari/recordings/stored/rec-2/file']) {
      const gone = await rest(sim, 'GET', path);
      expect([gone.status, gone.body]).toEqual([404, { message: 'Recording not found' }]);
    }
    expect((await rest(sim, 'DELETE', '/ari/recordings/stored/rec-2')).status).toBe(404);
  });

  it('keeps recording when one party leaves a two-party bridge, and finishes when the bridge is left empty', async () => {
    await record('rec-3');
    await ivr.waitForType('RecordingStarted');
    await rest(sim, 'POST', `/ari/bridges/${bridgeId}/removeChannel`, { channel: agent });
    await ivr.waitForType('ChannelLeftBridge', agent);
    expect((await rest(sim, 'GET', '/ari/recordings/live/rec-3')).body.state).toBe('recording');
    await rest(sim, 'DELETE', `/ari/channels/${caller}`);
    expect((await finishedOf('rec-3')).recording).toMatchObject({ state: 'done' });
    expect((await storedFile('rec-3')).status).toBe(200);
  });

  it('finishes, before BridgeDestroyed, when the bridge is destroyed', async () => {
    await record('rec-4');
    await ivr.waitForType('RecordingStarted');
    await rest(sim, 'DELETE', `/ari/bridges/${bridgeId}`);
    await ivr.waitForType('BridgeDestroyed');
    const types = ivr.events.map((e) => e.type).filter((t) => t === 'RecordingFinished' || t === 'BridgeDestroyed');
    expect(types).toEqual(['RecordingFinished', 'BridgeDestroyed']);
  });

  it('ends at maxDurationSeconds', async () => {
    await record('rec-5', { maxDurationSeconds: 1 });
    const finished = await finishedOf('rec-5');
    expect(finished.recording).toMatchObject({ state: 'done', duration: 1 });
  });

  it('a cancelled recording (DELETE /recordings/live) ends canceled and leaves no file', async () => {
    await record('rec-6');
    await ivr.waitForType('RecordingStarted');
    expect((await rest(sim, 'DELETE', '/ari/recordings/live/rec-6')).status).toBe(204);
    expect((await finishedOf('rec-6')).recording).toMatchObject({ state: 'canceled' });
    expect((await storedFile('rec-6')).status).toBe(404);
  });

  it('refuses as Asterisk does: 404 bridge, 422 format, 400 ifExists and terminateOn, 409 a name in progress or stored (ifExists fail), 400 a name leaving the directory', async () => {
    const missing = await rest(sim, 'POST', '/ari/bridges/nope/record', { name: 'x', format: 'wav' });
    expect([missing.status, missing.body]).toEqual([404, { message: 'Bridge not found' }]);
    expect((await record('x', { format: 'mp9' })).status).toBe(422);
    expect((await record('x', { ifExists: 'sometimes' })).body).toEqual({ message: 'ifExists invalid' });
    expect((await record('x', { terminateOn: '5' })).body).toEqual({ message: 'terminateOn invalid' });
    expect((await record('../escape')).body).toEqual({ message: 'Recording name invalid' });
    expect((await record('rec-7')).status).toBe(201);
    const again = await record('rec-7');
    expect([again.status, again.body]).toEqual([409, { message: "Recording 'rec-7' already exists and can not be overwritten" }]);
    await ivr.waitForType('RecordingStarted');
    await rest(sim, 'POST', '/ari/recordings/live/rec-7/stop');
    await finishedOf('rec-7');
    expect((await record('rec-7')).status).toBe(409);
    expect((await record('rec-7', { ifExists: 'overwrite' })).status).toBe(201);
  });

  it('removes its own recordings directory on close', async () => {
    await record('rec-8');
    await ivr.waitForType('RecordingStarted');
    const dir = sim.recordingsDir;
    await sim.close();
    await eventually(() => !existsSync(dir), 'the recordings directory is gone');
    sim = await startSim();
  });
});
