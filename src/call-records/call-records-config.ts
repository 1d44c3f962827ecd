import { z } from 'zod';

const months = z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(120, 'must be at most 120');

/**
 * The `callRecords:` section. Call records hold callers' numbers, so they are
 * kept for a limited time only: the daily retention job deletes the events
 * older than `retentionMonths`. `maxEvents` caps the stream's memory whatever
 * the age (approximately, on every append); size it for the retention period,
 * since the statistics of a trimmed period are lost.
 */
export const callRecordsSectionSchema = z.object({
  retentionMonths: months.default(13),
  maxEvents: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1000, 'must be at least 1000').default(1_000_000),
}).strict();

export type CallRecordsConfig = z.infer<typeof callRecordsSectionSchema>;
