import { NotFoundError } from '../errors.js';
import type { Agent, AgentStatus } from './agent.js';
import { AgentContentionError } from './acd-errors.js';
import { dayOf, transitionAgent, type AgentCommand } from './agent-state.js';
import type { Clock } from '../time/clock.js';
import type { CallOperation, RedisAcdStore, ScriptResult } from './redis-acd-store.js';

export interface AgentUpdate {
  /** A call change made in the same atomic step (computed from the agent as read). */
  call?: (agent: Agent) => CallOperation | null;
  /** A timer to put in the shared timetable for the agent's new status. */
  timer?: (next: AgentStatus) => { member: string; at: number } | null;
}

export type AgentUpdateOutcome =
  | { kind: 'ok'; agent: Agent; before: Agent; result: ScriptResult }
  /** The call was not as the operation expected (someone else finished it first). */
  | { kind: 'call-changed'; agent: Agent; result: ScriptResult };

const MAX_ATTEMPTS = 25;

/**
 * Changes an agent through the pure state machine with compare-and-set on the
 * agent's version: read, compute the next status, write it (with any call
 * change) in one script that refuses if the agent changed meanwhile, retry.
 * The state machine therefore lives in one place (agent-state.ts), and several
 * instances never lose each other's updates.
 */
export class AgentUpdater {
  constructor(
    private readonly store: RedisAcdStore,
    private readonly clock: Clock,
    /** Every script result goes here: reservations to ring, timetable to follow. */
    private readonly onResult: (result: ScriptResult) => void,
    private readonly onChange: (agent: Agent, before: Agent) => void,
  ) {}

  async command(id: string, command: AgentCommand, update: AgentUpdate = {}): Promise<AgentUpdateOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const agent = await this.store.getAgent(id);
      if (!agent) throw new NotFoundError('agent', id);
      const now = this.clock.now();
      const next = transitionAgent(id, agent, command, now, dayOf(now));
      const outcome = await this.write(agent, { ...agent, ...next }, update);
      if (outcome) return outcome;
    }
    throw new AgentContentionError(id);
  }

  /** Replace the agent's definition or status as computed by `change` from the current agent. */
  async modify(id: string, change: (agent: Agent) => Omit<Agent, 'version'> | null): Promise<Agent | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const agent = await this.store.getAgent(id);
      if (!agent) throw new NotFoundError('agent', id);
      const next = change(agent);
      const result = await this.store.apply({ id, expectedVersion: agent.version, next });
      if (result.status === 'conflict') continue;
      if (result.status === 'missing') throw new NotFoundError('agent', id);
      if (!next) {
        this.onResult(result);
        return null;
      }
      const after = { ...next, version: result.version ?? agent.version + 1 };
      this.onChange(after, agent);
      this.onResult(result);
      return after;
    }
    throw new AgentContentionError(id);
  }

  private async write(agent: Agent, next: Agent, update: AgentUpdate): Promise<AgentUpdateOutcome | null> {
    const { version: _version, ...fields } = next;
    const call = update.call?.(agent) ?? null;
    const timer = update.timer?.(next) ?? null;
    const result = await this.store.apply({ id: agent.id, expectedVersion: agent.version, next: fields, timer }, call);
    switch (result.status) {
      case 'conflict':
        return null;
      case 'missing':
        throw new NotFoundError('agent', agent.id);
      case 'call-missing':
      case 'call-changed':
        this.onResult(result);
        return { kind: 'call-changed', agent, result };
      default: {
        const after = { ...next, version: result.version ?? agent.version + 1 };
        this.onChange(after, agent);
        this.onResult(result);
        return { kind: 'ok', agent: after, before: agent, result };
      }
    }
  }
}
