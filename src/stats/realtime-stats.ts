import { AGENT_STATES, type AgentState } from '../acd/agent.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import { TIER_IDS } from '../routing/tier-rank.js';
import type { Figures } from './figures.js';
import type { AgentStateCounts, CallbackCounts, LiveStatsProvider, SurveyScore } from './live-stats-provider.js';
import type { StatsAggregator } from './stats-aggregator.js';
import { systemClock, type Clock } from '../time/clock.js';
import { formatLocal } from '../time/time-zone.js';

export type AgentsByState = Record<AgentState, number>;

export interface QueueRealtime {
  id: string;
  waiting: number;
  longestWaitMs: number | null;
  estimatedWaitMs: number | null;
  agents: AgentsByState;
  callbacks: CallbackCounts;
  survey: SurveyScore;
  today: Figures;
}

export interface TierRealtime {
  id: string;
  waiting: number;
  longestWaitMs: number | null;
  callbacks: CallbackCounts;
  survey: SurveyScore;
  today: Figures;
}

/** GET /v1/stats/realtime and every `stats` event of /v1/stream. */
export interface RealtimeReport {
  /** When the figures were taken, local time with offset. */
  at: string;
  timeZone: string;
  /** Local midnight from which "today" counts. */
  since: string;
  /** Routing version whose thresholds and targets the service levels are measured against. */
  policyVersion: number;
  queues: QueueRealtime[];
  tiers: TierRealtime[];
  /** Every agent, by state. */
  agents: AgentsByState;
}

export interface RealtimeStatsOptions {
  aggregator: StatsAggregator;
  live: LiveStatsProvider;
  snapshot: () => RoutingSnapshot;
  timeZone: string;
  /** Where the time is read; the wall clock by default. */
  clock?: Clock;
}

/** Joins today's event statistics with the live figures of the ACD and the callbacks. */
export class RealtimeStats {
  private readonly clock: Clock;

  constructor(private readonly options: RealtimeStatsOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async report(): Promise<RealtimeReport> {
    const snapshot = this.options.snapshot();
    const { live, aggregator, timeZone } = this.options;
    const [today, waiting, agents, callbacks, surveys] = await Promise.all([
      aggregator.today(snapshot), live.waiting(), live.agents(), live.callbacks(), live.surveys(),
    ]);
    const queueIds = Object.keys(today.queues);
    const noCallbacks: CallbackCounts = { pending: 0, overdue: 0 };
    const noSurvey: SurveyScore = { responses: 0, averageScore: null };
    return {
      at: formatLocal(this.clock.now(), timeZone),
      timeZone,
      since: formatLocal(today.dayStart, timeZone),
      policyVersion: snapshot.version,
      queues: queueIds.map((id) => ({
        id,
        waiting: waiting.queues[id]?.waiting ?? 0,
        longestWaitMs: waiting.queues[id]?.longestWaitMs ?? null,
        estimatedWaitMs: waiting.queues[id]?.estimatedWaitMs ?? null,
        agents: byState(agents.queues[id]),
        callbacks: callbacks.queues[id] ?? noCallbacks,
        survey: surveys.queues[id] ?? noSurvey,
        today: today.queues[id]!,
      })),
      tiers: TIER_IDS.map((id) => ({
        id,
        waiting: waiting.tiers[id]?.waiting ?? 0,
        longestWaitMs: waiting.tiers[id]?.longestWaitMs ?? null,
        callbacks: callbacks.tiers[id] ?? noCallbacks,
        survey: surveys.tiers[id] ?? noSurvey,
        today: today.tiers[id]!,
      })),
      agents: byState(agents.total),
    };
  }
}

function byState(counts: AgentStateCounts | undefined): AgentsByState {
  const out = {} as AgentsByState;
  for (const state of AGENT_STATES) out[state] = counts?.[state] ?? 0;
  return out;
}
