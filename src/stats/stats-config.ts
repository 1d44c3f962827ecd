import { z } from 'zod';
import { intField } from '../routing/config-fields.js';
import { timeZoneSchema } from '../time/time-zone.js';

/**
 * The `stats:` section of the configuration. "Today" starts at local midnight
 * in `timeZone`; statistics are kept in memory for `historyDays`, which is
 * also the longest range /v1/stats/intervals answers.
 */
export const statsConfigSchema = z.object({
  timeZone: timeZoneSchema.default('Asia/Shanghai'),
  /** Callers who hang up within this many seconds of queueing are short abandons. */
  shortAbandonSec: intField(0, 120).default(5),
  historyDays: intField(1, 366).default(31),
}).strict();

export type StatsConfig = z.infer<typeof statsConfigSchema>;
