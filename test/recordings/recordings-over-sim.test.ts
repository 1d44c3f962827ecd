import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { AriConnection } from '../../src/ari/ari-connection.js';
import { AriCallControl } from '../../src/call-control/ari-call-control.js';
import type { Call } from '../../src/call-control/call-control.js';
import { parseWavHeader } from '../../src/media/wav-duration.js';
import { DirectoryStore } from '../../src/recordings/recording-store.js';
import { Recordings } from '../../src/recordings/recordings.js';
import { recordingsSectionSchema } from '../../src/recordings/recordings-config.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { until } from '../acd/support/acd-fixture.js';
import { AriHarness } from '../support/ari-harness.js';
import { readAll } from './support/wav.js';

/**
 * A conversation recorded through the simulated Asterisk over real HTTP and
 * WebSocket: the bridge recorded under our id, the switch's file fetched,
 * checked, stored and deleted from the switch, its duration that of the
 * conversation.
 */
const redisUrl = inject('redisUrl');
const prefix = `test:rec-sim:${randomUUID().slice(0, 8)}`;
const logger = pino({ level: 'silent' });
let sim: SimulatedAsterisk;
let service: AriConnection;
let control: AriCallControl;
let harness: AriHarness;
let redis: Redis;
let dir: string;
let recordings: Recordings;
const incoming: Call[] = [];

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 1, soundsDir: null, dialplanApp: 'ivr' });
  service = new AriConnection({ url: sim.url, user: 'ivr', password: 'ivr', app: 'ivr', reconnect: { initialDelayMs: 20, maxDelayMs: 500, factor: 2 } });
  control = new AriCallControl(service, { originateGraceMs: 2000 });
  control.onIncomingCall((call) => incoming.push(call));
  service.start();
  await service.waitUntilReady(5000);
  harness = await AriHarness.start({ url: sim.url });
  redis = new Redis(redisUrl);
  dir = await mkdtemp(join(tmpdir(), 'rec-sim-'));
  recordings = new Recordings({
    config: recordingsSectionSchema.parse({ copy: { attempts: 3, backoffMs: 100 } }),
    redis, redisUrl, keyPrefix: prefix, store: new DirectoryStore(dir), logger,
    switchControl: (id) => (id === 'main' ? control : null),
  });
  await recordings.start();
});

afterAll(async () => {
  await recordings?.stop();
  await harness?.stop();
  control?.close();
  await service?.stop();
  await sim?.close();
  redis?.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe('recording through the simulated Asterisk', () => {
  it('a caller and an agent bridged for about 2 s: one recording of that length in the store, none left on the switch', async () => {
    sim.setAgent('1001', { kind: 'answer', afterMs: 50 });
    await harness.call('10000', { from: '13800000001' });
    const call = await until(() => incoming.find((c) => c.callerNumber === '13800000001'), 'the call');
    const agent = await control.originate({ endpoint: 'PJSIP/1001', timeoutSec: 10, args: ['agent', call.id] });
    if (agent.kind !== 'answered') throw new Error(`agent not answered: ${agent.kind}`);
    const bridge = await control.createBridge();
    await bridge.add(call);
    await bridge.add(agent.call);

    const began = Date.now();
    recordings.bridged(
      { callId: call.id, agent: '1001', queue: 'billing', tier: 'gold', segment: 1, kind: 'live', switchId: 'main', callerNumber: call.callerNumber },
      bridge, control,
    );
    const [started] = await until(async () => {
      const listed = await recordings.list({ callId: call.id });
      return listed.length ? listed : null;
    }, 'the recording to start');
    expect(started!.status).toBe('recording');
    await new Promise((r) => setTimeout(r, 2000));
    await bridge.destroy();
    const talkedMs = Date.now() - began;
    await call.hangup();
    await agent.call.hangup();

    const meta = await until(async () => {
      const m = await recordings.get(started!.id);
      return m && ['stored', 'failed'].includes(m.status) ? m : null;
    }, 'the copy');
    expect(meta).toMatchObject({ status: 'stored', callerNumber: '13800000001', failure: null });
    expect(Math.abs(meta.durationMs! - talkedMs)).toBeLessThanOrEqual(1000);
    const opened = await recordings.open(meta.id);
    const bytes = await readAll(opened!.stream);
    expect(bytes.length).toBe(meta.size);
    expect(Math.round(parseWavHeader(bytes).durationMs)).toBe(meta.durationMs);
    expect(await readdir(dir)).toEqual([`${meta.id}.wav`]);
    await vi.waitFor(async () => expect(await control.storedRecording(meta.id)).toBeNull(), { timeout: 5000 });
    console.log(`recorded ${talkedMs} ms of conversation: stored ${meta.durationMs} ms, ${meta.size} bytes`);
  });
});
