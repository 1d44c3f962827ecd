import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { CallRecordLog } from '../../src/call-records/call-record-log.js';
import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { RoutingPolicy } from '../../src/routing/routing-policy.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';
import { StatsAggregator } from '../../src/stats/stats-aggregator.js';
import { ManualClock } from '../../src/time/clock.js';
import { dayFigures, tallyCallEvents } from '../../src/stats/stats-report.js';
import { MIDNIGHT, MIN, NINE, SEC, morningEvents } from './morning-events.js';

const settings = { timeZone: 'Asia/Shanghai', shortAbandonSec: 5, historyDays: 31 };
const snapshot = new RoutingPolicy({ routing: defaultTiersConfig, queues: defaultQueuesConfig }).snapshot();
let redis: Redis;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});

afterAll(() => {
  redis.disconnect();
});

async function recordMorning(): Promise<CallRecordLog> {
  const log = new CallRecordLog({ redis, keyPrefix: `test:stats:${randomUUID()}` });
  for (const { callId, at, id: _id, ...event } of morningEvents) await log.append(callId, event, at);
  return log;
}

function aggregator(log: CallRecordLog, batchSize = 1000): StatsAggregator {
  // The stream's ids carry today's date, the events 2026-01-05: read the whole stream.
  return new StatsAggregator({ redis, streamKey: log.key, settings, clock: new ManualClock(NINE + 30 * MIN), startId: '0-0', batchSize });
}

describe('live statistics from the call-record stream', () => {
  it('answers the same figures as the events computed directly', async () => {
    const log = await recordMorning();
    const today = await aggregator(log).today(snapshot);
    const direct = dayFigures(tallyCallEvents(morningEvents, { timeZone: settings.timeZone, shortAbandonMs: 5000 }).day(MIDNIGHT), snapshot);
    expect(today.dayStart).toBe(MIDNIGHT);
    expect(today.queues).toEqual(direct.queues);
    expect(today.tiers).toEqual(direct.tiers);
    expect(today.queues.billing).toMatchObject({ offered: 8, serviceLevelPercent: 50 });
  });

  it('includes an event appended just before the request', async () => {
    const log = await recordMorning();
    const stats = aggregator(log);
    expect((await stats.today(snapshot)).queues.orders!.offered).toBe(0);
    await log.append('c20', { type: 'queued', queue: 'orders', tier: 'silver', priority: 60, position: 1 }, NINE + 25 * MIN);
    expect((await stats.today(snapshot)).queues.orders!.offered).toBe(1);
    await log.append('c20', { type: 'answered', queue: 'orders', agent: 'a4', tier: 'silver', waitMs: 4000 }, NINE + 25 * MIN + 4 * SEC);
    expect((await stats.today(snapshot)).tiers.silver).toMatchObject({ offered: 1, answered: 1, serviceLevelPercent: 100, asaMs: 4000 });
  });

  it('reads only the events appended since the previous request', async () => {
    const log = await recordMorning();
    const stats = aggregator(log, 10);
    await stats.today(snapshot);
    const xread = vi.spyOn(redis, 'xread');
    try {
      await log.append('c21', { type: 'queued', queue: 'orders', tier: 'silver', priority: 60, position: 1 }, NINE + 26 * MIN);
      await stats.today(snapshot);
      expect(xread).toHaveBeenCalledTimes(1);
      const reply = await xread.mock.results[0]!.value;
      expect(reply[0][1]).toHaveLength(1);
    } finally {
      xread.mockRestore();
    }
  });

  it('serves overlapping requests from one reading of each event', async () => {
    const log = await recordMorning();
    const stats = aggregator(log, 7);
    const answers = await Promise.all([stats.today(snapshot), stats.today(snapshot), stats.intervals(snapshot, NINE, NINE + 15 * MIN)]);
    expect(answers[0].queues.billing!.offered).toBe(8);
    expect(answers[1].queues.billing!.offered).toBe(8);
    expect(answers[2][0]!.queues.billing!.offered).toBe(6);
  });
});
