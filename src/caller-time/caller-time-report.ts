import type { CallerPath, PathStep } from './caller-path.js';
import { roundTenth, type TierCallerTime } from './caller-times.js';

/** Seconds as the report shows them: one decimal; "-" when no agent is rung. */
function shown(seconds: number | null): string {
  return seconds === null ? '-' : roundTenth(seconds).toFixed(1);
}

/**
 * The table: per tier, the common path's seconds and key, the no-key path's
 * seconds, the budget and whether the common path keeps it.
 */
export function formatTable(times: readonly TierCallerTime[]): string {
  const rows = [
    ['tier', 'common', 'key', 'no key', 'budget', ''],
    ...times.map((t) => [
      t.tier,
      shown(t.common.seconds),
      t.common.key === null ? 'none' : keyLabel(t.common),
      shown(t.noKey.seconds),
      t.budgetSec.toFixed(1),
      t.withinBudget ? 'ok' : t.common.seconds === null ? 'OVER: no agent rung' : 'OVER',
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const numeric = new Set([1, 3, 4]);
  return rows
    .map((row) => row.map((cell, col) => (numeric.has(col) ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  ').trimEnd())
    .join('\n');
}

/** Each path step by step: what was heard (with its seconds), waited for, pressed, and the ring. */
export function formatPaths(times: readonly TierCallerTime[]): string {
  return times.flatMap((t) => [
    `${t.tier} (${t.flow}), common path: ${describePath(t.common)}`,
    `${t.tier} (${t.flow}), no key: ${describePath(t.noKey)}`,
  ]).join('\n');
}

/** The one machine-read line: the common path's seconds per tier, one decimal, null when no agent is rung. */
export function formatJsonLine(times: readonly TierCallerTime[]): string {
  // Written by hand: JSON.stringify drops the ".0" of whole seconds.
  return `{${times.map((t) => `${JSON.stringify(t.tier)}:${t.common.seconds === null ? 'null' : shown(t.common.seconds)}`).join(',')}}`;
}

function describePath(path: CallerPath): string {
  const steps = path.steps.map(describeStep).join(' · ');
  const end = path.seconds === null ? `stops: ${path.stopped}` : `${shown(path.seconds)} s`;
  return steps ? `${steps} → ${end}` : end;
}

function describeStep(step: PathStep): string {
  switch (step.kind) {
    case 'heard': return `${step.what} ${step.seconds.toFixed(1)}`;
    case 'waited': return `wait for ${step.what} ${step.seconds.toFixed(1)}`;
    case 'pressed': return `press ${step.what}`;
    case 'rung': return `agent rung: ${step.what}`;
  }
}

function keyLabel(path: CallerPath): string {
  const pressed = path.steps.find((step) => step.kind === 'pressed');
  return pressed?.what ?? path.keys.join(' ');
}
