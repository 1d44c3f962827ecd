import { z } from 'zod';

/**
 * Who may do what (README, "Keys and roles"). viewer, supervisor and admin
 * are a ladder: a viewer reads; a supervisor also tunes queues, agents and
 * callbacks; an admin also manages keys and tiers, each holding every right
 * of the rungs below. An auditor stands beside the ladder rather than on it:
 * it reads what a viewer reads and may hear recorded conversations and put
 * them on legal hold, yet tunes nothing, so neither "above supervisor" nor
 * "below" describes it. An admin holds the auditor's rights too.
 *
 * An agent stands beside the ladder as well: its key (or desk session) is
 * bound to one agent id and works that agent's desk only — its own state,
 * calls, wrap-up and day's figures. No other role holds its rights: an admin
 * is not an agent, and a desk action is always a person at their own desk.
 */
export const ROLES = ['viewer', 'supervisor', 'admin', 'auditor', 'agent'] as const;

export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES);

/** The roles whose rights each role holds (its own included). */
const HOLDS: Record<Role, readonly Role[]> = {
  viewer: ['viewer'],
  supervisor: ['viewer', 'supervisor'],
  admin: ['viewer', 'supervisor', 'admin', 'auditor'],
  auditor: ['viewer', 'auditor'],
  agent: ['agent'],
};

/**
 * What a route asks of a key: one role (the key must hold its rights), or
 * several, any one of which will do (listing recordings: a supervisor or an
 * auditor).
 */
export type RoleRequirement = Role | readonly Role[];

export function roleAllows(held: Role, required: RoleRequirement): boolean {
  const anyOf: readonly Role[] = typeof required === 'string' ? [required] : required;
  return anyOf.some((role) => HOLDS[held].includes(role));
}

/** "supervisor", "supervisor or auditor": the requirement as an error message names it. */
export function describeRequirement(required: RoleRequirement): string {
  if (typeof required === 'string') return required;
  return required.length <= 1 ? (required[0] ?? 'no') : `${required.slice(0, -1).join(', ')} or ${required[required.length - 1]}`;
}
