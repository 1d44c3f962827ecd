import type { Comparison, PeriodComparison } from './compare.js';
import type { WhatIfFigures } from './whatif-figures.js';

const METRICS: readonly (keyof WhatIfFigures)[] = [
  'offered', 'answered', 'abandoned', 'shortAbandoned', 'callbacks', 'serviceLevelPercent', 'targetPercent', 'targetSeconds',
  'asaMs', 'longestWaitMs', 'abandonRatePercent', 'occupancyPercent',
];

/**
 * The comparison as CSV: one line per period (the whole period first, then
 * each quarter-hour), group (tier or queue) and id, with each figure for the
 * baseline, the change and their difference; empty where there is none.
 */
export function comparisonCsv(comparison: Comparison): string {
  const head = ['period', 'start', 'end', 'group', 'id', ...METRICS.flatMap((m) => [`baseline_${m}`, `change_${m}`, `diff_${m}`])];
  const lines = [head.join(',')];
  const add = (label: string, p: PeriodComparison): void => {
    for (const group of ['tiers', 'queues'] as const) {
      for (const [id, row] of Object.entries(p[group])) {
        const cells = METRICS.flatMap((m) => [row.baseline[m], row.change[m], row.diff[m]].map((v) => (v === null ? '' : String(v))));
        lines.push([label, iso(p.start), iso(p.end), group === 'tiers' ? 'tier' : 'queue', id, ...cells].join(','));
      }
    }
  };
  add('total', comparison.total);
  for (const p of comparison.intervals) add('quarter-hour', p);
  return `${lines.join('\n')}\n`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
