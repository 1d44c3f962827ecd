import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { DirectoryStore, sha256Of } from '../../src/recordings/recording-store.js';
import { Recordings } from '../../src/recordings/recordings.js';
import { mayRecordTier, recordingsSectionSchema, type RecordingsConfig } from '../../src/recordings/recordings-config.js';
import type { ConversationSegment } from '../../src/recordings/switch-side.js';
import { loadConfig } from '../../src/service/config-schema.js';
import { ManualClock } from '../../src/time/clock.js';
import { until } from '../acd/support/acd-fixture.js';
import { SwitchDouble } from './support/switch-double.js';
import { readAll, silenceWav } from './support/wav.js';

/**
 * Recording a conversation from the bridge to the store: started under a new
 * id when the tier and queue are recorded, copied by a BullMQ job once the
 * switch finished the file, checked, stored, deleted from the switch; a
 * switch that cannot be reached is tried again, and a recording that cannot
 * be copied is listed as failed. Real Redis, real BullMQ, real files.
 */
const DAY = 86_400_000;
const redisUrl = inject('redisUrl');
const prefix = `test:recordings:${randomUUID().slice(0, 8)}`;
const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0));
const logger = pino({ level: 'silent' });
let redis: Redis;
let dir: string;
let store: DirectoryStore;
let sw: SwitchDouble;
let recordings: Recordings;

const config: RecordingsConfig = recordingsSectionSchema.parse({
  recordCalls: { tiers: { standard: false }, queues: { internal: false } },
  copy: { attempts: 3, backoffMs: 100 },
});

beforeAll(async () => {
  redis = new Redis(redisUrl);
  dir = await mkdtemp(join(tmpdir(), 'recordings-'));
  store = new DirectoryStore(dir);
  sw = new SwitchDouble(() => clock.now());
  recordings = new Recordings({
    config, redis, redisUrl, keyPrefix: prefix, store, clock, logger,
    switchControl: (id) => (id === 'main' ? sw : null),
    callerNumberOf: async (callId) => (callId.startsWith('call-') ? '13800138000' : null),
  });
  await recordings.start();
});

afterAll(async () => {
  await recordings?.stop();
  redis?.disconnect();
  await rm(dir, { recursive: true, force: true });
});

let seq = 0;
function segment(over: Partial<ConversationSegment> = {}): ConversationSegment {
  seq++;
  return { callId: `call-${seq}`, agent: '1001', queue: 'billing', tier: 'gold', segment: 1, kind: 'live', switchId: 'main', ...over };
}

/** Bridged, talked for `ms`, and the id it was recorded under. */
async function converse(seg: ConversationSegment, ms: number, reportedMs: number | null = ms): Promise<string> {
  const before = sw.recorded.length;
  recordings.bridged(seg, sw.bridge(), sw);
  const name = await until(() => sw.recorded[before], 'the recording to start');
  await until(async () => (await recordings.get(name))?.status === 'recording', 'its metadata');
  await clock.advance(ms);
  sw.finish(name, ms, reportedMs);
  return name;
}

/** The copy job's tries, once it is over (its metadata is written before the job itself is finished). */
async function tries(id: string): Promise<number> {
  const job = await until(async () => {
    const j = await recordings.copies.getJob(id);
    return j && ['completed', 'failed'].includes(await j.getState()) ? recordings.copies.getJob(id) : null;
  }, `the copy job of ${id} to be over`);
  return job!.attemptsMade;
}

async function settled(id: string) {
  return until(async () => {
    const meta = await recordings.get(id);
    return meta && ['stored', 'failed'].includes(meta.status) ? meta : null;
  }, `recording ${id} to be stored or failed`);
}

