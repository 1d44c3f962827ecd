import { NotFoundError, ValidationError } from '../errors.js';
import type { Agent, AgentDefinition, AgentState } from './agent.js';
import { AgentBusyError, AgentExistsError } from './acd-errors.js';
import { agentPatchSchema, agentSchema } from './agent-schema.js';
import { dayOf } from './agent-state.js';
import type { AgentUpdater } from './agent-updater.js';
import type { Clock } from '../time/clock.js';
import type { RedisAcdStore } from './redis-acd-store.js';
import { DialRule } from './dial-rule.js';
import { SwitchDial } from './switch-dial.js';

/** States in which an agent's definition may be removed (no call is held for them). */
const REMOVABLE: readonly AgentState[] = ['offline', 'paused', 'available'];

/**
 * The agents, as the supervisor API and the agents' desks change them while
 * calls flow: definitions (add, change skills and levels, remove) and states
 * (login, ready, pause, logout). Every change goes through the state machine
 * and is atomic in Redis, so it is seen by every instance at once; an agent
 * who becomes available is offered the best waiting call in the same step.
 */
export class AgentDirectory {
  constructor(
    private readonly store: RedisAcdStore,
    private readonly updater: AgentUpdater,
    private readonly clock: Clock,
    /** The dial strings an agent may have (config `acd.allowedDialStrings`). */
    private readonly dialRule: DialRule = new DialRule(),
    /** The switches agents may be on, and the dial strings between them (config `acd.crossSwitchDial`). */
    private readonly switchDial: SwitchDial = new SwitchDial({ switches: ['main'] }),
  ) {}

  list(): Promise<Agent[]> {
    return this.store.listAgents();
  }

  async get(id: string): Promise<Agent> {
    const agent = await this.store.getAgent(id);
    if (!agent) throw new NotFoundError('agent', id);
    return agent;
  }

  /** A new agent, logged out. */
  async add(input: unknown): Promise<Agent> {
    const definition = parse(agentSchema, input);
    this.dialRule.check(definition.dial);
    this.checkSwitch(definition);
    const now = this.clock.now();
    const next: Omit<Agent, 'version'> = {
      ...definition,
      state: 'offline',
      pauseReason: null,
      stateSince: now,
      idleSince: now,
      callsToday: 0,
      talkMsToday: 0,
      day: dayOf(now),
      callId: null,
      pending: null,
    };
    const result = await this.store.apply({ id: definition.id, expectedVersion: -1, next });
    if (result.status === 'exists') throw new AgentExistsError(definition.id);
    return { ...next, version: result.version ?? 1 };
  }

  /**
   * Agents of the configuration that Redis does not know yet. Agents already
   * in Redis keep their run-time definition (changes made through the API win
   * over the file).
   */
  async seed(definitions: readonly AgentDefinition[]): Promise<string[]> {
    // Every dial string is checked before the first agent is written: a bad file changes nothing.
    definitions.forEach((definition, i) => {
      this.dialRule.check(definition.dial, `agents.${i}.dial`);
      this.checkSwitch(definition, `agents.${i}.switch`);
    });
    const added: string[] = [];
    for (const definition of definitions) {
      try {
        await this.add(definition);
        added.push(definition.id);
      } catch (err) {
        if (!(err instanceof AgentExistsError)) throw err;
      }
    }
    return added;
  }

  /** Change name, dial string or skills; an available agent is re-indexed (and offered calls its new skills allow). */
  async update(id: string, patch: unknown): Promise<Agent> {
    const changes = parse(agentPatchSchema, patch);
    if (changes.dial !== undefined) this.dialRule.check(changes.dial);
    const after = await this.updater.modify(id, ({ version: _v, ...agent }) => {
      const next = { ...agent, ...changes };
      if (changes.dial !== undefined || changes.switch !== undefined) this.checkSwitch(next);
      return next;
    });
    return after!;
  }

  /** Throws a 400 when the agent's switch is unknown or a switch has no allowed dial string reaching it. */
  private checkSwitch(agent: Pick<AgentDefinition, 'id' | 'dial' | 'switch'>, field = 'switch'): void {
    const problems = this.switchDial.problems(agent, this.dialRule);
    if (problems.length) throw new ValidationError(`${field}: ${problems.join('; ')}`, { field, problems });
  }

  /** Remove an agent who holds no call (log them out first if they are talking). */
  async remove(id: string): Promise<void> {
    await this.updater.modify(id, (agent) => {
      if (!REMOVABLE.includes(agent.state)) throw new AgentBusyError(id, agent.state, 'removed');
      return null;
    });
  }

  async login(id: string, options: { ready?: boolean } = {}): Promise<Agent> {
    return (await this.updater.command(id, { type: 'login', ready: options.ready })).agent;
  }

  async ready(id: string): Promise<Agent> {
    return (await this.updater.command(id, { type: 'ready' })).agent;
  }

  async pause(id: string, reason: string): Promise<Agent> {
    return (await this.updater.command(id, { type: 'pause', reason })).agent;
  }

  async logout(id: string): Promise<Agent> {
    return (await this.updater.command(id, { type: 'logout' })).agent;
  }
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message }));
  throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues });
}
