import { describe, expect, it } from 'vitest';
import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { RoutingPolicy } from '../../src/routing/routing-policy.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';
import { intervalsCsv } from '../../src/stats/intervals-csv.js';
import { intervalFigures, tallyCallEvents } from '../../src/stats/stats-report.js';
import { MIN, NINE, morningEvents } from './morning-events.js';

describe('interval figures as CSV', () => {
  it('writes one row per quarter-hour and queue or tier that had calls, in local time, empty cells for missing ratios', () => {
    const snapshot = new RoutingPolicy({ routing: defaultTiersConfig, queues: defaultQueuesConfig }).snapshot();
    const tally = tallyCallEvents(morningEvents, { timeZone: 'Asia/Shanghai', shortAbandonMs: 5000 });
    const csv = intervalsCsv(intervalFigures(tally, snapshot, NINE, NINE + 30 * MIN, { queue: 'billing', tier: 'standard' }), 'Asia/Shanghai');
    expect(csv.split('\r\n')).toEqual([
      'start,end,kind,id,offered,answered,abandoned,short_abandoned,left_queue,answered_within_threshold,abandoned_after_threshold,threshold_sec,target_percent,service_level_percent,asa_ms,aht_ms,abandon_rate_percent,callbacks_requested',
      '2026-01-05T09:00:00+08:00,2026-01-05T09:15:00+08:00,queue,billing,6,4,2,1,0,2,1,20,,40,21750,120000,33.33,0',
      '2026-01-05T09:00:00+08:00,2026-01-05T09:15:00+08:00,tier,standard,3,2,1,1,0,2,0,30,80,100,27500,150000,33.33,0',
      '2026-01-05T09:15:00+08:00,2026-01-05T09:30:00+08:00,queue,billing,2,1,0,0,1,1,0,20,,100,5000,30000,0,1',
      '',
    ]);
  });

  it('writes only the header when nothing happened', () => {
    expect(intervalsCsv([{ start: NINE, end: NINE + 15 * MIN, queues: {}, tiers: {} }], 'Asia/Shanghai').split('\r\n')).toHaveLength(2);
  });
});
