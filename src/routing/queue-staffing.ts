import type { DeepReadonly } from '../config/load-config.js';
import { AppError } from '../errors.js';
import type { QueueSettings } from './queue-settings.js';
import type { RoutingSnapshot } from './routing-snapshot.js';

/** Who can take a queue's calls: an agent with `skill` at `minLevel` or above. */
export interface StaffingNeed {
  /** The queue setting the need comes from. */
  field: 'skill' | 'overflowSkill' | 'overflowMinLevel' | 'overflowAfterSec';
  skill: string;
  minLevel: number;
}

/** An agent as the staffing check sees it. */
export interface StaffingAgent {
  skills: Readonly<Record<string, number>>;
}

/**
 * What a change of a queue from `before` to `after` newly asks of the agents:
 * a new skill must be held by someone at the lowest level any tier routes
 * with; a new or raised overflow (skill, floor, or widening switched on) by
 * someone at the overflow's floor. What the change leaves as it was is not
 * judged: a change of wrap-up time is never refused for the staffing of the day.
 */
export function staffingNeedsOfChange(
  before: DeepReadonly<QueueSettings>,
  after: DeepReadonly<QueueSettings>,
  tiers: RoutingSnapshot['tiers'],
): StaffingNeed[] {
  const needs: StaffingNeed[] = [];
  if (after.skill !== before.skill) {
    const levels = Object.values(tiers).map((tier) => tier.minAgentLevel);
    needs.push({ field: 'skill', skill: after.skill, minLevel: levels.length > 0 ? Math.min(...levels) : 1 });
  }
  if (after.overflowAfterSec !== null && after.overflowSkill !== after.skill) {
    const field = after.overflowSkill !== before.overflowSkill ? 'overflowSkill'
      : after.overflowMinLevel > before.overflowMinLevel ? 'overflowMinLevel'
        : before.overflowAfterSec === null ? 'overflowAfterSec'
          : null;
    if (field) needs.push({ field, skill: after.overflowSkill, minLevel: after.overflowMinLevel });
  }
  return needs;
}

/** The needs no agent meets. */
export function unstaffedNeeds(needs: readonly StaffingNeed[], agents: readonly StaffingAgent[]): StaffingNeed[] {
  return needs.filter((need) => !agents.some((agent) => (agent.skills[need.skill] ?? 0) >= need.minLevel));
}

/** A queue change refused because nobody could take the queue's calls afterwards (409; `force: true` makes it anyway). */
export class QueueUnstaffedError extends AppError {
  constructor(queue: string, need: StaffingNeed) {
    super(
      409,
      'queue-unstaffed',
      `${need.field}: no agent has skill ${JSON.stringify(need.skill)} at level ${need.minLevel} or above, so queue ${queue} would have nobody to take its calls; send force: true to make the change anyway`,
      { queue, skill: need.skill, minLevel: need.minLevel, field: need.field },
    );
  }
}
