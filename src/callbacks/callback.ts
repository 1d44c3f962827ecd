import type { Lang } from '../prompts/spoken.js';
import type { CallerContext, QueuePlacement } from '../routing/types.js';

/**
 * A callback's life:
 *
 *   scheduled ──(its time comes, outside quiet hours)──→ waiting
 *   waiting   ──(quiet hours begin, or a supervisor reschedules)──→ scheduled
 *   waiting   ──(the ACD gives its place an agent, the agent answers)──→ dialling
 *   dialling  ──(customer answers, bridged with the agent)──→ connected
 *   dialling  ──(busy / no answer / failed, tries left)──→ scheduled (retry)
 *   dialling  ──(no tries left)──→ failed
 *   scheduled | waiting ──→ cancelled (supervisor) | expired (not done in time)
 *
 * `waiting` is the virtual place in the ACD queue; `scheduled` is out of the
 * queue until `notBefore`. connected, failed, cancelled and expired are final.
 */
export type CallbackState = 'scheduled' | 'waiting' | 'dialling' | 'connected' | 'failed' | 'cancelled' | 'expired';

export const OPEN_STATES: readonly CallbackState[] = ['scheduled', 'waiting', 'dialling'];
export const FINAL_STATES: readonly CallbackState[] = ['connected', 'failed', 'cancelled', 'expired'];

/** Why a callback is out of its queue until `notBefore`. */
export type ScheduledBecause = 'quiet-hours' | 'retry' | 'rescheduled';

/** How a customer dial ended when it did not connect. */
export type DialResult = 'busy' | 'no-answer' | 'failed' | 'hung-up' | 'agent-dropped' | 'switch-fault' | 'interrupted';

/** Placement of the callback; its `priority` is the base priority in the queue (DEADLINE_PRIORITY once promoted). */
export interface Callback extends QueuePlacement {
  id: string;
  /** The call that asked for it (its call record gets the callback's events). */
  callId: string;
  /** The number to call (digits). */
  number: string;
  context: CallerContext | null;
  reason: string;
  lang: Lang;
  requestedAt: number;
  /** When the caller first joined the queue: keeps the place. */
  enqueuedAt: number;
  arrivedAt: number;
  /** Dialled no later than this (quiet hours pause the clock, see QuietHours.addActiveTime). */
  deadline: number;
  /** From this moment the callback is first in its queue (deadline − dispatch margin). */
  promoteAt: number;
  promoted: boolean;
  /** Given up as expired if not completed by then. */
  expiresAt: number;
  state: CallbackState;
  /** While scheduled: why, and from when it may be dialled again. */
  scheduledBecause: ScheduledBecause | null;
  notBefore: number | null;
  /** Customer dials made. */
  attempts: number;
  maxAttempts: number;
  firstDialledAt: number | null;
  lastDialledAt: number | null;
  lastResult: DialResult | null;
  /** Further requests from the same number for the same queue merged into this one. */
  merged: number;
  closedAt: number | null;
  closedBy: string | null;
  closeReason: string | null;
  /** The current timer generation (older timer jobs do nothing). */
  gen: number;
  wakeAt: number | null;
}

/** One customer dial of a callback. */
export interface CallbackAttempt {
  callbackId: string;
  attempt: number;
  /** The ACD offer it belongs to (the agent's reservation time). */
  offeredAt: number;
  agent: string;
  agentLeg: string;
  customerLeg: string;
  startedAt: number;
  /** dialling → bridged → ended, or failed. */
  stage: 'dialling' | 'bridged' | 'ended' | 'failed';
  result: DialResult | 'connected' | null;
  /** When the try ended (failed, or the conversation over); null while it lasts. */
  endedAt: number | null;
}

/** What a callback request needs: where it waits, whom to call, the place it keeps. */
export interface CallbackRequest extends QueuePlacement {
  callId: string;
  number: string;
  context: CallerContext | null;
  reason: string;
  lang: Lang;
  /** When the caller joined the queue; default: now (a request from outside a queue, e.g. a survey comment). */
  enqueuedAt?: number;
  arrivedAt?: number;
}

export interface Booked {
  callbackId: string;
  deadline: Date;
  /** True when an open callback for the same number and queue existed and this request was merged into it. */
  merged: boolean;
}
