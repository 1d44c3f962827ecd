import type { TierId } from '../customers/customer.js';

/**
 * Everything that happens to a call, appended in order to one Redis stream.
 * Statistics are computed from these events alone, so every path that ends a
 * call must write its `ended` event (and waits must write `abandoned` or
 * `answered`).
 */
export type CallEvent =
  | { type: 'arrived'; dialled: string; from: string; instance: string }
  | { type: 'tier'; tier: TierId; reason: string; accountId: string | null }
  | { type: 'menu'; flow: string; step: string; choice: string }
  | { type: 'self-service'; item: string; result: 'ok' | 'unavailable' | 'no-data' }
  | { type: 'password'; result: 'ok' | 'wrong' | 'locked' }
  | { type: 'route'; queue: string; skill: string; priority: number; minAgentLevel: number; rules: number[]; reason: string; tier: TierId }
  | { type: 'queued'; queue: string; tier: TierId; priority: number; position: number }
  | { type: 'overflowed'; queue: string; skill: string; minAgentLevel: number }
  | { type: 'offered'; queue: string; agent: string }
  | { type: 'agent-no-answer'; queue: string; agent: string }
  /** The agent's phone refused the offer: busy, unreachable (the switch gave a cause) or the dial request failed. */
  | { type: 'agent-unavailable'; queue: string; agent: string; result: 'busy' | 'unreachable' | 'failed' }
  /**
   * An offer ended by a fault of the switch, not by the agent (the ring request
   * got no answer in time, a socket error, a 5xx; or bridging after the agent
   * answered failed; for a callback, also dialling the customer): the agent
   * was made available again and the call kept its place at the head of its
   * queue.
   */
  | { type: 'offer-failed'; queue: string; agent: string; reason: 'switch-fault'; stage: 'ring' | 'dial' | 'bridge'; detail: string }
  | { type: 'answered'; queue: string; agent: string; tier: TierId; waitMs: number }
  | { type: 'abandoned'; queue: string; tier: TierId; waitMs: number; stage: 'queue' | 'ringing' }
  /** The call was taken out of the queue before an agent answered (e.g. the caller chose a callback). */
  | { type: 'left-queue'; queue: string; tier: TierId; waitMs: number; reason: string }
  | { type: 'transferred'; fromQueue: string | null; toQueue: string; by: string }
  | { type: 'callback-requested'; queue: string; callbackId: string; tier: TierId }
  /** A customer dial of a callback, once its agent answered (written to the requesting call's record, as are the next two). */
  | { type: 'callback-dialled'; callbackId: string; queue: string; tier: TierId; attempt: number; agent: string }
  /**
   * How a callback or one of its dials ended: connected (customer and agent
   * talking); retry (busy, no answer, failed: `result`, another try is
   * scheduled); and the final no-answer (after `attempts` tries), cancelled
   * (by a supervisor: `by`, `reason`) and expired (not completed in time).
   */
  | { type: 'callback-outcome'; callbackId: string; queue: string; tier: TierId; outcome: CallbackOutcome; attempts: number; result?: string; by?: string; reason?: string }
  | { type: 'callback-rescheduled'; callbackId: string; queue: string; tier: TierId; notBefore: number; by: string }
  | { type: 'complaint-opened'; ticketId: string; tier: TierId }
  | { type: 'complaint-resolved'; ticketId: string; tier: TierId; by: string; overdue: boolean }
  /** A satisfaction survey after the call was answered: score 1–5 (null: no score), comment when the customer asked for a callback. */
  | { type: 'survey-answered'; surveyId: string; tier: TierId; queue: string; agent: string; score: number | null; comment: boolean }
  | { type: 'agent-ended'; queue: string; agent: string; talkMs: number }
  /** The agent's wrap-up after the call ended (by its timer, the agent or a supervisor): how long it lasted. */
  | { type: 'wrap-up-ended'; agent: string; wrapMs: number }
  /** How the agent closed the call (a code of `desk.dispositions`), saved from the desk. */
  | { type: 'disposition'; agent: string; queue: string; code: string }
  /** The instance holding the call died; `by` took its calls over and finished this one. */
  | { type: 'taken-over'; from: string; by: string }
  | { type: 'ended'; outcome: CallOutcome; durationMs: number };

/** How a call ended, from the caller's point of view. */
export type CallOutcome =
  | 'self-service'      // the caller heard what they asked for and hung up / was said goodbye
  | 'handled'           // talked to an agent
  | 'abandoned'         // hung up while waiting for an agent
  | 'callback'          // left the queue with a callback request
  | 'caller-hangup'     // hung up in the IVR before reaching a queue or an answer
  | 'goodbye'           // the IVR ended the call politely (after-hours, retries exhausted on 10001)
  | 'queue-full'        // turned away: the queue was full
  | 'failed';           // an internal failure ended the call (logged)

export type CallEventType = CallEvent['type'];

export type CallbackOutcome = 'connected' | 'retry' | 'no-answer' | 'cancelled' | 'expired';

/** A stored event: the call it belongs to and when it happened (ms since epoch). */
export type RecordedCallEvent = CallEvent & { callId: string; at: number; id?: string };
