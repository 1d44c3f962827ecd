import { z } from 'zod';
import { intField } from '../routing/config-fields.js';
import { checkTimeZone } from './time-zone.js';

/**
 * The `stats:` section of the configuration. "Today" starts at local midnight
 * in `timeZone`; statistics are kept in memory for `historyDays`, which is
 * also the longest range /v1/stats/intervals answers.
 */
export const statsConfigSchema = z.object({
  timeZone: z.string().default('Asia/Shanghai').refine((tz) => {
    try {
      checkTimeZone(tz);
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Asia/Shanghai'),
  /** Callers who hang up within this many seconds of queueing are short abandons. */
  shortAbandonSec: intField(0, 120).default(5),
  historyDays: intField(1, 366).default(31),
}).strict();

export type StatsConfig = z.infer<typeof statsConfigSchema>;
