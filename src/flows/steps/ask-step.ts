import type { StepOf } from '../flow-schema.js';
import { LINE_GONE, playPrompts, scaled, type DialogueContext, type LineStepResult } from '../dialogue-context.js';

/**
 * One key chosen from a few: the prompts, then a key. Silence or a key not
 * offered plays the matching retry prompts and asks again until the attempts
 * run out. A stopped dialogue (signal aborted) goes straight to `otherwise`.
 */
export async function askStep(step: StepOf<'ask'>, ctx: DialogueContext): Promise<LineStepResult> {
  const { call, vars } = ctx.session;
  for (let attempt = 1; ; attempt++) {
    const played = await playPrompts(ctx, step.prompts, step.bargeIn);
    if (played.kind === 'caller-gone') return LINE_GONE;
    const got = await call.collect({
      maxDigits: 1,
      terminator: null,
      firstKeyTimeoutMs: scaled(ctx, step.firstKeyTimeoutMs),
      interKeyTimeoutMs: scaled(ctx, step.interKeyTimeoutMs),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (got.kind === 'caller-gone') return LINE_GONE;
    const key = got.kind === 'digits' ? got.digits : '';
    const next = Object.hasOwn(step.options, key) ? step.options[key] : undefined;
    if (next) {
      if (step.into) vars[step.into] = key;
      return { next };
    }
    if (ctx.signal?.aborted) return { next: step.otherwise };
    const retry = key === '' ? step.noInputPrompts : step.invalidPrompts;
    if (retry.length > 0) {
      const again = await playPrompts(ctx, retry, true);
      if (again.kind === 'caller-gone') return LINE_GONE;
    }
    if (attempt >= step.attempts) return { next: step.otherwise };
  }
}
