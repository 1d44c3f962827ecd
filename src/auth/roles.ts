import { z } from 'zod';

/**
 * Who may do what (README, "Keys and roles"): a viewer reads; a supervisor also tunes
 * queues, agents and callbacks; an admin also manages keys and tiers. Each
 * role holds every right of the roles before it.
 */
export const ROLES = ['viewer', 'supervisor', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES);

export function roleAllows(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}
