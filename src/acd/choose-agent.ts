/**
 * Which available agent takes a call — the rule the Redis scripts apply with
 * their indexes, as a plain function (for replays, the naive benchmark and
 * tests that hold the scripts to it).
 *
 * An agent qualifies with the call's skill at a level >= the call's minimum,
 * or, once the call has overflowed, with the overflow skill at a level >= the
 * overflow minimum. Among qualified agents:
 * - a call that prefers the highest level (big and important customers, rule 4)
 *   takes an agent of the highest qualifying level first;
 * - then `longest-idle` takes the agent free the longest, `fewest-calls` the
 *   one with the fewest calls answered today (then longest idle);
 * - remaining ties go to the smallest agent id.
 */
export type AgentChoice = 'longest-idle' | 'fewest-calls';

export const AGENT_CHOICES: readonly AgentChoice[] = ['longest-idle', 'fewest-calls'];

export interface AvailableAgent {
  id: string;
  skills: Readonly<Record<string, number>>;
  idleSince: number;
  callsToday: number;
}

export interface CallNeeds {
  skill: string;
  minLevel: number;
  preferHighestLevel: boolean;
  overflow: { skill: string; minAgentLevel: number } | null;
  overflowed: boolean;
}

/** The level at which `agent` qualifies for the call, or 0 when it does not. */
export function qualifyingLevel(agent: Pick<AvailableAgent, 'skills'>, call: CallNeeds): number {
  let level = 0;
  const own = agent.skills[call.skill];
  if (own !== undefined && own >= call.minLevel) level = own;
  if (call.overflowed && call.overflow) {
    const other = agent.skills[call.overflow.skill];
    if (other !== undefined && other >= call.overflow.minAgentLevel && other > level) level = other;
  }
  return level;
}

export function chooseAgent<A extends AvailableAgent>(call: CallNeeds, agents: Iterable<A>, choice: AgentChoice): A | null {
  let best: A | null = null;
  let bestLevel = 0;
  for (const agent of agents) {
    const level = qualifyingLevel(agent, call);
    if (level === 0) continue;
    if (!best || isBetter(agent, level, best, bestLevel, call.preferHighestLevel, choice)) {
      best = agent;
      bestLevel = level;
    }
  }
  return best;
}

function isBetter(a: AvailableAgent, aLevel: number, b: AvailableAgent, bLevel: number, preferHighest: boolean, choice: AgentChoice): boolean {
  if (preferHighest && aLevel !== bLevel) return aLevel > bLevel;
  if (choice === 'fewest-calls' && a.callsToday !== b.callsToday) return a.callsToday < b.callsToday;
  if (a.idleSince !== b.idleSince) return a.idleSince < b.idleSince;
  return a.id < b.id;
}
