import type { StepOf } from '../flow-schema.js';
import { LINE_GONE, playPrompts, type DialogueContext, type LineStepResult } from '../dialogue-context.js';

/** Plays prompts; a key pressed meanwhile stops them and stays buffered for the next menu. */
export async function playStep(step: StepOf<'play'>, ctx: DialogueContext): Promise<LineStepResult> {
  const result = await playPrompts(ctx, step.prompts, step.bargeIn);
  return result.kind === 'caller-gone' ? LINE_GONE : { next: step.next };
}
