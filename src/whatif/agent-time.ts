import type { AgentState } from '../acd/agent.js';
import { BUCKET_MS, bucketOf } from '../stats/call-tally.js';

/** Working on a call: reserved for it, ringing, talking or in after-call work. */
const BUSY: readonly AgentState[] = ['reserved', 'ringing', 'on-call', 'wrap-up'];
/** Counted as staffed time: the agent could be given a call or is working one. */
const STAFFED: readonly AgentState[] = ['available', ...BUSY];

/** Staffed and busy agent time of one group, ms. */
export interface TimeSpent {
  staffedMs: number;
  busyMs: number;
}

/**
 * Agent time by quarter-hour, from each agent's state changes: occupancy is
 * busy time over staffed time (paused and logged-out time count in neither),
 * for all agents and per skill (agents holding it).
 */
export class AgentTime {
  private readonly current = new Map<string, { state: AgentState; since: number }>();
  /** bucket start → group ('*' or a skill) → time spent. */
  readonly buckets = new Map<number, Map<string, TimeSpent>>();

  constructor(private readonly skillsOf: (agent: string) => readonly string[]) {}

  change(agent: string, state: AgentState, at: number): void {
    const before = this.current.get(agent);
    if (before) this.spend(agent, before.state, before.since, at);
    this.current.set(agent, { state, since: at });
  }

  /** Counts every agent's time up to `at` (the end of the run). */
  close(at: number): void {
    for (const [agent, { state, since }] of this.current) {
      this.spend(agent, state, since, at);
      this.current.set(agent, { state, since: at });
    }
  }

  private spend(agent: string, state: AgentState, from: number, to: number): void {
    if (!STAFFED.includes(state) || to <= from) return;
    const busy = BUSY.includes(state);
    const groups = ['*', ...this.skillsOf(agent)];
    for (let start = bucketOf(from); start < to; start += BUCKET_MS) {
      const ms = Math.min(to, start + BUCKET_MS) - Math.max(from, start);
      if (ms <= 0) continue;
      let bucket = this.buckets.get(start);
      if (!bucket) this.buckets.set(start, (bucket = new Map()));
      for (const g of groups) {
        let spent = bucket.get(g);
        if (!spent) bucket.set(g, (spent = { staffedMs: 0, busyMs: 0 }));
        spent.staffedMs += ms;
        if (busy) spent.busyMs += ms;
      }
    }
  }
}
