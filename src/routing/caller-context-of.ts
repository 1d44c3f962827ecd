import type { CallerContext } from './types.js';

/**
 * What a call knows about its caller at a given moment, in whatever form the
 * part holding the call keeps it (the IVR's call session, a caller on hold).
 * The customer may carry more than the context keeps.
 */
export type CallerContextSource = Readonly<Omit<CallerContext, 'customer'>> & {
  readonly customer: CallerContext['customer'];
};

/** What travels with the call to the ACD and the agent's desk (rule 3): the caller's context now. */
export function callerContextOf(source: CallerContextSource): CallerContext {
  return {
    callId: source.callId,
    callerNumber: source.callerNumber,
    dialled: source.dialled,
    customer: source.customer
      ? { accountId: source.customer.accountId, name: source.customer.name, phone: source.customer.phone }
      : null,
    tier: source.tier,
    tierReason: source.tierReason,
    passwordVerified: source.passwordVerified,
    asked: [...source.asked],
    menuPath: [...source.menuPath],
    transfer: source.transfer,
    ...(source.campaign ? { campaign: { ...source.campaign } } : {}),
  };
}
