import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import { publishOutcome } from '../outcome-var.js';
import { CALLER_GONE, type StepContext } from '../step-context.js';
import { playPrompts } from '../../flows/dialogue-context.js';

/** A polite goodbye (never cut short by a key), then the IVR hangs up. */
export async function hangupStep(step: StepOf<'hangup'>, ctx: StepContext): Promise<StepResult> {
  const { call } = ctx.session;
  if (step.prompts.length > 0) {
    const played = await playPrompts(ctx, step.prompts, false);
    if (played.kind === 'caller-gone') return CALLER_GONE;
  }
  if (step.outcome === 'goodbye') await publishOutcome(call, { kind: 'hangup', reason: 'goodbye' });
  await call.hangup('normal');
  return { end: { outcome: step.outcome } };
}
