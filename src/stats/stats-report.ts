import type { RecordedCallEvent } from '../call-records/call-event.js';
import { genericQueueSettings } from '../routing/queue-defaults.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import { TIER_IDS } from '../routing/tier-rank.js';
import { BUCKET_MS, CallTally, bucketOf, type CallTallyOptions, type TallyGroup } from './call-tally.js';
import { figuresOf, type Figures, type ServiceLevelTarget } from './figures.js';
import { emptyTally, type Tally } from './tally.js';

/** Figures of one period by queue id and tier id. */
export interface GroupFigures {
  queues: Record<string, Figures>;
  tiers: Record<string, Figures>;
}

export interface IntervalBucket extends GroupFigures {
  /** Start of the quarter-hour, ms since the epoch. */
  start: number;
  end: number;
}

/** Restricts interval figures to one queue and/or one tier. */
export interface StatsFilter {
  queue?: string;
  tier?: string;
}

/** Folds events (in stream order) into tallies: the pure form of what StatsAggregator does live. */
export function tallyCallEvents(events: Iterable<RecordedCallEvent>, options: CallTallyOptions): CallTally {
  const tally = new CallTally(options);
  for (const event of events) tally.add(event);
  return tally;
}

/**
 * Figures of a day: every queue of the routing in force and every tier, with
 * zeros where nothing happened, plus any queue that had calls and has since
 * been removed.
 */
export function dayFigures(group: TallyGroup | undefined, snapshot: RoutingSnapshot): GroupFigures {
  const queueIds = new Set([...Object.keys(snapshot.queues), ...(group?.queues.keys() ?? [])]);
  const queues: Record<string, Figures> = {};
  for (const id of [...queueIds].sort()) queues[id] = figuresOf(group?.queues.get(id) ?? emptyTally(), queueTarget(snapshot, id));
  const tiers: Record<string, Figures> = {};
  for (const id of TIER_IDS) tiers[id] = figuresOf(group?.tiers.get(id) ?? emptyTally(), tierTarget(snapshot, id));
  return { queues, tiers };
}

/**
 * Every quarter-hour from the one containing `from` up to `to` (exclusive).
 * A queue or tier appears in a bucket only when something was counted for it
 * there; absent means all zeros. A filter keeps the named queue and/or tier.
 */
export function intervalFigures(tally: CallTally, snapshot: RoutingSnapshot, from: number, to: number, filter: StatsFilter = {}): IntervalBucket[] {
  const out: IntervalBucket[] = [];
  const filtered = filter.queue !== undefined || filter.tier !== undefined;
  for (let start = bucketOf(from); start < to; start += BUCKET_MS) {
    const group = tally.bucket(start);
    const bucket: IntervalBucket = { start, end: start + BUCKET_MS, queues: {}, tiers: {} };
    if (group) {
      for (const [id, t] of sorted(group.queues)) {
        if (!filtered || filter.queue === id) bucket.queues[id] = figuresOf(t, queueTarget(snapshot, id));
      }
      for (const [id, t] of sorted(group.tiers)) {
        if ((!filtered || filter.tier === id) && isTier(id)) bucket.tiers[id] = figuresOf(t, tierTarget(snapshot, id));
      }
    }
    out.push(bucket);
  }
  return out;
}

/** A queue is measured against its own threshold; a queue no longer configured against the generic one. */
export function queueTarget(snapshot: RoutingSnapshot, id: string): ServiceLevelTarget {
  const queue = Object.hasOwn(snapshot.queues, id) ? snapshot.queues[id] : undefined;
  return { percent: null, seconds: (queue ?? genericQueueSettings(id)).serviceLevelThresholdSec };
}

export function tierTarget(snapshot: RoutingSnapshot, id: (typeof TIER_IDS)[number]): ServiceLevelTarget {
  const { percent, seconds } = snapshot.tiers[id].serviceLevelTarget;
  return { percent, seconds };
}

function isTier(id: string): id is (typeof TIER_IDS)[number] {
  return (TIER_IDS as readonly string[]).includes(id);
}

function sorted(map: Map<string, Tally>): [string, Tally][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
