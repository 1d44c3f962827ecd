import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ComplaintTickets, type ComplaintTicket } from '../../src/care/complaint-tickets.js';
import { SurveyStore, type Survey } from '../../src/care/survey-store.js';
import { CallRecordLog } from '../../src/call-records/call-record-log.js';
import { RetentionJob } from '../../src/retention/retention-job.js';
import { monthsBefore, RetentionPurge, type PurgeCounts } from '../../src/retention/retention-purge.js';
import { loadConfig } from '../../src/service/config-schema.js';
import { ManualClock } from '../../src/time/clock.js';
import { until } from '../acd/support/acd-fixture.js';

/**
 * Retention by age, in virtual time: survey records and call records are kept
 * 13 months, resolved complaint tickets 3 years, open ones for ever; the daily
 * job purges what is older, through the indexes, and a second run finds
 * nothing left to do.
 */
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 2, 0);
const redisUrl = inject('redisUrl');
const prefix = `test:retention:${randomUUID().slice(0, 8)}`;
const clock = new ManualClock(T0);
const logger = pino({ level: 'silent' });
const config = loadConfig({ files: [], env: {} });
/** The daily run scheduled in real time half a day from now: it never runs during the test beside the runs the test makes. */
const HALF_A_DAY_AWAY = { runAt: new Date(Date.now() + 12 * 3_600_000).toISOString().slice(11, 16), timeZone: 'UTC' };
let redis: Redis;
let surveys: SurveyStore;
let complaints: ComplaintTickets;
let records: CallRecordLog;
let job: RetentionJob;

beforeAll(async () => {
  redis = new Redis(redisUrl);
  surveys = new SurveyStore(redis, prefix);
  complaints = new ComplaintTickets(redis, prefix, 'Asia/Shanghai');
  records = new CallRecordLog({ redis, keyPrefix: prefix, clock });
  const purge = new RetentionPurge({
    surveys, complaints, callRecords: records, clock, logger,
    policy: {
      surveyMonths: config.care.survey.retentionMonths,
      closedComplaintMonths: config.care.complaints.closedRetentionMonths,
      callRecordMonths: config.callRecords.retentionMonths,
    },
  });
  job = new RetentionJob({ purge, redisUrl, keyPrefix: prefix, schedule: HALF_A_DAY_AWAY, logger });
  await job.start();
});

afterAll(async () => {
  await job?.stop();
  redis?.disconnect();
});

let seq = 0;
function survey(number: string): Survey {
  seq += 1;
  return {
    id: `s${seq}`, callId: `call-${seq}`, number, tier: 'gold', queue: 'billing', agent: '1001',
    scheduledAt: clock.now(), dueAt: clock.now() + DAY, state: 'scheduled', attempts: 0,
    score: null, comment: false, callbackId: null, answeredAt: null,
  };
}

async function schedule(number: string): Promise<Survey> {
  const s = survey(number);
  expect(await surveys.schedule(s, clock.now(), clock.now() + 30 * DAY)).toBe(true);
  return s;
}

async function complaint(number: string): Promise<ComplaintTicket> {
  seq += 1;
  const { ticket } = await complaints.open({
    callId: `call-${seq}`, tier: 'silver', number, accountId: null, queue: 'complaints', openedAt: clock.now(), dueAt: clock.now() + DAY,
  });
  return ticket;
}

/** Runs the daily job now, through the job queue, and returns its counts. */
async function runJob(): Promise<PurgeCounts> {
  const added = await job.queue.add('purge-now', {});
  await until(async () => ['completed', 'failed'].includes(await added.getState()), 'the purge job to finish');
  const done = await job.queue.getJob(added.id!);
  expect(done?.failedReason).toBeUndefined();
  return done!.returnvalue as PurgeCounts;
}

async function callIds(): Promise<string[]> {
  return [...new Set((await records.range()).map((e) => e.callId))];
}

