import type { Logger } from 'pino';
import type { Call } from '../call-control/call-control.js';
import type { Lang } from '../prompts/spoken.js';

/**
 * A caller being routed to the complaints queue, as complaint intake needs to
 * see them: the call to record the ticket against and to tell the ticket on,
 * the calling number and account, and the language. The IVR's call session is
 * one; the service wiring hands it over.
 */
export interface ComplaintCaller {
  readonly callId: string;
  readonly callerNumber: string;
  readonly customer: { readonly accountId: string } | null;
  readonly lang: Lang;
  /** The call's own logger (bound to the call id, number masked). */
  readonly log: Logger;
  readonly call: Pick<Call, 'play'>;
}
