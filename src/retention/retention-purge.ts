import type { Logger } from 'pino';
import type { ComplaintTickets } from '../care/complaint-tickets.js';
import type { SurveyStore } from '../care/survey-store.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import type { Clock } from '../time/clock.js';

/** How long each kind of record is kept, in calendar months. */
export interface RetentionPolicy {
  /** Survey records, counted from when the survey was scheduled. */
  surveyMonths: number;
  /** Resolved complaint tickets, counted from their resolution; open tickets are never deleted. */
  closedComplaintMonths: number;
  /** Call-record events, counted from when they happened. */
  callRecordMonths: number;
}

/** What one run deleted. */
export interface PurgeCounts {
  surveys: number;
  closedComplaints: number;
  callEvents: number;
}

export interface RetentionPurgeOptions {
  surveys: SurveyStore;
  complaints: ComplaintTickets;
  callRecords: CallRecordLog;
  policy: RetentionPolicy;
  clock: Clock;
  logger: Logger;
}

/**
 * Deletes the records older than their retention, each kind through the index
 * that orders it by time, so a run reads only what it deletes. Cut-offs come
 * from the service's Clock. Running twice deletes nothing the second time,
 * and two instances running at once delete each record once.
 */
export class RetentionPurge {
  constructor(private readonly options: RetentionPurgeOptions) {}

  async run(): Promise<PurgeCounts> {
    const { surveys, complaints, callRecords, policy, clock, logger } = this.options;
    const now = clock.now();
    const cutoffs = {
      surveys: monthsBefore(now, policy.surveyMonths),
      closedComplaints: monthsBefore(now, policy.closedComplaintMonths),
      callEvents: monthsBefore(now, policy.callRecordMonths),
    };
    const counts: PurgeCounts = {
      surveys: await surveys.purgeScheduledBefore(cutoffs.surveys),
      closedComplaints: await complaints.purgeResolvedBefore(cutoffs.closedComplaints),
      callEvents: await callRecords.purgeBefore(cutoffs.callEvents),
    };
    logger.info({
      ...counts,
      cutoffs: Object.fromEntries(Object.entries(cutoffs).map(([k, v]) => [k, new Date(v).toISOString()])),
    }, 'retention: records older than their retention deleted');
    return counts;
  }
}

/**
 * The same time of day `months` calendar months earlier (UTC), on the last day
 * of the month when the month is shorter (31 March less one month is 28 or 29
 * February).
 */
export function monthsBefore(at: number, months: number): number {
  const d = new Date(at);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() - months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}
