import { ValidationError } from '../errors.js';

/**
 * The dial strings an agent may have by default: the agents' own phones,
 * directly (PJSIP/<extension>) or through the dialplan's `agents` context,
 * which dials nothing but those phones. Nothing with a trunk, another context
 * or a second target (`&`): a dial string is rung with the caller's number
 * and in the service's name, so one pointing at a trunk is toll fraud and one
 * pointing at `from-external` brings the call back into the hotline.
 */
export const DEFAULT_ALLOWED_DIAL_STRINGS: readonly string[] = ['PJSIP/\\d{3,8}', 'Local/\\d{3,8}@agents'];

/** Where the allowed patterns are configured, named in every refusal. */
export const DIAL_RULE_SETTING = 'acd.allowedDialStrings';

/** Compiles one allowed pattern: a regular expression the whole dial string must match. */
export function compileDialPattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** A pattern's problem (it does not compile), or null when it is usable. */
export function dialPatternProblem(pattern: string): string | null {
  try {
    compileDialPattern(pattern);
    return null;
  } catch (err) {
    return `not a valid regular expression (${(err as Error).message})`;
  }
}

/** Checks agents' dial strings against the configured patterns. */
export class DialRule {
  private readonly compiled: readonly RegExp[];

  constructor(readonly patterns: readonly string[] = DEFAULT_ALLOWED_DIAL_STRINGS) {
    this.compiled = patterns.map(compileDialPattern);
  }

  allows(dial: string): boolean {
    return this.compiled.some((pattern) => pattern.test(dial));
  }

  /** Why `dial` is refused, naming the rule; null when it is allowed. */
  problem(dial: string): string | null {
    if (this.allows(dial)) return null;
    return `${JSON.stringify(dial)} is not an agent endpoint this service may ring (${DIAL_RULE_SETTING}: ${this.patterns.join(', ')})`;
  }

  /** Throws a 400 naming `field` and the rule when `dial` is not allowed. */
  check(dial: string, field = 'dial'): void {
    const problem = this.problem(dial);
    if (problem) throw new ValidationError(`${field}: ${problem}`, { field, rule: DIAL_RULE_SETTING, allowed: [...this.patterns] });
  }
}
