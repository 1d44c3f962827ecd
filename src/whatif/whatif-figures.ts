import type { RecordedCallEvent } from '../call-records/call-event.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import { TIER_IDS } from '../routing/tier-rank.js';
import { BUCKET_MS, bucketOf } from '../stats/call-tally.js';
import { figuresOf } from '../stats/figures.js';
import { queueTarget, tallyCallEvents, tierTarget } from '../stats/stats-report.js';
import { addTally, emptyTally, type Tally } from '../stats/tally.js';
import type { AgentTime, TimeSpent } from './agent-time.js';

/** The figures of one tier or queue in one period, as the live statistics define them. */
export interface WhatIfFigures {
  offered: number;
  answered: number;
  abandoned: number;
  /** Gave up before the short-abandon threshold: not offered (README, "Statistics: definitions"). */
  shortAbandoned: number;
  callbacks: number;
  /** Answered within the target over answered plus abandoned after it (README, "Statistics: definitions"). */
  serviceLevelPercent: number | null;
  /** The tier's target share (null for a queue) and the seconds it is measured at. */
  targetPercent: number | null;
  targetSeconds: number;
  asaMs: number | null;
  longestWaitMs: number | null;
  abandonRatePercent: number | null;
  /** Busy over staffed agent time: for a queue, of the agents with its skill; for a tier, of all agents. */
  occupancyPercent: number | null;
}

export interface GroupedFigures {
  tiers: Record<string, WhatIfFigures>;
  queues: Record<string, WhatIfFigures>;
}

export interface PeriodFigures extends GroupedFigures {
  start: number;
  end: number;
}

/** A scenario's figures: the whole period and each quarter-hour. */
export interface ScenarioFigures {
  total: PeriodFigures;
  intervals: PeriodFigures[];
}

export interface FiguresInput {
  events: readonly RecordedCallEvent[];
  agentTime: AgentTime;
  snapshot: RoutingSnapshot;
  from: number;
  to: number;
  shortAbandonSec: number;
}

/**
 * A scenario's call records folded by the statistics' own code (CallTally,
 * figuresOf: the same counting as /v1/stats), plus what the live statistics
 * do not keep: the longest wait, and the occupancy from the agents' time.
 * Calls count in the quarter-hour they entered the queue.
 */
export function scenarioFigures(input: FiguresInput): ScenarioFigures {
  const tally = tallyCallEvents(input.events, { timeZone: 'UTC', shortAbandonMs: input.shortAbandonSec * 1000 });
  const longest = longestWaits(input.events);
  const queueIds = Object.keys(input.snapshot.queues).sort();
  const intervals: PeriodFigures[] = [];
  const totals = { tiers: new Map<string, Tally>(), queues: new Map<string, Tally>() };
  const totalTime = new Map<string, TimeSpent>();
  for (let start = bucketOf(input.from); start < input.to; start += BUCKET_MS) {
    const group = tally.bucket(start);
    for (const [kind, map] of [['tiers', group?.tiers], ['queues', group?.queues]] as const) {
      for (const [id, t] of map ?? []) {
        let into = totals[kind].get(id);
        if (!into) totals[kind].set(id, (into = emptyTally()));
        addTally(into, t);
      }
    }
    const time = input.agentTime.buckets.get(start) ?? new Map<string, TimeSpent>();
    for (const [g, spent] of time) {
      const into = totalTime.get(g) ?? { staffedMs: 0, busyMs: 0 };
      into.staffedMs += spent.staffedMs;
      into.busyMs += spent.busyMs;
      totalTime.set(g, into);
    }
    intervals.push({ start, end: start + BUCKET_MS, ...grouped(group, longest.get(start), time, input.snapshot, queueIds) });
  }
  const longestTotal = mergeLongest([...longest.entries()].filter(([b]) => b >= bucketOf(input.from) && b < input.to).map(([, m]) => m));
  return {
    total: { start: input.from, end: input.to, ...grouped(totals, longestTotal, totalTime, input.snapshot, queueIds) },
    intervals,
  };
}

type Groups = { tiers: Map<string, Tally>; queues: Map<string, Tally> };

function grouped(group: Groups | undefined, longest: Map<string, number> | undefined, time: Map<string, TimeSpent>, snapshot: RoutingSnapshot, queueIds: string[]): GroupedFigures {
  const tiers: Record<string, WhatIfFigures> = {};
  for (const id of TIER_IDS) {
    tiers[id] = figures(group?.tiers.get(id), tierTarget(snapshot, id), longest?.get(`tier:${id}`), time.get('*'));
  }
  const queues: Record<string, WhatIfFigures> = {};
  const ids = new Set([...queueIds, ...(group?.queues.keys() ?? [])]);
  for (const id of [...ids].sort()) {
    const skill = Object.hasOwn(snapshot.queues, id) ? snapshot.queues[id]!.skill : id;
    queues[id] = figures(group?.queues.get(id), queueTarget(snapshot, id), longest?.get(`queue:${id}`), time.get(skill));
  }
  return { tiers, queues };
}

function figures(tally: Tally | undefined, target: { percent: number | null; seconds: number }, longestWaitMs: number | undefined, time: TimeSpent | undefined): WhatIfFigures {
  const f = figuresOf(tally ?? emptyTally(), target);
  return {
    offered: f.offered,
    answered: f.answered,
    abandoned: f.abandoned,
    shortAbandoned: f.shortAbandoned,
    callbacks: f.callbacksRequested,
    serviceLevelPercent: f.serviceLevelPercent,
    targetPercent: f.target.percent,
    targetSeconds: f.target.seconds,
    asaMs: f.asaMs,
    longestWaitMs: longestWaitMs ?? null,
    abandonRatePercent: f.abandonRatePercent,
    occupancyPercent: time && time.staffedMs > 0 ? Math.round((time.busyMs / time.staffedMs) * 10_000) / 100 : null,
  };
}

/** The longest wait (answered, abandoned or left) by the quarter-hour of the queue entry, per `tier:<id>` and `queue:<id>`. */
function longestWaits(events: readonly RecordedCallEvent[]): Map<number, Map<string, number>> {
  const entries = new Map<string, { bucket: number; tier: string }>();
  const out = new Map<number, Map<string, number>>();
  for (const e of events) {
    if (e.type === 'queued') {
      entries.set(`${e.callId} ${e.queue}`, { bucket: bucketOf(e.at), tier: e.tier });
    } else if (e.type === 'answered' || e.type === 'abandoned' || e.type === 'left-queue') {
      const entry = entries.get(`${e.callId} ${e.queue}`);
      if (!entry) continue;
      let m = out.get(entry.bucket);
      if (!m) out.set(entry.bucket, (m = new Map()));
      for (const key of [`tier:${entry.tier}`, `queue:${e.queue}`]) m.set(key, Math.max(m.get(key) ?? 0, e.waitMs));
    }
  }
  return out;
}

function mergeLongest(maps: Map<string, number>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of maps) for (const [k, v] of m) out.set(k, Math.max(out.get(k) ?? 0, v));
  return out;
}
