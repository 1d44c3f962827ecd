import type { GroupedFigures, PeriodFigures, ScenarioFigures, WhatIfFigures } from './whatif-figures.js';

/** Change minus baseline for every figure; null where either side has none. */
export type FiguresDiff = { [K in keyof WhatIfFigures]: number | null };

export interface PeriodComparison {
  start: number;
  end: number;
  tiers: Record<string, { baseline: WhatIfFigures; change: WhatIfFigures; diff: FiguresDiff }>;
  queues: Record<string, { baseline: WhatIfFigures; change: WhatIfFigures; diff: FiguresDiff }>;
}

export interface Comparison {
  total: PeriodComparison;
  intervals: PeriodComparison[];
}

/** Baseline and change side by side, with the difference, for the whole period and each quarter-hour. */
export function compareScenarios(baseline: ScenarioFigures, change: ScenarioFigures): Comparison {
  return {
    total: comparePeriod(baseline.total, change.total),
    intervals: baseline.intervals.map((b, i) => comparePeriod(b, change.intervals[i] ?? emptyLike(b))),
  };
}

function comparePeriod(b: PeriodFigures, c: PeriodFigures): PeriodComparison {
  return { start: b.start, end: b.end, tiers: compareGroup(b, c, 'tiers'), queues: compareGroup(b, c, 'queues') };
}

function compareGroup(b: GroupedFigures, c: GroupedFigures, kind: 'tiers' | 'queues'): PeriodComparison['tiers'] {
  const out: PeriodComparison['tiers'] = {};
  const ids = [...new Set([...Object.keys(b[kind]), ...Object.keys(c[kind])])].sort();
  for (const id of ids) {
    const baseline = b[kind][id] ?? c[kind][id]!;
    const change = c[kind][id] ?? b[kind][id]!;
    out[id] = { baseline, change, diff: diffOf(baseline, change) };
  }
  return out;
}

export function diffOf(baseline: WhatIfFigures, change: WhatIfFigures): FiguresDiff {
  const out = {} as FiguresDiff;
  for (const key of Object.keys(baseline) as (keyof WhatIfFigures)[]) {
    const a = baseline[key];
    const b = change[key];
    out[key] = a === null || b === null ? null : Math.round((b - a) * 100) / 100;
  }
  return out;
}

function emptyLike(p: PeriodFigures): PeriodFigures {
  return { start: p.start, end: p.end, tiers: {}, queues: {} };
}
