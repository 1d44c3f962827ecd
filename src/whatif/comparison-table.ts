import type { Comparison, PeriodComparison } from './compare.js';
import type { WhatIfFigures } from './whatif-figures.js';

const COLUMNS: readonly [keyof WhatIfFigures, string, (v: number | null) => string][] = [
  ['offered', 'offered', (v) => (v === null ? '–' : String(v))],
  ['serviceLevelPercent', 'SL %', (v) => (v === null ? '–' : v.toFixed(1))],
  ['asaMs', 'ASA s', (v) => (v === null ? '–' : (v / 1000).toFixed(1))],
  ['longestWaitMs', 'longest s', (v) => (v === null ? '–' : (v / 1000).toFixed(0))],
  ['abandonRatePercent', 'aband %', (v) => (v === null ? '–' : v.toFixed(1))],
  ['callbacks', 'callbacks', (v) => (v === null ? '–' : String(v))],
  ['occupancyPercent', 'occup %', (v) => (v === null ? '–' : v.toFixed(1))],
];

/**
 * The whole period's comparison as a plain-text table for a terminal: per
 * tier and per queue, each figure as "baseline → change (difference)".
 */
export function comparisonTable(comparison: Comparison): string {
  return [section('tier', comparison.total.tiers), '', section('queue', comparison.total.queues)].join('\n');
}

function section(kind: string, rows: PeriodComparison['tiers']): string {
  const head = [kind, ...COLUMNS.map((c) => c[1])];
  const body = Object.entries(rows).map(([id, row]) => [id, ...COLUMNS.map(([key, , f]) => cell(f(row.baseline[key]), f(row.change[key]), row.diff[key], f))]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

function cell(before: string, after: string, diff: number | null, f: (v: number | null) => string): string {
  if (diff === null || diff === 0) return `${before} → ${after}`;
  const d = f(Math.abs(diff));
  return `${before} → ${after} (${diff > 0 ? '+' : '-'}${d})`;
}
