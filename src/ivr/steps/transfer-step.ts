import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import type { StepContext } from '../step-context.js';

/**
 * Hands the caller to routing and the ACD. A caller who used self-service and
 * then asks for a human is a transfer (routing rule 3, decide-route.ts): the context gathered
 * (identity, password verified, items heard) travels with the call and it gets
 * the transfer priority. Pressing 0 before using self-service at all is an
 * unidentified need (rule 2), so 10001 is not a way to jump the 10000 queue.
 */
export async function transferStep(step: StepOf<'transfer'>, ctx: StepContext): Promise<StepResult> {
  const { session } = ctx;
  if (ctx.flow.id === 'self-service' && !session.transfer && session.asked.length > 0) {
    session.transfer = { from: 'self-service', note: `asked: ${session.asked.join(', ')}` };
  }
  return { end: await ctx.services.handOff(session, step.need) };
}
