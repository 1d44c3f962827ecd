import type { AgentState } from '../acd/agent.js';

/**
 * The figures of "now" that no call-record event carries: who is waiting,
 * who is staffed, callbacks not yet made, survey answers. The ACD and the
 * callback module implement it; the supervisor API joins it to the event
 * statistics. Ids missing from a map mean nothing is there (zero, or null
 * for a wait).
 */
export interface LiveStatsProvider {
  waiting(): Promise<WaitingNow>;
  agents(): Promise<AgentsNow>;
  callbacks(): Promise<CallbacksNow>;
  surveys(): Promise<SurveysNow>;
}

export interface QueueWaiting {
  /** Calls waiting for an agent (not those being offered to one). */
  waiting: number;
  /** How long the longest-waiting of them has waited, ms; null when none waits. */
  longestWaitMs: number | null;
  /** What a call joining now should expect, ms; null when unknown (nobody staffed). */
  estimatedWaitMs: number | null;
}

export interface TierWaiting {
  waiting: number;
  longestWaitMs: number | null;
}

export interface WaitingNow {
  queues: Record<string, QueueWaiting>;
  tiers: Record<string, TierWaiting>;
}

export type AgentStateCounts = Partial<Record<AgentState, number>>;

export interface AgentsNow {
  /** Every agent, by state. */
  total: AgentStateCounts;
  /** Agents with the queue's skill, by state. */
  queues: Record<string, AgentStateCounts>;
}

export interface CallbackCounts {
  /** Requested and not yet made. */
  pending: number;
  /** Pending past the tier's deadline. */
  overdue: number;
}

export interface CallbacksNow {
  queues: Record<string, CallbackCounts>;
  tiers: Record<string, CallbackCounts>;
}

export interface SurveyScore {
  /** Surveys answered today. */
  responses: number;
  /** Mean of the answers (1–5); null with no response. */
  averageScore: number | null;
}

export interface SurveysNow {
  queues: Record<string, SurveyScore>;
  tiers: Record<string, SurveyScore>;
}
