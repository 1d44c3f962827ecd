import { z } from 'zod';
import { timeZoneSchema } from './time-zone.js';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM such as 21:00');

/**
 * When customers are not called (callbacks, surveys): from `start` to `end`
 * local time in `timeZone`, across midnight when start is later than end.
 * See quiet-hours.ts for how it pauses deadlines.
 */
export const quietHoursSchema = z.object({
  start: clockTime.default('21:00'),
  end: clockTime.default('08:00'),
  timeZone: timeZoneSchema.default('Asia/Shanghai'),
}).strict().refine((q) => q.start !== q.end, { message: 'start and end must differ (set quietHours: null for none)', path: ['end'] });

export type QuietHoursConfig = z.infer<typeof quietHoursSchema>;
