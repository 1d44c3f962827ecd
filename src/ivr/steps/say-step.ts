import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import { publishOutcome } from '../outcome-var.js';
import { sayResult } from '../say-results.js';
import { CALLER_GONE, record, type StepContext } from '../step-context.js';
import { playPrompts } from '../../flows/dialogue-context.js';

const ITEM_OF = { balance: 'balance', bill: 'bill', points: 'points', orders: 'orders' } as const;

/** Speaks a query result (amounts, dates and counts composed from word prompts). */
export async function sayStep(step: StepOf<'say'>, ctx: StepContext): Promise<StepResult> {
  const { session } = ctx;
  const ids = sayResult(step.value, session.results, session.lang);
  if (!ids) {
    // A flow error the validator cannot see (say without query): never leave silence.
    session.log.error({ step: ctx.stepId, value: step.value }, 'say step has no query result');
    await record(ctx, { type: 'self-service', item: step.value, result: 'no-data' });
    return { next: step.next };
  }
  const asked = step.value === 'bill' && session.results.bill ? `bill:${session.results.bill.which}` : step.value;
  session.asked.push(asked);
  await record(ctx, { type: 'self-service', item: asked, result: 'ok' });
  await publishOutcome(session.call, { kind: 'self-service', item: ITEM_OF[step.value] });
  const played = await playPrompts(ctx, ids);
  return played.kind === 'caller-gone' ? CALLER_GONE : { next: step.next };
}
