import type { StepOf } from './flow-schema.js';

/**
 * What a menu says, in order: its own prompts, the options' prompts in the
 * menu's order (options it leaves out follow in listing order), the closing.
 */
export function menuPrompts(step: StepOf<'menu'>): string[] {
  const keys = [...(step.order ?? []), ...Object.keys(step.options).filter((key) => !step.order?.includes(key))];
  const said = keys.flatMap((key) => (step.options[key]?.prompt ? [step.options[key].prompt] : []));
  return [...step.prompts, ...said, ...step.closing];
}
