import type { Figures } from './figures.js';
import type { IntervalBucket } from './stats-report.js';
import { formatLocal } from '../time/time-zone.js';

const COLUMNS = [
  'start', 'end', 'kind', 'id',
  'offered', 'answered', 'abandoned', 'short_abandoned', 'left_queue',
  'answered_within_threshold', 'abandoned_after_threshold', 'threshold_sec', 'target_percent',
  'service_level_percent', 'asa_ms', 'aht_ms', 'abandon_rate_percent', 'callbacks_requested',
] as const;

/**
 * Interval figures as CSV (RFC 4180, CRLF line ends): one row per bucket and
 * queue or tier that had calls, times in the statistics' zone, empty cells
 * where a ratio has no denominator.
 */
export function intervalsCsv(buckets: readonly IntervalBucket[], timeZone: string): string {
  const lines = [COLUMNS.join(',')];
  for (const bucket of buckets) {
    const start = formatLocal(bucket.start, timeZone);
    const end = formatLocal(bucket.end, timeZone);
    for (const [kind, group] of [['queue', bucket.queues], ['tier', bucket.tiers]] as const) {
      for (const [id, f] of Object.entries(group)) lines.push(row(start, end, kind, id, f));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

function row(start: string, end: string, kind: string, id: string, f: Figures): string {
  return [
    start, end, kind, id,
    f.offered, f.answered, f.abandoned, f.shortAbandoned, f.leftQueue,
    f.answeredWithinThreshold, f.abandonedAfterThreshold, f.target.seconds, f.target.percent,
    f.serviceLevelPercent, f.asaMs, f.ahtMs, f.abandonRatePercent, f.callbacksRequested,
  ].map(cell).join(',');
}

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // Quote what CSV needs quoted; a leading formula character is neutralised for spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
