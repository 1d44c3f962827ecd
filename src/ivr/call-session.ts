import type { Logger } from 'pino';
import type { Call } from '../call-control/call-control.js';
import type { Bill, Customer, Order, TierId } from '../customers/customer.js';
import type { Lang } from '../prompts/spoken.js';
import type { CampaignContext, TransferContext } from '../routing/types.js';

/**
 * What the IVR knows about one call while it runs: who is calling, what they
 * asked, what they proved. It travels to the routing and the agent's desk so a
 * caller is never asked twice.
 */
export interface CallSession {
  readonly call: Call;
  readonly log: Logger;
  readonly callId: string;
  readonly callerNumber: string;
  readonly dialled: string;
  readonly arrivedAt: number;
  lang: Lang;
  customer: Customer | null;
  /** How the caller was recognised; 'unavailable' when the customer backend failed. */
  recognition: 'customer' | 'unknown' | 'withheld' | 'unavailable';
  tier: TierId;
  tierReason: string;
  passwordVerified: boolean;
  /** Self-service items heard, in order ('balance', 'bill:last-month', ...). */
  asked: string[];
  /** Menu choices made, as `flow/step:label`. */
  menuPath: string[];
  /** Latest query results, spoken by `say` steps. */
  results: QueryResults;
  /** Digits collected by `collect` steps, by variable name. */
  vars: Record<string, string>;
  /** Set when the caller reaches a human from self-service (rule 3). */
  transfer: TransferContext | null;
  /** Set when the customer was called by an outbound campaign and asked for an agent. */
  campaign?: CampaignContext | null;
  /** Set once this session has written the call's `ended` (it is written once, whatever failed). */
  recordClosed?: boolean;
}

export interface QueryResults {
  balance?: number;
  bill?: { which: 'this-month' | 'last-month'; month: string; bill: Bill | null };
  points?: number;
  orders?: Order[];
}

/** How a step ends: go on to a target (`step` or `flow:step`), or end the session. */
export type StepResult =
  | { next: string }
  | { end: SessionEnd };

export interface SessionEnd {
  outcome: import('../call-records/call-event.js').CallOutcome;
  /** True when another component (the ACD) already wrote the call's `ended` record, or will. */
  recorded?: boolean;
  /** True when the service stopped and left the call, still going, to whichever instance recovers it. */
  detached?: boolean;
}
