/**
 * The vocabulary of routing, shared by the IVR flows, the ACD, the call records
 * and the supervisor API. Everything here is plain data so a decision can be
 * stored, broadcast and replayed.
 */
import type { TierId } from '../customers/customer.js';

export type { TierId };

/** What the caller needs, as identified by the number dialled and the menu choice (routing rule 1, see decide-route.ts). */
export type Need = 'billing' | 'broadband' | 'orders' | 'complaints' | 'enterprise' | 'general' | 'senior';

export interface TransferContext {
  from: 'agent' | 'self-service';
  fromQueue?: string | null;
  fromAgent?: string | null;
  note?: string | null;
  /** Why the caller was transferred, as the transferring agent put it (shown on the next agent's desk). */
  reason?: string | null;
}

/**
 * Travels with the call to the ACD and the agent's desk (rule 3). Stored in
 * Redis and read back only through stored-caller-context.ts, whose schema
 * checks it.
 */
export interface CallerContext {
  callId: string;
  callerNumber: string;
  dialled: string;
  customer: { accountId: string; name: string; phone: string } | null;
  tier: TierId;
  tierReason: string;
  passwordVerified: boolean;
  /** What the caller already asked or heard in self-service or menus, e.g. ['balance', 'bill:last-month']. */
  asked: string[];
  menuPath: string[];
  transfer: TransferContext | null;
  /** Set when the customer reached an agent from an outbound campaign's call (pressed 0): which campaign called them. */
  campaign?: CampaignContext | null;
}

/** The outbound campaign a call came from, as the agent sees it. */
export interface CampaignContext {
  id: string;
  name: string;
  kind: 'reminder' | 'notice';
}

export interface OverflowPlan {
  /** Waiting time after which the call is also offered to the overflow agents. */
  afterMs: number;
  /** Skill of the overflow agents (general by default). */
  skill: string;
  /** Lowest level of overflow agent; always above the call's own minimum (see overflowPlan). */
  minAgentLevel: number;
}

export interface RouteDecision {
  /** Queue id where the call waits. */
  queue: string;
  /** The skill an agent needs. */
  skill: string;
  /** Base priority: the tier's queue priority, or the transfer priority. */
  priority: number;
  /** 1..5 */
  minAgentLevel: number;
  /** Rule 4: choose the highest-level qualified agent rather than the longest idle. */
  preferHighestLevel: boolean;
  /** Rule 1: after afterMs also offer the call to agents with `skill` at level >= minAgentLevel. */
  overflow: OverflowPlan | null;
  tier: TierId;
  /** Rule 5: points of priority gained per minute waited (see effectivePriority). */
  agingPerMinute: number;
  /** Version of the routing snapshot that made the decision. */
  policyVersion: number;
  /** Which of the five routing rules (decide-route.ts) shaped this decision (1..5), ascending. */
  rules: number[];
  /** Readable, for the call record and supervisors. */
  reason: string;
}

/** Where a call waits and how it is served: the part of a route decision that a queued place keeps. */
export type QueuePlacement = Pick<RouteDecision, 'queue' | 'skill' | 'minAgentLevel' | 'priority' | 'preferHighestLevel' | 'overflow' | 'tier'>;
