import { z } from 'zod';
import { MAX_SKILL_LEVEL, MIN_SKILL_LEVEL } from './agent.js';

/** Skills are the queue vocabulary: lower-case words joined by dashes (billing, vip-billing). */
export const skillNameSchema = z.string().max(32).regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, starting with a letter');

export const skillLevelSchema = z.number({ error: 'must be a number from 1 to 5' })
  .int('must be a whole number from 1 to 5')
  .min(MIN_SKILL_LEVEL, 'must be from 1 to 5')
  .max(MAX_SKILL_LEVEL, 'must be from 1 to 5');

export const skillsSchema = z.record(skillNameSchema, skillLevelSchema)
  .refine((skills) => Object.keys(skills).length > 0, 'an agent needs at least one skill');

/**
 * One agent definition, as written in config/agents.yaml or sent to the
 * supervisor API. The dial string is what Asterisk dials (technology/resource),
 * e.g. PJSIP/1001 or Local/1001@agents.
 */
export const agentSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, 'must be 1-32 letters, digits, _ . - (usually the extension)'),
  name: z.string().trim().min(1, 'must not be empty').max(64),
  dial: z.string().regex(/^[A-Za-z][A-Za-z0-9]*\/[^\s,]+$/, 'must be an Asterisk dial string such as PJSIP/1001 or Local/1001@agents'),
  skills: skillsSchema,
  /** The switch (`ari.servers` id) the agent's phone is registered on; default: the first switch. */
  switch: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a switch id of ari.servers').optional(),
}).strict();

/** Changes to an existing agent's definition (supervisor API). */
export const agentPatchSchema = agentSchema.omit({ id: true }).partial().strict()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');

export type AgentInput = z.input<typeof agentSchema>;
export type AgentPatch = z.infer<typeof agentPatchSchema>;