describe('recording a conversation', () => {
  it('is stored with its size, checksum and duration, the switch copy deleted, kept 92 days', async () => {
    const started = clock.now();
    const id = await converse(segment({ callId: 'call-a' }), 3000);
    expect(id).toMatch(/^rec-[0-9a-f-]{36}$/);
    const meta = await settled(id);
    const wav = silenceWav(3000);
    expect(meta).toMatchObject({
      id, callId: 'call-a', segment: 1, kind: 'live', agent: '1001', queue: 'billing', tier: 'gold', switchId: 'main',
      startedAt: started, status: 'stored', size: wav.length, sha256: sha256Of(wav), durationMs: 3000,
      retainUntil: started + 92 * DAY, legalHold: null, failure: null, callerNumber: '13800138000',
    });
    expect((await readFile(join(dir, `${id}.wav`))).equals(wav)).toBe(true);
    expect(sw.files.has(id)).toBe(false);
  });

  it('takes the caller number from the segment when it carries one', async () => {
    const id = await converse(segment({ callerNumber: '13900139000' }), 1000);
    expect((await settled(id)).callerNumber).toBe('13900139000');
  });

  it('one recording per agent segment of a call, linked by the call id', async () => {
    const first = await converse(segment({ callId: 'call-t', agent: '1001', segment: 1 }), 1000);
    await settled(first);
    const second = await converse(segment({ callId: 'call-t', agent: '1002', segment: 2, queue: 'tech' }), 2000);
    await settled(second);
    const listed = await recordings.list({ callId: 'call-t' });
    expect(listed.map((r) => [r.id, r.segment, r.agent])).toEqual([[second, 2, '1002'], [first, 1, '1001']]);
  });

  it('is not recorded where the tier or the queue turns it off, or with recording off', async () => {
    const before = sw.recorded.length;
    recordings.bridged(segment({ tier: 'standard' }), sw.bridge(), sw);
    recordings.bridged(segment({ queue: 'internal' }), sw.bridge(), sw);
    await new Promise((r) => setImmediate(r));
    expect(sw.recorded.length).toBe(before);
    expect(recordings.records('gold', 'billing')).toBe(true);
    const off = recordingsSectionSchema.parse({ enabled: false });
    expect(new Recordings({ config: off, redis, redisUrl, keyPrefix: `${prefix}:off`, store, logger, switchControl: () => null }).records('gold', 'billing')).toBe(false);
  });

  it('a recording the switch refuses never breaks the call: logged and counted', async () => {
    const before = (await recordings.counts()).startFailed;
    sw.refuseRecord = true;
    try {
      expect(() => recordings.bridged(segment(), sw.bridge(), sw)).not.toThrow();
      await until(async () => (await recordings.counts()).startFailed === before + 1, 'the refusal counted');
    } finally {
      sw.refuseRecord = false;
    }
  });
});

describe('copying from the switch', () => {
  it('a switch unreachable when the recording finishes: copied on a later try, never lost', async () => {
    sw.unreachableFetches = 2;
    const fetchesBefore = sw.fetches;
    const id = await converse(segment(), 2000);
    const meta = await settled(id);
    expect(meta.status).toBe('stored');
    expect(sw.fetches - fetchesBefore).toBe(3);
    expect(await tries(id)).toBe(3);
  });

  it('unreachable through every try: failed with the reason, listed with status=failed, counted', async () => {
    const failedBefore = (await recordings.counts()).failed;
    sw.unreachableFetches = 3;
    const id = await converse(segment({ callId: 'call-lost' }), 1000);
    const meta = await settled(id);
    expect(meta).toMatchObject({ status: 'failed', failure: 'connect ECONNREFUSED 127.0.0.1:8088' });
    expect((await recordings.list({ status: 'failed' })).map((r) => r.id)).toContain(id);
    expect((await recordings.counts()).failed).toBe(failedBefore + 1);
    // The switch still has it: nothing was deleted that was not stored.
    expect(sw.files.has(id)).toBe(true);
    expect(await recordings.open(id)).toBeNull();
  });

  it('a recording the switch no longer has fails at once, without retries', async () => {
    const id = await converse(segment(), 1000);
    // Gone before the job fetched it.
    sw.files.delete(id);
    const meta = await until(async () => ((await recordings.get(id))?.status === 'failed' ? recordings.get(id) : null), 'the failure');
    expect(meta?.failure).toMatch(/has no recording/);
    expect(await tries(id)).toBe(1);
  });

  it('a file shorter than the switch reported is fetched again, then failed', async () => {
    const id = await converse(segment(), 1000, 5000);
    const meta = await settled(id);
    expect(meta.status).toBe('failed');
    expect(meta.failure).toBe('the file lasts 1000 ms, the switch reported 5000 ms');
    expect(await tries(id)).toBe(3);
  });

  it('the duration reported in whole seconds is within tolerance', async () => {
    const id = await converse(segment(), 2400, 2000);
    expect(await settled(id)).toMatchObject({ status: 'stored', durationMs: 2400 });
  });
});

describe('a recording left by an instance that stopped mid-conversation', () => {
  it('is copied by the sweep once older than orphanAfterMs, not before; one recording now is left alone', async () => {
    // Written as a stopped instance leaves it: metadata `recording`, no copy job, the file on the switch.
    const id = `rec-${randomUUID()}`;
    const now = clock.now();
    await recordings.index.create({
      id, callId: 'call-orphan', segment: 1, kind: 'live', agent: '1001', queue: 'billing', tier: 'gold', switchId: 'main',
      startedAt: now, durationMs: null, size: null, sha256: null, retainUntil: now + 92 * DAY, legalHold: null, status: 'recording',
      failure: null, callerNumber: '13800138000', legalHoldBy: null, deletedAt: null,
    });
    sw.files.set(id, silenceWav(4000));
    // One this instance is recording, as old.
    const before = sw.recorded.length;
    recordings.bridged(segment(), sw.bridge(), sw);
    const live = await until(() => sw.recorded[before], 'the recording to start');
    await until(() => recordings.get(live), 'its metadata');

    await clock.advance(config.orphanAfterMs - 1);
    expect((await recordings.sweep()).rescued).toBe(0);
    await clock.advance(1);
    expect((await recordings.sweep()).rescued).toBe(1);
    expect(await settled(id)).toMatchObject({ status: 'stored', durationMs: 4000 });
    expect((await recordings.get(live))?.status).toBe('recording');
    sw.finish(live, 1000, null);
    expect((await settled(live)).status).toBe('stored');
  });
});

