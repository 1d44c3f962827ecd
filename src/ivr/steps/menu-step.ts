import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import { CALLER_GONE, record, type StepContext } from '../step-context.js';
import { playPrompts, scaled } from '../../flows/dialogue-context.js';
import { menuPrompts } from '../../flows/menu-prompts.js';

/**
 * A menu: prompts with barge-in, then one key. `*` repeats the menu (not a
 * retry), `0` goes to a human unless the menu maps it, silence and invalid keys
 * get their prompt and the menu again, up to the retry limit; then the
 * exhausted target (README, "How a call is served").
 */
export async function menuStep(step: StepOf<'menu'>, ctx: StepContext): Promise<StepResult> {
  const { flow, session } = ctx;
  const retries = step.retries ?? flow.retries;
  const exhausted = step.onExhausted ?? flow.onExhausted;
  let failures = 0;
  let lead: readonly string[] = [];
  const said = menuPrompts(step);

  for (;;) {
    const played = await playPrompts(ctx, [...lead, ...said]);
    if (played.kind === 'caller-gone') return CALLER_GONE;
    const got = await session.call.collect({
      maxDigits: 1,
      terminator: null,
      firstKeyTimeoutMs: scaled(ctx, step.firstKeyTimeoutMs ?? flow.firstKeyTimeoutMs),
      interKeyTimeoutMs: scaled(ctx, flow.interKeyTimeoutMs),
    });
    if (got.kind === 'caller-gone') return CALLER_GONE;

    const key = got.kind === 'digits' ? got.digits : '';
    if (key === '') {
      if (step.onNoInput) return choose(ctx, 'no-input', step.onNoInput);
      if (++failures > retries) return choose(ctx, 'exhausted', exhausted);
      lead = flow.noInputPrompts;
      continue;
    }
    const option = step.options[key];
    if (option) {
      session.menuPath.push(`${flow.id}/${ctx.stepId}:${option.label ?? key}`);
      return choose(ctx, key, option.next);
    }
    if (key === '*') { lead = []; continue; }
    if (key === '0') {
      session.menuPath.push(`${flow.id}/${ctx.stepId}:human`);
      return choose(ctx, '0', flow.onZero);
    }
    if (++failures > retries) return choose(ctx, 'exhausted', exhausted);
    lead = flow.invalidPrompts;
  }
}

async function choose(ctx: StepContext, choice: string, next: string): Promise<StepResult> {
  await record(ctx, { type: 'menu', flow: ctx.flow.id, step: ctx.stepId, choice });
  return { next };
}
