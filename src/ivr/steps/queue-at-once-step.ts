import { scaled } from '../../flows/dialogue-context.js';
import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import type { StepContext } from '../step-context.js';
import { greetingPrompts } from './greeting-step.js';

/** Queues the caller at once while the tier greeting and a short menu play (queue-at-once.ts). */
export async function queueAtOnceStep(step: StepOf<'queue-at-once'>, ctx: StepContext): Promise<StepResult> {
  const { flow, session, services } = ctx;
  return services.queueAtOnce(session, step.need, {
    prompts: [...greetingPrompts(ctx), ...step.prompts],
    options: step.options,
    keyWindowMs: scaled(ctx, step.firstKeyTimeoutMs ?? flow.firstKeyTimeoutMs),
    flow: flow.id,
    step: ctx.stepId,
  });
}
