import type { QueuedCallRecord } from '../acd/redis-acd-store.js';
import { SURVEY_COMMENT_REASON } from '../care/follow-ups.js';
import { maskPhone, maskPhonesInText } from '../log/mask.js';
import type { CallerContext, OverflowPlan, TierId } from '../routing/types.js';

/**
 * What the agent's desk shows of the call ringing or talking to the agent:
 * who is calling, why and what they did before. The number is masked (the
 * agent talks to the caller; the desk never needs the whole number), and no
 * service password or its digits ever appear: only whether it was verified.
 */
export interface ScreenPop {
  callId: string;
  agent: string;
  /** An inbound caller, a callback the agent is about to make, or a callback asked for in a survey. */
  kind: 'inbound' | 'callback' | 'survey-callback';
  /** When the agent's phone began to ring. */
  rungAt: number;
  tier: TierId;
  tierColour: string;
  customer: { name: string; accountId: string } | null;
  /** The caller's number, masked (138****0001); '' when withheld. */
  number: string;
  /** The queue (the need), the number dialled and the menu choices made. */
  need: { queue: string; dialled: string; menuPath: string[] };
  passwordVerified: boolean;
  /** What the caller heard in self-service before asking for an agent (balance, bill:last-month...). */
  selfService: string[];
  /** How long the caller waited in the queue before this agent was rung. */
  waitedMs: number;
  /** For a callback: why it was booked (the routing reason, or the survey comment). */
  outboundReason: string | null;
  /** A customer a campaign called who pressed 0 for an agent: which campaign, so the agent knows why we called. */
  campaign: { name: string; kind: 'reminder' | 'notice' } | null;
  /** A transferred call: who transferred it, from which queue, and why. */
  transfer: { fromAgent: string | null; fromQueue: string | null; by: string | null; reason: string | null } | null;
  /** The customer's account, from the customer data port and the open tickets; null until looked up, or without a customer. */
  account: AccountSummary | null;
}

export interface AccountSummary {
  /** Yuan; null when the customer data port could not answer. */
  balance: number | null;
  bill: { month: string; total: number; toDate: boolean } | null;
  openComplaints: { id: string; openedAt: number; dueAt: number; overdue: boolean }[];
  /** Set when part of the account could not be read (the data port is down): the desk says so. */
  unavailable: string | null;
}

/**
 * What the desk keeps of the call besides the pop, to act on it (book a
 * callback for the customer, open a ticket): never sent to the page.
 */
export interface CallFacts {
  callId: string;
  queue: string;
  skill: string;
  minAgentLevel: number;
  priority: number;
  preferHighestLevel: boolean;
  overflow: OverflowPlan | null;
  tier: TierId;
  callerNumber: string;
  accountId: string | null;
  context: CallerContext | null;
}

/** The pop of a call as the ACD keeps it, the moment the agent is rung. */
export function screenPopOf(rec: QueuedCallRecord, context: CallerContext | null, agent: string, rungAt: number, colours: Readonly<Record<TierId, string>>): ScreenPop {
  const transfer = context?.transfer && context.transfer.from === 'agent'
    ? { fromAgent: context.transfer.fromAgent ?? null, fromQueue: context.transfer.fromQueue ?? null, by: context.transfer.note ?? null, reason: context.transfer.reason ? maskPhonesInText(context.transfer.reason) : null }
    : null;
  return {
    callId: rec.id,
    agent,
    kind: !rec.virtual ? 'inbound' : rec.reason === SURVEY_COMMENT_REASON ? 'survey-callback' : 'callback',
    rungAt,
    tier: rec.tier,
    tierColour: colours[rec.tier],
    customer: context?.customer ? { name: context.customer.name, accountId: context.customer.accountId } : null,
    number: maskPhone(context?.callerNumber || rec.callerNumber),
    need: { queue: rec.queue, dialled: context?.dialled ?? '', menuPath: context?.menuPath ?? [] },
    passwordVerified: context?.passwordVerified === true,
    selfService: context?.asked ?? [],
    waitedMs: Math.max(0, rungAt - rec.enqueuedAt),
    outboundReason: rec.virtual ? maskPhonesInText(rec.reason) : null,
    campaign: context?.campaign ? { name: context.campaign.name, kind: context.campaign.kind } : null,
    transfer,
    account: null,
  };
}

export function callFactsOf(rec: QueuedCallRecord, context: CallerContext | null): CallFacts {
  return {
    callId: rec.id,
    queue: rec.queue,
    skill: rec.skill,
    minAgentLevel: rec.minLevel,
    priority: rec.priority,
    preferHighestLevel: rec.preferHighestLevel,
    overflow: rec.overflow,
    tier: rec.tier,
    callerNumber: context?.callerNumber || rec.callerNumber,
    accountId: context?.customer?.accountId ?? null,
    context,
  };
}
