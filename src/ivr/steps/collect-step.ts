import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import { CALLER_GONE, type StepContext } from '../step-context.js';
import { playPrompts, scaled } from '../../flows/dialogue-context.js';

/** Variable-length input ended by `#` (or the maximum length), stored in a session variable. */
export async function collectStep(step: StepOf<'collect'>, ctx: StepContext): Promise<StepResult> {
  const { flow, session } = ctx;
  const retries = step.retries ?? flow.retries;
  let failures = 0;
  let lead: readonly string[] = [];
  for (;;) {
    const played = await playPrompts(ctx, [...lead, ...step.prompts]);
    if (played.kind === 'caller-gone') return CALLER_GONE;
    const got = await session.call.collect({
      maxDigits: step.maxDigits,
      terminator: '#',
      firstKeyTimeoutMs: scaled(ctx, flow.firstKeyTimeoutMs),
      interKeyTimeoutMs: scaled(ctx, flow.interKeyTimeoutMs),
    });
    if (got.kind === 'caller-gone') return CALLER_GONE;
    const digits = got.digits.replace(/[^0-9]/g, '');
    if (got.digits !== '' && digits === got.digits && digits.length >= step.minDigits) {
      session.vars[step.into] = digits;
      return { next: step.next };
    }
    if (++failures > retries) return { next: step.onExhausted ?? flow.onExhausted };
    lead = got.digits === '' ? flow.noInputPrompts : flow.invalidPrompts;
  }
}
