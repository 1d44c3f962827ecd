import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import { CALLER_GONE, playPrompts, type DialogueContext } from '../step-context.js';

/** Plays prompts; a key pressed meanwhile stops them and stays buffered for the next menu. */
export async function playStep(step: StepOf<'play'>, ctx: DialogueContext): Promise<StepResult> {
  const result = await playPrompts(ctx, step.prompts, step.bargeIn);
  return result.kind === 'caller-gone' ? CALLER_GONE : { next: step.next };
}
