import type { Tally } from './tally.js';

/** What a queue or tier is measured against: `percent` of calls answered within `seconds`. */
export interface ServiceLevelTarget {
  /** The tier's target share; null for a queue (queues have a threshold, not a target share). */
  percent: number | null;
  seconds: number;
}

/**
 * The figures of one queue or tier over one period (definitions in
 * README, "Statistics: definitions"). Counts are exact; ratios are percentages rounded to
 * 0.01 and means whole milliseconds; null where the denominator is 0.
 */
export interface Figures {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  leftQueue: number;
  answeredWithinThreshold: number;
  abandonedAfterThreshold: number;
  serviceLevelPercent: number | null;
  target: ServiceLevelTarget;
  asaMs: number | null;
  ahtMs: number | null;
  abandonRatePercent: number | null;
  callbacksRequested: number;
}

export function figuresOf(tally: Tally, target: ServiceLevelTarget): Figures {
  const offered = tally.entered - tally.shortAbandoned;
  const within = tally.answeredWaits.atMost(target.seconds);
  const abandonedAfter = tally.abandonedWaits.above(target.seconds);
  return {
    offered,
    answered: tally.answered,
    abandoned: tally.abandoned,
    shortAbandoned: tally.shortAbandoned,
    leftQueue: tally.left,
    answeredWithinThreshold: within,
    abandonedAfterThreshold: abandonedAfter,
    serviceLevelPercent: percent(within, tally.answered + abandonedAfter),
    target: { ...target },
    asaMs: mean(tally.answeredWaitMs, tally.answered),
    ahtMs: mean(tally.talkMs, tally.talked),
    abandonRatePercent: percent(tally.abandoned, offered),
    callbacksRequested: tally.callbacksRequested,
  };
}

function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 100 : null;
}

function mean(sum: number, count: number): number | null {
  return count > 0 ? Math.round(sum / count) : null;
}
