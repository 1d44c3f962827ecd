import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import { CALLER_GONE, type StepContext } from '../step-context.js';
import { playPrompts } from '../../flows/dialogue-context.js';

/** The tier's greeting, then the recording notice where the tier's calls may be recorded. */
export function greetingPrompts(ctx: StepContext): string[] {
  const { services, session } = ctx;
  const notice = services.recordingNotice?.(session.tier) ?? null;
  return [services.tierGreeting(session.tier), ...(notice ? [notice] : [])];
}

/**
 * Plays the greeting of the caller's tier, read from the tier policy when the
 * step runs so a greeting changed at run time is heard by the next caller.
 */
export async function greetingStep(step: StepOf<'greeting'>, ctx: StepContext): Promise<StepResult> {
  const result = await playPrompts(ctx, greetingPrompts(ctx), step.bargeIn);
  return result.kind === 'caller-gone' ? CALLER_GONE : { next: step.next };
}
