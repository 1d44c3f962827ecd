import type { EnterpriseClass, TierId } from '../customers/customer.js';

export type CampaignKind = 'reminder' | 'notice';

/** draft: created, not started; done: every target ended; stopped: ended by a supervisor or its window. */
export type CampaignStatus = 'draft' | 'running' | 'paused' | 'stopped' | 'done';

/** Who a campaign calls: a query over the customer data port, or a list uploaded as CSV. */
export type TargetSource =
  | { kind: 'query'; balanceBelow?: number; tiers?: TierId[]; enterpriseClass?: (EnterpriseClass | null)[] }
  | { kind: 'csv'; csv: string };

/** One number a campaign will call, with what its message needs. */
export interface Target {
  number: string;
  /** Where it came from: the CSV line, or 0 for a query. */
  line: number;
  accountId: string | null;
  /** Yuan due (reminders): said by the message; null when unknown. */
  amountDue: number | null;
  lang: 'zh' | 'en' | null;
}

/** Why a number of the list is not called; reported with its line, never dialled. */
export type RejectionReason = 'malformed' | 'duplicate' | 'withheld' | 'do-not-call';

export interface Rejection {
  line: number;
  /** As written in the list (masked when shown below supervisor). */
  number: string;
  reason: RejectionReason;
}

export interface CampaignLimits {
  /** Dials in progress at once for this campaign. */
  concurrent: number;
  /** Dials of one number at most (no answer, busy). */
  attempts: number;
  retryDelaySec: number;
}

/**
 * How a campaign's dials are paced. limits: as many at once as its limits
 * allow. assisted: each try first waits for an agent of `skill` (a virtual
 * call in `queue`, the queue serving that skill); the agent is reserved and
 * rung, and only then is the customer dialled and bridged to them — so the
 * campaign dials only as fast as those agents become free, within its limits.
 */
export type CampaignPacing = { mode: 'limits' } | { mode: 'assisted'; skill: string; queue: string };

export interface Campaign {
  id: string;
  name: string;
  kind: CampaignKind;
  /** A shipped flow's id, or the id of the campaign's own flow (kept with it). */
  flowId: string;
  /** The campaign's own flow as given at creation (JSON), or null for a shipped flow. */
  ownFlow: string | null;
  status: CampaignStatus;
  /** No dial before this (ms since the epoch). */
  startAt: number;
  /** No dial after this: the targets left are not called and the campaign stops. */
  endAt: number;
  limits: CampaignLimits;
  pacing: CampaignPacing;
  createdAt: number;
  createdBy: string;
  startedAt: number | null;
  endedAt: number | null;
  /** Why it stopped: 'supervisor', 'window-ended'; null otherwise. */
  stopReason: string | null;
  targets: number;
  rejected: number;
}

/**
 * Where each target stands. pending: waiting for its (next) dial; dialling;
 * answered; unreached: no answer or busy on every try; failed: the dial
 * failed or was cut by a crash (never dialled again); skipped: not called
 * (do-not-call, called by another campaign in the period, the campaign stopped).
 */
export type TargetState = 'pending' | 'dialling' | 'answered' | 'unreached' | 'failed' | 'skipped';

export interface TargetResult {
  number: string;
  state: TargetState;
  attempts: number;
  /** The last dial's result (no-answer, busy, failed, interrupted) or why it was skipped. */
  detail: string | null;
  /** Keys the customer chose, in order (answered only). */
  keys: string;
  /** The message was heard to its end (answered only). */
  listened: boolean;
  at: number | null;
}

/** Counts of targets, live. */
export interface CampaignProgress {
  targets: number;
  pending: number;
  dialling: number;
  answered: number;
  listened: number;
  pressed: { '0': number; '1': number; '2': number; '9': number };
  unreached: number;
  failed: number;
  skipped: number;
  rejected: number;
}
