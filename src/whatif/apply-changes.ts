import { AppError, ValidationError } from '../errors.js';
import { RoutingPolicy } from '../routing/routing-policy.js';
import { routingOf, type RoutingSnapshot } from '../routing/routing-snapshot.js';
import type { SimAgent } from './sim-call.js';
import type { WhatIfChange } from './whatif-request.js';

export interface Staffed {
  snapshot: RoutingSnapshot;
  agents: SimAgent[];
}

/** Shifts in minutes from the period's start, as absolute times. */
export function shiftsAt(from: number, shifts: readonly { fromMin: number; toMin: number }[] | undefined, to: number): { from: number; to: number }[] {
  if (!shifts) return [{ from, to }];
  return shifts.map((s) => ({ from: from + s.fromMin * 60_000, to: from + s.toMin * 60_000 }));
}

/**
 * The baseline with the change applied, in the order listed. Routing patches
 * go through RoutingPolicy on a scratch copy of the snapshot, the code that
 * PATCH /v1/tiers/:id and /v1/queues/:id use, so a change is accepted or
 * refused exactly as the API would (a tier never above a more valuable one,
 * values in range). A refused change is a 400 naming its place in the list.
 */
export function applyChanges(base: Staffed, changes: readonly WhatIfChange[], from: number, to: number): Staffed {
  const policy = new RoutingPolicy({ routing: routingOf(base.snapshot), queues: base.snapshot.queues });
  const agents = new Map(base.agents.map((a) => [a.id, { ...a, skills: { ...a.skills } }]));
  let added = 0;
  changes.forEach((change, i) => {
    const field = `changes.${i}`;
    try {
      switch (change.kind) {
        case 'tier':
          policy.patchTier(change.id, change.patch, 'what-if');
          return;
        case 'queue':
          policy.patchQueue(change.id, change.patch, 'what-if');
          return;
        case 'add-agents':
          for (let k = 0; k < change.count; k++) {
            let id = change.count === 1 && change.id ? change.id : `${change.id ?? 'whatif'}-${++added}`;
            while (agents.has(id) && !(change.count === 1 && change.id)) id = `${change.id ?? 'whatif'}-${++added}`;
            if (agents.has(id)) throw new ValidationError(`${field}.id: agent ${id} already exists`, { field: `${field}.id` });
            agents.set(id, { id, skills: { ...change.skills }, shifts: shiftsAt(from, change.shifts, to) });
          }
          return;
        case 'remove-agent':
          if (!agents.delete(change.id)) throw new ValidationError(`${field}.id: no agent ${change.id} in the staffing`, { field: `${field}.id` });
          return;
        case 'agent-skills': {
          const agent = agentOf(agents, change.id, field);
          for (const [skill, level] of Object.entries(change.skills)) {
            if (level === null) delete agent.skills[skill];
            else agent.skills[skill] = level;
          }
          if (Object.keys(agent.skills).length === 0) throw new ValidationError(`${field}.skills: agent ${change.id} would be left without a skill`, { field: `${field}.skills` });
          return;
        }
        case 'agent-shifts':
          agentOf(agents, change.id, field).shifts = shiftsAt(from, change.shifts, to);
          return;
      }
    } catch (err) {
      if (err instanceof ValidationError && String(err.details.field ?? '').startsWith(field)) throw err;
      if (err instanceof AppError) throw new ValidationError(`${field}: ${err.message}`, { field, ...err.details });
      throw err;
    }
  });
  return { snapshot: policy.snapshot(), agents: [...agents.values()] };
}

function agentOf(agents: Map<string, SimAgent>, id: string, field: string): SimAgent {
  const agent = agents.get(id);
  if (!agent) throw new ValidationError(`${field}.id: no agent ${id} in the staffing`, { field: `${field}.id` });
  return agent;
}