describe('retention by age', () => {
  it('defaults: call records and surveys 13 months, resolved complaints 3 years', () => {
    expect(config.care.survey.retentionMonths).toBe(13);
    expect(config.care.complaints.closedRetentionMonths).toBe(36);
    expect(config.callRecords.retentionMonths).toBe(13);
    expect(monthsBefore(Date.UTC(2027, 2, 31, 12), 13)).toBe(Date.UTC(2026, 1, 28, 12));
  });

  it('the job is scheduled daily at the configured time and zone', async () => {
    const schedulers = await job.queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    const [hour, minute] = HALF_A_DAY_AWAY.runAt.split(':').map(Number);
    expect(schedulers[0]).toMatchObject({ pattern: `${minute} ${hour} * * *`, tz: 'UTC' });
    expect(config.retention).toEqual({ runAt: '03:30', timeZone: 'Asia/Shanghai' });
  });

  it('a virtual clock moved 13 months, then 3 years: old records gone, newer kept, open complaints kept', async () => {
    // At T0: a survey, an open and a resolved complaint, a call record.
    const oldSurvey = await schedule('13800000001');
    const openOld = await complaint('13800000002');
    const resolvedOld = await complaint('13800000003');
    expect(await complaints.resolve(resolvedOld.id, clock.now(), 'sup', 'sorted')).toBe('resolved');
    await records.append('call-old', { type: 'arrived', dialled: '10000', from: '13800000001', instance: 'test' });
    await records.append('call-old', { type: 'ended', outcome: 'handled', durationMs: 1000 });

    // Six months later: the same again.
    await clock.advance(182 * DAY);
    const newSurvey = await schedule('13800000004');
    const resolvedNew = await complaint('13800000005');
    expect(await complaints.resolve(resolvedNew.id, clock.now(), 'sup', 'sorted')).toBe('resolved');
    await records.append('call-new', { type: 'arrived', dialled: '10000', from: '13800000004', instance: 'test' });

    // Thirteen months and a day after T0.
    await clock.advance(monthsLater(T0, 13) + DAY - clock.now());
    expect(await runJob()).toEqual({ surveys: 1, closedComplaints: 0, callEvents: 2 });
    expect(await surveys.get(oldSurvey.id)).toBeNull();
    expect(await surveys.get(newSurvey.id)).not.toBeNull();
    expect(await callIds()).toEqual(['call-new']);
    expect((await complaints.get(openOld.id))?.state).toBe('open');
    expect((await complaints.get(resolvedOld.id))?.state).toBe('resolved');
    // Idempotent: a second run finds nothing to do.
    expect(await runJob()).toEqual({ surveys: 0, closedComplaints: 0, callEvents: 0 });

    // Three years and a day after T0: the old resolved ticket goes, the open one stays.
    await clock.advance(monthsLater(T0, 36) + DAY - clock.now());
    expect(await runJob()).toEqual({ surveys: 1, closedComplaints: 1, callEvents: 1 });
    expect(await complaints.get(resolvedOld.id)).toBeNull();
    expect(await complaints.resolvedIds(10)).toEqual([resolvedNew.id]);
    expect((await complaints.get(openOld.id))?.state).toBe('open');
    expect(await complaints.openIds()).toEqual([openOld.id]);
    expect(await callIds()).toEqual([]);
    // No key of a purged record is left behind, and the numbers went with them.
    const keys = await redis.keys(`${prefix}:*`);
    const values = await Promise.all(keys.map(async (k) => ((await redis.type(k)) === 'hash' ? JSON.stringify(await redis.hgetall(k)) : k)));
    const text = values.join('\n');
    for (const gone of ['13800000001', '13800000003', '13800000004']) expect(text).not.toContain(gone);
    expect(text).toContain('13800000002');
    expect(text).toContain('13800000005');
  });

  it('surveys stored before the index existed are found once and purged', async () => {
    const legacyPrefix = `${prefix}:legacy`;
    const legacy = new SurveyStore(redis, legacyPrefix);
    const s = survey('13800000009');
    await redis.hset(`${legacy.base}:survey:${s.id}`, { id: s.id, number: s.number, scheduledAt: String(clock.now()), state: 'answered' });
    const purge = new RetentionPurge({
      surveys: legacy, complaints: new ComplaintTickets(redis, legacyPrefix, 'Asia/Shanghai'),
      callRecords: new CallRecordLog({ redis, keyPrefix: legacyPrefix, clock }), clock, logger,
      policy: { surveyMonths: 13, closedComplaintMonths: 36, callRecordMonths: 13 },
    });
    expect(await purge.run()).toEqual({ surveys: 0, closedComplaints: 0, callEvents: 0 });
    expect(await legacy.get(s.id)).not.toBeNull();
    await clock.advance(monthsLater(clock.now(), 13) + DAY - clock.now());
    expect(await purge.run()).toEqual({ surveys: 1, closedComplaints: 0, callEvents: 0 });
    expect(await legacy.get(s.id)).toBeNull();
  });
});

function monthsLater(at: number, months: number): number {
  const d = new Date(at);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
}

describe('the service runs the retention job', () => {
  it('a started service has the daily job scheduled at the configured time and zone', async () => {
    const { HotlineService } = await import('../../src/service/hotline-service.js');
    const servicePrefix = `${prefix}:service`;
    const service = new HotlineService({
      config: loadConfig({ env: { REDIS_URL: redisUrl, REDIS_PREFIX: servicePrefix, HOST: '127.0.0.1', PORT: '0', ARI_URL: 'http://127.0.0.1:9' } }),
      logger, clock,
    });
    try {
      await service.start();
      const [scheduler] = await service.retention.queue.getJobSchedulers();
      expect(scheduler).toMatchObject({ pattern: '30 3 * * *', tz: 'Asia/Shanghai' });
    } finally {
      await service.stop();
    }
  });
});
