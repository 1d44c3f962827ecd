import type { StepOf } from '../../flows/flow-schema.js';
import { isWithheldNumber } from '../../routing/withheld-number.js';
import type { StepResult } from '../call-session.js';
import type { DialogueContext } from '../step-context.js';

/** Branches on whether the caller withheld their number (nothing to call back, nothing to read back). */
export async function withheldNumberStep(step: StepOf<'withheld-number'>, ctx: DialogueContext): Promise<StepResult> {
  return { next: isWithheldNumber(ctx.session.callerNumber) ? step.withheld : step.otherwise };
}
