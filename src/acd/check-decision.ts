import { ValidationError } from '../errors.js';
import type { RouteDecision } from '../routing/types.js';
import { MAX_SKILL_LEVEL, MIN_SKILL_LEVEL } from './agent.js';

const SKILL = /^[a-z][a-z0-9-]*$/;

/** A route decision the ACD can queue, or a ValidationError naming each bad field. */
export function checkDecision(d: RouteDecision): void {
  const problems: { field: string; message: string }[] = [];
  const level = (v: unknown) => Number.isInteger(v) && (v as number) >= MIN_SKILL_LEVEL && (v as number) <= MAX_SKILL_LEVEL;
  if (typeof d.skill !== 'string' || !SKILL.test(d.skill)) problems.push({ field: 'skill', message: 'must be a skill name' });
  if (!level(d.minAgentLevel)) problems.push({ field: 'minAgentLevel', message: 'must be a whole number from 1 to 5' });
  if (!Number.isFinite(d.priority)) problems.push({ field: 'priority', message: 'must be a number' });
  if (d.overflow) {
    if (!Number.isInteger(d.overflow.afterMs) || d.overflow.afterMs < 0) problems.push({ field: 'overflow.afterMs', message: 'must be a whole number of ms >= 0' });
    if (typeof d.overflow.skill !== 'string' || !SKILL.test(d.overflow.skill)) problems.push({ field: 'overflow.skill', message: 'must be a skill name' });
    if (!level(d.overflow.minAgentLevel)) problems.push({ field: 'overflow.minAgentLevel', message: 'must be a whole number from 1 to 5' });
  }
  if (problems.length) {
    throw new ValidationError(`invalid route decision: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { issues: problems });
  }
}
