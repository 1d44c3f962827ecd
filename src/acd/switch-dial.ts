import type { AgentDefinition } from './agent.js';
import type { DialRule } from './dial-rule.js';

/** Where the dial strings between switches are configured, named in every refusal. */
export const CROSS_SWITCH_SETTING = 'acd.crossSwitchDial';

/** What rings an agent from a caller's switch: the dial string, or why there is none. */
export type SwitchDialResult = { dial: string } | { problem: string };

export interface SwitchDialOptions {
  /** Every switch of the deployment (`ari.servers` ids), the first being the agents' default. */
  switches: readonly string[];
  /**
   * Caller's switch → agent's switch → dial-string template with `{ext}` (the
   * agent's extension: its dial string's resource, before any `@`) and `{id}`
   * (the agent's id), e.g. `{ b: { a: 'PJSIP/{ext}@trunk-a' } }`.
   */
  crossSwitchDial?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * The dial string that reaches an agent from the switch a caller is on. The
 * agent leg is always originated on the caller's switch, where the caller's
 * bridge lives: an agent on the same switch is rung with their own dial
 * string; an agent on another switch through the pair's template (a trunk
 * between the two servers). Every result must still be an allowed dial
 * string (`acd.allowedDialStrings`), so a trunk pattern must be allowed
 * explicitly. A missing pair is a start-up error for the agents of the
 * files, a 400 for the API; at ring time it refuses the dial as a bad dial
 * string is refused.
 */
export class SwitchDial {
  readonly switches: readonly string[];
  private readonly pairs: Readonly<Record<string, Readonly<Record<string, string>>>>;

  constructor(options: SwitchDialOptions) {
    this.switches = options.switches;
    this.pairs = options.crossSwitchDial ?? {};
  }

  /** The agents' switch when they name none: the first switch. */
  get defaultSwitch(): string {
    return this.switches[0]!;
  }

  /** The switch an agent's phone is on. */
  agentSwitch(agent: Pick<AgentDefinition, 'switch'>): string {
    return agent.switch || this.defaultSwitch;
  }

  /** The dial string ringing `agent` for a caller on `callerSwitch`. */
  dialFor(agent: Pick<AgentDefinition, 'id' | 'dial' | 'switch'>, callerSwitch: string): SwitchDialResult {
    const agentSwitch = this.agentSwitch(agent);
    if (agentSwitch === callerSwitch) return { dial: agent.dial };
    const template = this.pairs[callerSwitch]?.[agentSwitch];
    if (template === undefined) {
      return { problem: `no dial string reaches switch "${agentSwitch}" (agent ${agent.id}) from switch "${callerSwitch}" (${CROSS_SWITCH_SETTING}.${callerSwitch}.${agentSwitch})` };
    }
    return { dial: template.replaceAll('{ext}', extensionOf(agent.dial)).replaceAll('{id}', agent.id) };
  }

  /**
   * Why an agent definition cannot be rung from every switch: an unknown
   * switch, a missing pair, or a resulting dial string the rule refuses.
   */
  problems(agent: Pick<AgentDefinition, 'id' | 'dial' | 'switch'>, rule: DialRule): string[] {
    const agentSwitch = this.agentSwitch(agent);
    if (!this.switches.includes(agentSwitch)) {
      return [`unknown switch "${agentSwitch}" (ari.servers has ${this.switches.map((s) => `"${s}"`).join(', ')})`];
    }
    const out: string[] = [];
    for (const from of this.switches) {
      if (from === agentSwitch) continue;
      const result = this.dialFor(agent, from);
      if ('problem' in result) out.push(result.problem);
      else {
        const refused = rule.problem(result.dial);
        if (refused) out.push(`from switch "${from}": ${refused}`);
      }
    }
    return out;
  }

  /** Pairs naming a switch that does not exist. */
  unknownPairs(): string[] {
    const out: string[] = [];
    for (const [from, targets] of Object.entries(this.pairs)) {
      if (!this.switches.includes(from)) out.push(`${CROSS_SWITCH_SETTING}.${from}: unknown switch "${from}"`);
      for (const to of Object.keys(targets)) {
        if (!this.switches.includes(to)) out.push(`${CROSS_SWITCH_SETTING}.${from}.${to}: unknown switch "${to}"`);
        else if (to === from) out.push(`${CROSS_SWITCH_SETTING}.${from}.${to}: a switch reaches its own agents with their own dial strings`);
      }
    }
    return out;
  }
}

/** The extension in a dial string: `PJSIP/1001` and `Local/1001@agents` both give 1001. */
export function extensionOf(dial: string): string {
  const resource = dial.slice(dial.indexOf('/') + 1);
  const at = resource.indexOf('@');
  return at < 0 ? resource : resource.slice(0, at);
}
