import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditLog } from '../../src/auth/audit-log.js';
import { ComplaintTickets } from '../../src/care/complaint-tickets.js';
import { openComplaintCalls } from '../../src/recordings/open-complaint-calls.js';
import { DirectoryStore } from '../../src/recordings/recording-store.js';
import { Recordings } from '../../src/recordings/recordings.js';
import { recordingsSectionSchema } from '../../src/recordings/recordings-config.js';
import type { SweepCounts } from '../../src/recordings/retention-sweep.js';
import { ManualClock } from '../../src/time/clock.js';
import { until } from '../acd/support/acd-fixture.js';
import { SwitchDouble } from './support/switch-double.js';

/**
 * Retention in virtual time: a stored recording is deleted from the store by
 * the scheduled sweep once `retentionDays` have passed since it started, not
 * a day earlier; one under a legal hold, or whose call has an open complaint,
 * is kept until the hold is lifted or the complaint resolved. Each deletion is
 * recorded: status, when, why, the audit trail; the caller's number goes.
 */
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0);
const redisUrl = inject('redisUrl');
const prefix = `test:rec-retention:${randomUUID().slice(0, 8)}`;
const clock = new ManualClock(T0);
const logger = pino({ level: 'silent' });
let redis: Redis;
let dir: string;
let sw: SwitchDouble;
let complaints: ComplaintTickets;
let audit: AuditLog;
let recordings: Recordings;

beforeAll(async () => {
  redis = new Redis(redisUrl);
  dir = await mkdtemp(join(tmpdir(), 'rec-retention-'));
  sw = new SwitchDouble(() => clock.now());
  complaints = new ComplaintTickets(redis, prefix, 'Asia/Shanghai');
  audit = new AuditLog({ redis, keyPrefix: prefix });
  recordings = new Recordings({
    config: recordingsSectionSchema.parse({}), redis, redisUrl, keyPrefix: prefix, store: new DirectoryStore(dir), clock, logger, audit,
    switchControl: () => sw, callerNumberOf: async () => '13800138000', openComplaintCalls: openComplaintCalls(complaints),
  });
  await recordings.start();
});

afterAll(async () => {
  await recordings?.stop();
  redis?.disconnect();
  await rm(dir, { recursive: true, force: true });
});

async function storedRecording(callId: string): Promise<string> {
  const before = sw.recorded.length;
  recordings.bridged({ callId, agent: '1001', queue: 'billing', tier: 'gold', segment: 1, kind: 'live', switchId: 'main' }, sw.bridge(), sw);
  const id = await until(() => sw.recorded[before], 'the recording to start');
  await until(() => recordings.get(id), 'its metadata');
  sw.finish(id, 1000);
  await until(async () => (await recordings.get(id))?.status === 'stored', 'it to be stored');
  return id;
}

/** Runs the sweep now through its job queue, as the scheduler does, and returns its counts. */
async function runSweep(): Promise<SweepCounts & { rescued: number }> {
  const added = await recordings.retention.add('sweep-now', {});
  await until(async () => ['completed', 'failed'].includes(await added.getState()), 'the sweep to finish');
  const done = await recordings.retention.getJob(added.id!);
  expect(done?.failedReason).toBeUndefined();
  return done!.returnvalue as SweepCounts & { rescued: number };
}

describe('recordings past their retention', () => {
  it('the sweep is scheduled every sweepEveryMs (an hour) on one instance', async () => {
    const [scheduler] = await recordings.retention.getJobSchedulers();
    expect(scheduler).toMatchObject({ key: 'recordings-retention', every: 3_600_000 });
  });

  it('deleted after 92 days, kept under a legal hold or an open complaint until lifted or resolved', async () => {
    const plain = await storedRecording('call-plain');
    const held = await storedRecording('call-held');
    const complained = await storedRecording('call-complaint');
    await recordings.setLegalHold(held, 'court order 7', 'alice');
    const { ticket } = await complaints.open({
      callId: 'call-complaint', tier: 'gold', number: '13800138000', accountId: null, queue: 'complaints', openedAt: clock.now(), dueAt: clock.now() + DAY,
    });
    const files = async () => (await readdir(dir)).sort();
    expect(await files()).toEqual([plain, held, complained].map((id) => `${id}.wav`).sort());

    // A day short of the period: nothing goes.
    await clock.advance(91 * DAY);
    expect(await runSweep()).toEqual({ deleted: 0, held: 0, complaint: 0, rescued: 0 });

    await clock.advance(DAY);
    expect(await runSweep()).toEqual({ deleted: 1, held: 1, complaint: 1, rescued: 0 });
    expect(await recordings.get(plain)).toMatchObject({
      status: 'deleted', deletedAt: clock.now(), callerNumber: '', failure: `retention: kept until ${new Date(T0 + 92 * DAY).toISOString()}`,
    });
    expect(await recordings.open(plain)).toBeNull();
    expect(await files()).toEqual([held, complained].map((id) => `${id}.wav`).sort());
    const [entry] = await audit.list(10);
    expect(entry).toMatchObject({ action: 'recording.delete', target: plain, actor: { name: 'recordings retention' }, after: { status: 'deleted' } });
    // Listed as deleted: the deletion is kept.
    expect((await recordings.list({ status: 'deleted' })).map((r) => r.id)).toEqual([plain]);

    // Idempotent.
    expect(await runSweep()).toEqual({ deleted: 0, held: 1, complaint: 1, rescued: 0 });

    // The complaint resolved and the hold lifted: both go on the next sweep.
    expect(await complaints.resolve(ticket.id, clock.now(), 'sup', 'sorted')).toBe('resolved');
    await recordings.setLegalHold(held, null, 'alice');
    expect(await runSweep()).toEqual({ deleted: 2, held: 0, complaint: 0, rescued: 0 });
    expect(await files()).toEqual([]);
    expect((await recordings.counts())).toMatchObject({ stored: 0, deleted: 3 });
    expect((await audit.list(10)).filter((e) => e.action === 'recording.delete')).toHaveLength(3);
  });
});
