import type { StepOf } from '../flow-schema.js';
import { sayPhone } from '../../prompts/say-phone.js';
import { LINE_GONE, playPrompts, scaled, type DialogueContext, type LineStepResult } from '../dialogue-context.js';

/**
 * A phone number typed by the caller, read back and confirmed. Each attempt
 * is an entry (too short: the invalid prompts) and, for a long enough number,
 * the read-back and the confirmation key; anything but that key starts the
 * next attempt.
 */
export async function enterNumberStep(step: StepOf<'enter-number'>, ctx: DialogueContext): Promise<LineStepResult> {
  const { call, vars } = ctx.session;
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  for (let attempt = 0; attempt < step.attempts; attempt++) {
    await playPrompts(ctx, step.prompts);
    const got = await call.collect({
      maxDigits: step.maxDigits,
      terminator: '#',
      firstKeyTimeoutMs: scaled(ctx, step.firstKeyTimeoutMs),
      interKeyTimeoutMs: scaled(ctx, step.interKeyTimeoutMs),
      ...signal,
    });
    if (got.kind === 'caller-gone') return LINE_GONE;
    if (ctx.signal?.aborted) return { next: step.onExhausted };
    // Whatever was typed before a timeout counts: callers often forget the `#`.
    const digits = got.digits.replace(/\D/g, '');
    if (digits.length < step.minDigits) {
      await playPrompts(ctx, step.invalidPrompts);
      continue;
    }
    await playPrompts(ctx, [...step.readBackBefore, ...sayPhone(digits, ctx.session.lang).ids, ...step.readBackAfter]);
    const confirm = await call.collect({
      maxDigits: 1,
      terminator: null,
      firstKeyTimeoutMs: scaled(ctx, step.confirmFirstKeyTimeoutMs),
      interKeyTimeoutMs: scaled(ctx, step.confirmInterKeyTimeoutMs),
      ...signal,
    });
    if (confirm.kind === 'caller-gone') return LINE_GONE;
    if (ctx.signal?.aborted) return { next: step.onExhausted };
    if (confirm.kind === 'digits' && confirm.digits === step.confirmKey) {
      vars[step.into] = digits;
      return { next: step.next };
    }
  }
  return { next: step.onExhausted };
}
