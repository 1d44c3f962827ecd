import type { Acd } from '../acd/acd.js';
import type { AgentState } from '../acd/agent.js';
import type {
  AgentStateCounts, AgentsNow, CallbacksNow, LiveStatsProvider, SurveysNow, WaitingNow,
} from '../stats/live-stats-provider.js';

export interface CareStats {
  callbacks(): Promise<CallbacksNow>;
  surveys(): Promise<SurveysNow>;
}

/**
 * The "now" figures of the statistics, read from the ACD's Redis state (shared
 * by every instance) and from the callbacks and surveys module.
 *
 * A queue's estimated wait is what the ACD tells its last waiting caller, the
 * closest figure to what a call joining now would hear; with nobody waiting it
 * is the ACD's estimate for the first place (0 when an agent is free).
 */
export class AcdLiveStats implements LiveStatsProvider {
  constructor(
    private readonly acd: Acd,
    private readonly queueSkills: () => Record<string, string>,
    private readonly care: CareStats | null = null,
  ) {}

  async waiting(): Promise<WaitingNow> {
    const calls = await this.acd.waiting();
    const out: WaitingNow = { queues: {}, tiers: {} };
    const lastOf = new Map<string, string>();
    for (const c of calls) {
      // A callback keeping its place is counted under callbacks pending, not as a caller on hold.
      if (c.virtual) continue;
      const q = (out.queues[c.queue] ??= { waiting: 0, longestWaitMs: null, estimatedWaitMs: null });
      q.waiting += 1;
      q.longestWaitMs = Math.max(q.longestWaitMs ?? 0, c.waitedMs);
      const t = (out.tiers[c.tier] ??= { waiting: 0, longestWaitMs: null });
      t.waiting += 1;
      t.longestWaitMs = Math.max(t.longestWaitMs ?? 0, c.waitedMs);
      lastOf.set(c.queue, c.callId);
    }
    for (const [queue, callId] of lastOf) {
      const status = await this.acd.status(callId);
      out.queues[queue]!.estimatedWaitMs = status?.estimatedWaitMs ?? null;
    }
    return out;
  }

  async agents(): Promise<AgentsNow> {
    const agents = await this.acd.agents.list();
    const skills = this.queueSkills();
    const total: AgentStateCounts = {};
    const queues: Record<string, AgentStateCounts> = {};
    const bump = (counts: AgentStateCounts, state: AgentState) => { counts[state] = (counts[state] ?? 0) + 1; };
    for (const agent of agents) {
      bump(total, agent.state);
      for (const [queue, skill] of Object.entries(skills)) {
        if (agent.skills[skill] !== undefined) bump((queues[queue] ??= {}), agent.state);
      }
    }
    return { total, queues };
  }

  async callbacks(): Promise<CallbacksNow> {
    return this.care ? this.care.callbacks() : { queues: {}, tiers: {} };
  }

  async surveys(): Promise<SurveysNow> {
    return this.care ? this.care.surveys() : { queues: {}, tiers: {} };
  }
}