describe('stopping', () => {
  it('does not wait for a conversation still recorded: left `recording` for the sweep of the next instance', async () => {
    const own = new Recordings({ config, redis, redisUrl, keyPrefix: `${prefix}:stop`, store, clock, logger, switchControl: () => sw });
    await own.start();
    // Its workers at work (a sweep run through them) before it is stopped.
    const sweep = await own.retention.add('sweep-now', {});
    await until(async () => (await sweep.getState()) === 'completed', 'a sweep');
    const before = sw.recorded.length;
    own.bridged(segment(), sw.bridge(), sw);
    const id = await until(() => sw.recorded[before], 'the recording to start');
    await until(() => own.get(id), 'its metadata');
    // The conversation never ends during the test: stop returns all the same.
    await own.stop();
    sw.finish(id, 1000);
    await new Promise((r) => setTimeout(r, 50));
    expect((await own.get(id))?.status).toBe('recording');
  });
});

describe('the catalog', () => {
  it('lists newest first, by agent, call and time, and reads ranges', async () => {
    const t = clock.now();
    const a = await converse(segment({ agent: 'a-77', callId: 'call-x1' }), 1000);
    await settled(a);
    const b = await converse(segment({ agent: 'a-77', callId: 'call-x2' }), 1000);
    await settled(b);
    expect((await recordings.list({ agent: 'a-77' })).map((r) => r.id)).toEqual([b, a]);
    expect((await recordings.list({ agent: 'a-77', limit: 1 })).map((r) => r.id)).toEqual([b]);
    expect((await recordings.list({ from: t, to: t + 500 })).map((r) => r.id)).toEqual([a]);
    expect((await recordings.list({ from: t + 500 })).map((r) => r.id)).toEqual([b]);
    expect((await recordings.list({ agent: 'a-77', status: 'failed' }))).toEqual([]);
    const whole = silenceWav(1000);
    const opened = await recordings.open(a, { start: 44, end: 143 });
    expect(opened).toMatchObject({ size: whole.length, contentType: 'audio/wav' });
    expect((await readAll(opened!.stream)).equals(whole.subarray(44, 144))).toBe(true);
    expect(await recordings.open('rec-00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('a legal hold is set and lifted, with who set it', async () => {
    const id = await converse(segment(), 1000);
    await settled(id);
    expect(await recordings.setLegalHold(id, 'complaint 202601050001', 'alice')).toMatchObject({ legalHold: 'complaint 202601050001', legalHoldBy: 'alice' });
    expect(await recordings.get(id)).toMatchObject({ legalHold: 'complaint 202601050001' });
    expect(await recordings.setLegalHold(id, null, 'alice')).toMatchObject({ legalHold: null, legalHoldBy: null });
    await expect(recordings.setLegalHold('rec-00000000-0000-0000-0000-000000000000', 'x', 'alice')).rejects.toThrow(/no recording/);
  });
});

describe('the recordings section', () => {
  it('defaults: on, kept 92 days, in the recordings directory, every tier and queue recorded', () => {
    const { recordings: section } = loadConfig({ files: [], env: {} });
    expect(section).toMatchObject({ enabled: true, retentionDays: 92, store: { kind: 'directory', dir: 'recordings' }, recordCalls: { tiers: {}, queues: {} } });
    expect(loadConfig({ env: {} }).recordings.retentionDays).toBe(92);
  });

  it('refuses fewer than 90 days at start-up, naming the setting', () => {
    expect(() => loadConfig({ files: [], env: { HOTLINE__recordings__retentionDays: '89' } })).toThrow(ConfigError);
    expect(() => loadConfig({ files: [], env: { HOTLINE__recordings__retentionDays: '89' } })).toThrow(/recordings\.retentionDays.*at least 90/s);
    expect(loadConfig({ files: [], env: { HOTLINE__recordings__retentionDays: '90' } }).recordings.retentionDays).toBe(90);
  });

  it("the greeting's notice: a tier whose calls may be recorded, whatever the queue", () => {
    expect(mayRecordTier(config, 'gold')).toBe(true);
    expect(mayRecordTier(config, 'standard')).toBe(false);
    expect(mayRecordTier({ ...config, enabled: false }, 'gold')).toBe(false);
  });

  it('an S3 store', () => {
    const { recordings: section } = loadConfig({ files: [], env: {}, overrides: { recordings: { store: { kind: 's3', bucket: 'calls', endpoint: 'http://minio:9000', forcePathStyle: true } } } } as never);
    expect(section.store).toEqual({ kind: 's3', bucket: 'calls', region: 'us-east-1', endpoint: 'http://minio:9000', forcePathStyle: true, prefix: '' });
  });
});
