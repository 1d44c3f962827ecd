import { z } from 'zod';
import { timeZoneSchema } from '../time/time-zone.js';

/**
 * The `retention:` section: when the daily retention job runs. How long each
 * kind of record is kept is set with the record (`care.survey.retentionMonths`,
 * `care.complaints.closedRetentionMonths`, `callRecords.retentionMonths`).
 */
export const retentionSectionSchema = z.object({
  /** Local time of day (HH:MM) the job runs, once a day, on one instance. */
  runAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as 03:30').default('03:30'),
  timeZone: timeZoneSchema.default('Asia/Shanghai'),
}).strict();

export type RetentionConfig = z.infer<typeof retentionSectionSchema>;
