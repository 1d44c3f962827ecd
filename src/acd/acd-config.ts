import { z } from 'zod';
import { DEFAULT_ALLOWED_DIAL_STRINGS, dialPatternProblem, DialRule, DIAL_RULE_SETTING } from './dial-rule.js';

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
  config: { acd: { allowedDialStrings: readonly string[] }; agents: readonly { dial: string }[] },
  ctx: z.RefinementCtx,
): void {
  if (config.acd.allowedDialStrings.some((p) => dialPatternProblem(p) !== null)) return;
  const rule = new DialRule(config.acd.allowedDialStrings);
  config.agents.forEach((agent, i) => {
    const problem = rule.problem(agent.dial);
    if (problem) ctx.addIssue({ code: 'custom', path: ['agents', i, 'dial'], message: problem, params: { rule: DIAL_RULE_SETTING } });
  });
}
