import { BackendUnavailableError } from '../../customers/customer-data.js';
import { monthOf } from '../../customers/seed-customers.js';
import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import { CALLER_GONE, record, type StepContext } from '../step-context.js';

/**
 * Reads one item from the customer backend into the session for a `say` step.
 * A slow or failing backend leads to `onUnavailable` (the caller hears so and
 * is offered a human); a caller who hangs up meanwhile just ends the session.
 */
export async function queryStep(step: StepOf<'query'>, ctx: StepContext): Promise<StepResult> {
  const { session, services } = ctx;
  const customer = session.customer;
  // The backend failed when the call arrived: "unavailable", not "you are not a customer".
  if (!customer) return { next: session.recognition === 'unavailable' ? step.onUnavailable : step.onUnknownCustomer };
  const { customers } = services;
  const id = customer.accountId;
  try {
    switch (step.item) {
      case 'balance':
        session.results.balance = await customers.balance(id);
        break;
      case 'points':
        session.results.points = await customers.points(id);
        break;
      case 'orders':
        session.results.orders = await customers.orders(id);
        break;
      case 'bill-this-month':
      case 'bill-last-month': {
        const which = step.item === 'bill-this-month' ? 'this-month' : 'last-month';
        const month = monthOf(new Date(services.now()), which === 'this-month' ? 0 : -1);
        session.results.bill = { which, month, bill: await customers.bill(id, month) };
        break;
      }
    }
  } catch (err) {
    if (session.call.gone) return CALLER_GONE;
    session.log.warn({ err: (err as Error).message, item: step.item, backend: err instanceof BackendUnavailableError }, 'customer query failed');
    await record(ctx, { type: 'self-service', item: step.item, result: 'unavailable' });
    return { next: step.onUnavailable };
  }
  if (session.call.gone) return CALLER_GONE;
  return { next: step.next };
}
