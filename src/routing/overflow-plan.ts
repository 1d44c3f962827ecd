import type { QueueSettings } from './queue-settings.js';
import type { OverflowPlan } from './types.js';

const TOP_LEVEL = 5;

/**
 * Rule 1's widening: after the queue's overflow time the call is also offered
 * to agents with the overflow skill of a *higher* level,
 *
 *   level = min(5, max(call's minAgentLevel + 1, queue's overflowMinLevel))
 *
 * A call that already needs level 5 widens to level-5 agents of the overflow
 * skill. Null when the queue does not overflow.
 */
export function overflowPlan(queue: Readonly<QueueSettings>, callMinAgentLevel: number): OverflowPlan | null {
  if (queue.overflowAfterSec === null) return null;
  return {
    afterMs: queue.overflowAfterSec * 1000,
    skill: queue.overflowSkill,
    minAgentLevel: Math.min(TOP_LEVEL, Math.max(callMinAgentLevel + 1, queue.overflowMinLevel)),
  };
}
