import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import type { StepContext } from '../step-context.js';

/**
 * Hands the caller to routing and the ACD. From self-service the transfer
 * carries the context gathered (identity, password verified, items asked) and
 * counts as a transfer (DESIGN §3 rule 3).
 */
export async function transferStep(step: StepOf<'transfer'>, ctx: StepContext): Promise<StepResult> {
  const { session } = ctx;
  if (ctx.flow.id === 'self-service' && !session.transfer) {
    session.transfer = { from: 'self-service', note: session.asked.length ? `asked: ${session.asked.join(', ')}` : null };
  }
  return { end: await ctx.services.handOff(session, step.need) };
}
