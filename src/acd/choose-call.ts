import type { AvailableAgent, CallNeeds } from './choose-agent.js';
import { qualifyingLevel } from './choose-agent.js';

/**
 * Which waiting call an agent who becomes free takes — the rule the Redis
 * scripts apply with their indexes, as a plain function.
 *
 * Among the calls the agent qualifies for (see qualifyingLevel: skill, level,
 * overflow stage reached), the highest effective priority now,
 *   priority + agingPerMinute × minutes waited
 * and on equal priority the oldest; remaining ties go to the smallest call id.
 */
export interface WaitingCall extends CallNeeds {
  id: string;
  priority: number;
  agingPerMinute: number;
  enqueuedAt: number;
}

/** Effective priorities closer than this count as equal (float noise). */
export const PRIORITY_EPSILON = 1e-6;

export function effectivePriorityAt(call: Pick<WaitingCall, 'priority' | 'agingPerMinute' | 'enqueuedAt'>, now: number): number {
  return call.priority + (call.agingPerMinute * Math.max(0, now - call.enqueuedAt)) / 60_000;
}

export function chooseCall<C extends WaitingCall>(agent: Pick<AvailableAgent, 'skills'>, calls: Iterable<C>, now: number): C | null {
  let best: C | null = null;
  let bestPriority = 0;
  for (const call of calls) {
    if (qualifyingLevel(agent, call) === 0) continue;
    const priority = effectivePriorityAt(call, now);
    if (!best || isBetter(call, priority, best, bestPriority)) {
      best = call;
      bestPriority = priority;
    }
  }
  return best;
}

function isBetter(a: WaitingCall, aPriority: number, b: WaitingCall, bPriority: number): boolean {
  if (Math.abs(aPriority - bPriority) > PRIORITY_EPSILON) return aPriority > bPriority;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt < b.enqueuedAt;
  return a.id < b.id;
}
