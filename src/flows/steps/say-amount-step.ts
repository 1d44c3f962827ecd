import type { StepOf } from '../flow-schema.js';
import { LINE_GONE, playPrompts, type DialogueContext, type LineStepResult } from '../dialogue-context.js';
import { sayAmount } from '../../prompts/say-amount.js';

/** The lead-in prompts, then the amount held in the step's variable, in the line's language. */
export async function sayAmountStep(step: StepOf<'say-amount'>, ctx: DialogueContext): Promise<LineStepResult> {
  const raw = ctx.session.vars[step.var];
  const amount = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  const words = Number.isFinite(amount) ? sayAmount(amount, ctx.session.lang).ids : [];
  if (words.length === 0) ctx.session.log.warn({ step: ctx.stepId, var: step.var }, 'no amount to say; going on without it');
  const result = await playPrompts(ctx, [...step.prompts, ...words], step.bargeIn);
  return result.kind === 'caller-gone' ? LINE_GONE : { next: step.next };
}
