import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AriConnection } from '../../src/ari/ari-connection.js';
import { AriError } from '../../src/ari/ari-error.js';
import { AriCallControl } from '../../src/call-control/ari-call-control.js';
import type { Bridge, Call } from '../../src/call-control/call-control.js';
import { parseWavHeader } from '../../src/media/wav-duration.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';

/**
 * Bridge recordings through the call control, against the simulated Asterisk
 * over real HTTP and WebSocket: two answered legs in a bridge stand for a
 * caller and an agent.
 */
const SPEED = 20;
let sim: SimulatedAsterisk;
const connections: AriConnection[] = [];
let control: AriCallControl;

async function connect(app = 'ivr', reconnectDelayMs = 20): Promise<{ connection: AriConnection; control: AriCallControl }> {
  const connection = new AriConnection({
    url: sim.url,
    user: 'ivr',
    password: 'ivr',
    app,
    requestTimeoutMs: 3000,
    reconnect: { initialDelayMs: reconnectDelayMs, maxDelayMs: reconnectDelayMs, factor: 1 },
    keepaliveMs: 500,
  });
  connections.push(connection);
  const callControl = new AriCallControl(connection);
  connection.start();
  await connection.waitUntilReady(5000);
  return { connection, control: callControl };
}

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, defaultAgent: { kind: 'answer', afterMs: 200 } });
  ({ control } = await connect());
});

afterAll(async () => {
  for (const connection of connections) await connection.stop();
  await sim?.close();
});

afterEach(async () => {
  for (const channel of sim.channels()) await fetch(`${sim.url}/ari/channels/${channel.id}?api_key=ivr:ivr`, { method: 'DELETE' }).catch(() => {});
});

/** Two answered legs, bridged. */
async function conversation(on: AriCallControl = control): Promise<{ bridge: Bridge; legs: Call[] }> {
  const legs: Call[] = [];
  for (const endpoint of ['PJSIP/1001', 'PJSIP/1002']) {
    const result = await on.originate({ endpoint, timeoutSec: 10 });
    if (result.kind !== 'answered') throw new Error(`${endpoint}: ${result.kind}`);
    legs.push(result.call);
  }
  const bridge = await on.createBridge('talk');
  for (const leg of legs) await bridge.add(leg);
  return { bridge, legs };
}

const simulatedWait = (ms: number) => new Promise((r) => setTimeout(r, ms / SPEED));

describe('recording a bridge through the call control', () => {
  it('starts on RecordingStarted, stops with the file kept, and the stored recording is fetched and deleted by name', async () => {
    const { bridge } = await conversation();
    const before = Date.now();
    const recording = await bridge.record('rec-a');
    expect(recording.name).toBe('rec-a');
    expect(recording.startedAt).toBeGreaterThanOrEqual(before);
    await simulatedWait(3000);
    await recording.stop();
    const end = await recording.finished;
    expect(end.kind).toBe('finished');
    if (end.kind !== 'finished') return;
    expect(end.durationMs).toBeGreaterThanOrEqual(3000);
    // Stopping one that is over is not an error.
    await recording.stop();

    const bytes = await control.storedRecording('rec-a');
    expect(bytes).not.toBeNull();
    const wav = parseWavHeader(bytes!);
    expect(Math.abs(wav.durationMs - end.durationMs!)).toBeLessThanOrEqual(500);
    expect(await control.deleteStoredRecording('rec-a')).toBe(true);
    expect(await control.deleteStoredRecording('rec-a')).toBe(false);
    expect(await control.storedRecording('rec-a')).toBeNull();
    await bridge.destroy();
  });

  it('finishes when both parties hang up, and when the bridge is destroyed', async () => {
    const first = await conversation();
    const hungUp = await first.bridge.record('rec-b');
    let settled = false;
    void hungUp.finished.then(() => {
      settled = true;
    });
    // One party leaving a two-party bridge does not end it.
    await first.legs[0]!.hangup();
    await simulatedWait(1000);
    expect(settled).toBe(false);
    await first.legs[1]!.hangup();
    expect((await hungUp.finished).kind).toBe('finished');
    expect(await control.storedRecording('rec-b')).not.toBeNull();
    await first.bridge.destroy();

    const second = await conversation();
    const destroyed = await second.bridge.record('rec-c');
    await second.bridge.destroy();
    expect((await destroyed.finished).kind).toBe('finished');
    expect(await control.storedRecording('rec-c')).not.toBeNull();
  });

  it('rejects when the switch refuses: a recording of that name is already stored', async () => {
    const { bridge } = await conversation();
    const first = await bridge.record('rec-d');
    await first.stop();
    await first.finished;
    const refused = await bridge.record('rec-d').then(() => null, (err: unknown) => err);
    expect(refused).toBeInstanceOf(AriError);
    expect((refused as AriError).ariStatus).toBe(409);
    await bridge.destroy();
  });

  it('settles when the recording ended while the events connection was down (duration unknown)', async () => {
    const slow = await connect('ivr-slow', 300);
    const { bridge } = await conversation(slow.control);
    const recording = await bridge.record('rec-e');
    sim.dropWebSockets();
    await new Promise((r) => setTimeout(r, 30));
    // Ended while nobody hears it: the RecordingFinished is lost.
    await fetch(`${sim.url}/ari/recordings/live/rec-e/stop?api_key=ivr:ivr`, { method: 'POST' });
    const end = await recording.finished;
    expect(end).toEqual({ kind: 'finished', durationMs: null });
    for (const connection of connections) await connection.waitUntilReady(5000);
    await bridge.destroy();
  });

  it('starts even when RecordingStarted was lost with the events connection (taken as started when Asterisk answered), and still finishes', async () => {
    const slow = await connect('ivr-lost-start', 300);
    const { bridge } = await conversation(slow.control);
    sim.dropWebSockets();
    const before = Date.now();
    const recording = await bridge.record('rec-f');
    expect(recording.startedAt).toBeGreaterThanOrEqual(before);
    for (const connection of connections) await connection.waitUntilReady(5000);
    await recording.stop();
    expect((await recording.finished).kind).toBe('finished');
    expect(await slow.control.storedRecording('rec-f')).not.toBeNull();
    await bridge.destroy();
  });
});
