import { describe, expect, it } from 'vitest';
import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { RoutingPolicy } from '../../src/routing/routing-policy.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';
import { dayFigures, intervalFigures, tallyCallEvents } from '../../src/stats/stats-report.js';
import { MIDNIGHT, MIN, NINE, morningEvents } from './morning-events.js';

const options = { timeZone: 'Asia/Shanghai', shortAbandonMs: 5000 };

function policy(): RoutingPolicy {
  return new RoutingPolicy({ routing: defaultTiersConfig, queues: defaultQueuesConfig });
}

function today(snapshot = policy().snapshot()) {
  return dayFigures(tallyCallEvents(morningEvents, options).day(MIDNIGHT), snapshot);
}

describe('statistics of a day from call-record events', () => {
  it("gives the billing queue's figures with short abandons excluded and the service level against the queue's 20 s", () => {
    expect(today().queues.billing).toEqual({
      offered: 8,
      answered: 5,
      abandoned: 2,
      shortAbandoned: 1,
      leftQueue: 1,
      answeredWithinThreshold: 3,
      abandonedAfterThreshold: 1,
      serviceLevelPercent: 50,
      target: { percent: null, seconds: 20 },
      asaMs: 18_400,
      ahtMs: 102_000,
      abandonRatePercent: 25,
      callbacksRequested: 1,
    });
  });

  it('counts a transferred call as offered and answered in both queues it entered', () => {
    expect(today().queues.complaints).toMatchObject({
      offered: 1, answered: 1, answeredWithinThreshold: 1, serviceLevelPercent: 100, asaMs: 8000, ahtMs: 90_000, abandonRatePercent: 0,
    });
  });

  it("measures each tier against its own target, counting each queue entry of the tier's calls", () => {
    const { gold, standard, diamond } = today().tiers;
    expect(gold).toEqual({
      offered: 6,
      answered: 4,
      abandoned: 1,
      shortAbandoned: 0,
      leftQueue: 1,
      answeredWithinThreshold: 3,
      abandonedAfterThreshold: 1,
      serviceLevelPercent: 60,
      target: { percent: 90, seconds: 15 },
      asaMs: 11_250,
      ahtMs: 75_000,
      abandonRatePercent: 16.67,
      callbacksRequested: 1,
    });
    expect(standard).toMatchObject({
      offered: 3, answered: 2, abandoned: 1, shortAbandoned: 1, answeredWithinThreshold: 2, abandonedAfterThreshold: 0,
      serviceLevelPercent: 100, target: { percent: 80, seconds: 30 }, asaMs: 27_500, ahtMs: 150_000, abandonRatePercent: 33.33,
    });
    expect(diamond).toMatchObject({ offered: 0, answered: 0, serviceLevelPercent: null, asaMs: null, ahtMs: null, abandonRatePercent: null });
  });

  it('leaves a call queued before midnight out of today, and counts it yesterday', () => {
    const tally = tallyCallEvents(morningEvents, options);
    const snapshot = policy().snapshot();
    expect(dayFigures(tally.day(MIDNIGHT - 24 * 60 * MIN), snapshot).queues.billing).toMatchObject({ offered: 1, answered: 1, ahtMs: 60_000 });
  });

  it('lists every configured queue, with zeros where nothing happened', () => {
    const figures = today();
    expect(Object.keys(figures.queues)).toEqual(Object.keys(defaultQueuesConfig).sort());
    expect(figures.queues.orders).toMatchObject({ offered: 0, serviceLevelPercent: null });
  });

  it('measures the same calls against a threshold changed during the day', () => {
    const changed = policy();
    changed.patchQueue('billing', { serviceLevelThresholdSec: 25 }, 'alice');
    // Within 25 s: c1 12 s, c2 25 s, c6 20 s, c8 5 s; abandoned after 25 s: c4.
    expect(today(changed.snapshot()).queues.billing).toMatchObject({
      answeredWithinThreshold: 4, abandonedAfterThreshold: 1, serviceLevelPercent: 66.67, target: { seconds: 25 },
    });
  });

  it('forgets the calls it follows once they are over', () => {
    expect(tallyCallEvents(morningEvents, options).openEntries).toBe(0);
  });
});

describe('statistics by quarter-hour', () => {
  it('counts a call in the quarter-hour it was queued in, even when answered in the next', () => {
    const buckets = intervalFigures(tallyCallEvents(morningEvents, options), policy().snapshot(), NINE, NINE + 45 * MIN);
    expect(buckets.map((b) => [b.start, b.end])).toEqual([
      [NINE, NINE + 15 * MIN], [NINE + 15 * MIN, NINE + 30 * MIN], [NINE + 30 * MIN, NINE + 45 * MIN],
    ]);
    const [first, second, third] = buckets;
    // 09:00–09:15: c1–c7 (c7 queued 09:14:50, answered 09:15:20).
    expect(first!.queues.billing).toMatchObject({
      offered: 6, answered: 4, abandoned: 2, shortAbandoned: 1, answeredWithinThreshold: 2, abandonedAfterThreshold: 1, serviceLevelPercent: 40,
    });
    expect(first!.queues.complaints).toBeUndefined();
    // 09:15–09:30: c8 in billing then complaints, c9's callback.
    expect(second!.queues.billing).toMatchObject({ offered: 2, answered: 1, leftQueue: 1, serviceLevelPercent: 100, callbacksRequested: 1 });
    expect(second!.queues.complaints).toMatchObject({ offered: 1, answered: 1 });
    expect(second!.tiers.gold).toMatchObject({ offered: 3, answered: 2, leftQueue: 1 });
    expect(third).toEqual({ start: NINE + 30 * MIN, end: NINE + 45 * MIN, queues: {}, tiers: {} });
  });

  it('starts at the quarter-hour containing `from` and keeps only the queue and tier asked for', () => {
    const buckets = intervalFigures(tallyCallEvents(morningEvents, options), policy().snapshot(), NINE + 7 * MIN, NINE + 16 * MIN, { queue: 'complaints', tier: 'gold' });
    expect(buckets.map((b) => b.start)).toEqual([NINE, NINE + 15 * MIN]);
    expect(buckets[0]).toMatchObject({ queues: {}, tiers: { gold: { offered: 3 } } });
    expect(Object.keys(buckets[1]!.queues)).toEqual(['complaints']);
    expect(Object.keys(buckets[1]!.tiers)).toEqual(['gold']);
  });

  it('adds up: the quarter-hours of a day sum to the day', () => {
    const tally = tallyCallEvents(morningEvents, options);
    const snapshot = policy().snapshot();
    const buckets = intervalFigures(tally, snapshot, MIDNIGHT, MIDNIGHT + 24 * 60 * MIN);
    const sum = (pick: (b: (typeof buckets)[number]) => number | undefined) => buckets.reduce((n, b) => n + (pick(b) ?? 0), 0);
    const day = dayFigures(tally.day(MIDNIGHT), snapshot);
    expect(buckets).toHaveLength(96);
    expect(sum((b) => b.queues.billing?.offered)).toBe(day.queues.billing!.offered);
    expect(sum((b) => b.queues.billing?.answeredWithinThreshold)).toBe(day.queues.billing!.answeredWithinThreshold);
    expect(sum((b) => b.tiers.gold?.abandoned)).toBe(day.tiers.gold!.abandoned);
  });
});
