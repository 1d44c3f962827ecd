import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseWavHeader } from '../../src/media/wav-duration.js';
import { DirectoryStore } from '../../src/recordings/recording-store.js';
import { Recordings } from '../../src/recordings/recordings.js';
import { recordingsSectionSchema } from '../../src/recordings/recordings-config.js';
import { bearer, silent, startApi, type ApiFixture } from './api-fixture.js';
import { recordingMeta } from './fake-recording-catalog.js';
import { uniquePrefix } from './sync-fixture.js';

/**
 * The recordings API over the recordings module itself: metadata in Redis,
 * a real WAV (made by sox) in a directory store, read back whole and in
 * ranges over HTTP, byte for byte.
 */
const redisUrl = inject('redisUrl');
let api: ApiFixture;
let recordings: Recordings;
let redis: Redis;
let dir: string;
let wav: Buffer;
const id = `rec-${randomUUID()}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recordings-api-'));
  const file = join(dir, 'source.wav');
  await promisify(execFile)('sox', ['-n', '-r', '8000', '-b', '16', '-c', '1', file, 'synth', '3', 'sine', '440']);
  wav = await readFile(file);
  const prefix = uniquePrefix('rec-api');
  redis = new Redis(redisUrl);
  const store = new DirectoryStore(join(dir, 'store'));
  recordings = new Recordings({
    config: recordingsSectionSchema.parse({}), redis, redisUrl, keyPrefix: prefix, store, switchControl: () => null, logger: silent,
  });
  const stored = await store.put(id, wav);
  await recordings.index.create(recordingMeta({ id, callId: 'call-store', size: stored.size, sha256: stored.sha256, durationMs: 3000, callerNumber: '13800000042' }));
  api = await startApi({ redisUrl, prefix, listen: true, recordings });
});

afterAll(async () => {
  await api?.close();
  await recordings?.stop();
  redis?.disconnect();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the recordings API over the directory store', () => {
  it('lists the recording from Redis, masked for a supervisor and whole for an auditor', async () => {
    const as = async (role: 'supervisor' | 'auditor') => (await (await fetch(`${api.url}/v1/recordings?call=call-store`, { headers: bearer(api.keys[role]) })).json()) as { recordings: { id: string; callerNumber: string; size: number }[] };
    expect((await as('supervisor')).recordings).toEqual([expect.objectContaining({ id, callerNumber: '138****0042', size: wav.length })]);
    expect((await as('auditor')).recordings).toEqual([expect.objectContaining({ id, callerNumber: '13800000042' })]);
  });

  it('plays the stored WAV whole, 3 s of it', async () => {
    const res = await fetch(`${api.url}/v1/recordings/${id}/audio`, { headers: bearer(api.keys.auditor) });
    expect(res.status).toBe(200);
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.equals(wav)).toBe(true);
    expect(parseWavHeader(got).durationMs).toBe(3000);
  });

  it('seeks: the header, a middle part and the tail, each byte for byte', async () => {
    const size = wav.length;
    for (const [header, start, end] of [['bytes=0-43', 0, 43], [`bytes=${size >> 1}-${(size >> 1) + 999}`, size >> 1, (size >> 1) + 999], ['bytes=-500', size - 500, size - 1]] as const) {
      const res = await fetch(`${api.url}/v1/recordings/${id}/audio?reason=check`, { headers: { ...bearer(api.keys.supervisor), range: header } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
      expect(Buffer.from(await res.arrayBuffer()).equals(wav.subarray(start, end + 1))).toBe(true);
    }
    const past = await fetch(`${api.url}/v1/recordings/${id}/audio`, { headers: { ...bearer(api.keys.auditor), range: `bytes=${size}-` } });
    expect(past.status).toBe(416);
  });

  it('puts it on legal hold in Redis, naming who', async () => {
    const res = await fetch(`${api.url}/v1/recordings/${id}/hold`, {
      method: 'PUT', headers: { ...bearer(api.keys.auditor), 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'complaint 202612010001' }),
    });
    expect(res.status).toBe(200);
    expect(await recordings.index.get(id)).toMatchObject({ legalHold: 'complaint 202612010001', legalHoldBy: expect.stringMatching(/^aude \(key [0-9a-f]{12}\)$/) });
  });

  it('shows the counts in /metrics', async () => {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toMatch(/^hotline_recordings\{status="stored"\} 1$/m);
    expect(text).toMatch(/^hotline_recording_start_failures 0$/m);
  });
});
