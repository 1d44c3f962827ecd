import { z } from 'zod';
import { DEFAULT_ALLOWED_DIAL_STRINGS, dialPatternProblem, DialRule, DIAL_RULE_SETTING } from './dial-rule.js';
import { CROSS_SWITCH_SETTING, SwitchDial } from './switch-dial.js';

/**
 * The `acd:` section of the configuration (config/agents.yaml): rules the
 * agents' definitions must follow, whether they come from the file or from
 * the supervisor API.
 */
export const acdConfigSchema = z.object({
  /**
   * Regular expressions (each matched against the whole dial string) an
   * agent's dial string must match one of. Default: the agents' own phones,
   * PJSIP/<3-8 digits> or Local/<3-8 digits>@agents.
   */
  allowedDialStrings: z.array(z.string().min(1).max(200).superRefine((pattern, ctx) => {
    const problem = dialPatternProblem(pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })).min(1, 'name at least one allowed dial string pattern').default([...DEFAULT_ALLOWED_DIAL_STRINGS]),
  /**
   * Several switches: the dial string that reaches an agent on another
   * switch, per pair — caller's switch → agent's switch → template with
   * `{ext}` (the agent's extension) and `{id}` (the agent's id), e.g.
   * `{ b: { a: 'PJSIP/{ext}@trunk-a' } }`. Each result must match
   * allowedDialStrings too. Every pair an agent can be rung through is
   * required: a missing one stops the start-up.
   */
  crossSwitchDial: z.record(z.string(), z.record(z.string(), z.string().regex(/^[A-Za-z][A-Za-z0-9]*\/[^\s,&]+$/, 'must be an Asterisk dial string template such as PJSIP/{ext}@trunk-a'))).default({}),
  /**
   * Each instance holds a lease in Redis, renewed every `renewMs`; when an
   * instance's lease has expired (`leaseMs` without a renewal) while it still
   * owns calls, one surviving instance on the same switch takes its calls
   * over (`takeOver: false` makes this instance never do it).
   */
  instances: z.object({
    leaseMs: z.number().int().min(1000).max(60_000).default(4000),
    renewMs: z.number().int().min(100).max(10_000).default(1000),
    takeOver: z.boolean().default(true),
  }).strict().refine((i) => i.renewMs * 2 <= i.leaseMs, { message: 'renewMs must be at most half of leaseMs, so one late renewal does not lose the lease', path: ['renewMs'] }).prefault({}),
}).strict();

export type AcdConfig = z.infer<typeof acdConfigSchema>;

/**
 * The agents of the file against the `acd` section's rules, for the composed
 * configuration: each refused dial string is an issue at `agents.<i>.dial`.
 */
export function checkAgentDials(
  config: {
    acd: { allowedDialStrings: readonly string[]; crossSwitchDial?: Readonly<Record<string, Readonly<Record<string, string>>>> };
    agents: readonly { id: string; dial: string; switch?: string | undefined }[];
    /** The switches of the deployment (the `ari` section, resolved). */
    ari?: { switches: readonly { id: string }[] };
  },
  ctx: z.RefinementCtx,
): void {
  if (config.acd.allowedDialStrings.some((p) => dialPatternProblem(p) !== null)) return;
  const rule = new DialRule(config.acd.allowedDialStrings);
  config.agents.forEach((agent, i) => {
    const problem = rule.problem(agent.dial);
    if (problem) ctx.addIssue({ code: 'custom', path: ['agents', i, 'dial'], message: problem, params: { rule: DIAL_RULE_SETTING } });
  });
  // Absent also when the ari section itself is refused (its own issues say why).
  if (!Array.isArray(config.ari?.switches)) return;
  const switches = new SwitchDial({ switches: config.ari!.switches.map((s) => s.id), crossSwitchDial: config.acd.crossSwitchDial ?? {} });
  for (const problem of switches.unknownPairs()) ctx.addIssue({ code: 'custom', path: ['acd', 'crossSwitchDial'], message: problem, params: { rule: CROSS_SWITCH_SETTING } });
  config.agents.forEach((agent, i) => {
    for (const problem of switches.problems(agent, rule)) {
      ctx.addIssue({ code: 'custom', path: ['agents', i, 'switch'], message: problem, params: { rule: CROSS_SWITCH_SETTING } });
    }
  });
}
