import type { StepOf } from '../flow-schema.js';
import { isWithheldNumber } from '../../customers/withheld-number.js';
import type { DialogueContext, LineStepResult } from '../dialogue-context.js';

/** Branches on whether the caller withheld their number (nothing to call back, nothing to read back). */
export async function withheldNumberStep(step: StepOf<'withheld-number'>, ctx: DialogueContext): Promise<LineStepResult> {
  return { next: isWithheldNumber(ctx.session.callerNumber) ? step.withheld : step.otherwise };
}
