import type { Call } from '../call-control/call-control.js';
import type { CallerContext, RouteDecision, TierId } from '../routing/types.js';

/**
 * The hand-off from the IVR to the ACD. The IVR routes a caller (RouteDecision),
 * then gives the call to a CallQueue and follows it through the returned handle.
 *
 * Ownership of the call record: from a `queued` result on, the ACD writes the
 * call's queue events (queued, overflowed, offered, agent-no-answer, answered,
 * abandoned, agent-ended) and, for every call it ends itself — answered then
 * hung up, or abandoned while waiting or ringing — also the final `ended` event.
 * When a call settles as `removed` (the IVR took it back with `leave`, e.g. for
 * a callback) the IVR owns the call again and writes what follows. A `full`
 * result leaves the call with the IVR (which records `queue-full`).
 */
export interface CallQueue {
  enqueue(call: Call, decision: RouteDecision, context: CallerContext, options?: EnqueueOptions): Promise<EnqueueResult>;
}

export interface EnqueueOptions {
  /** When the call arrived (ms since epoch) for the `ended` record's duration; default: now. */
  arrivedAt?: number;
  /** Start music on hold on the caller when queued. Default true. */
  musicOnHold?: boolean;
}

export type EnqueueResult = QueuedCall | QueueFull;

export interface QueueFull {
  kind: 'full';
  queue: string;
  waiting: number;
  maxWaiting: number;
}

export interface QueuedCall {
  kind: 'queued';
  callId: string;
  queue: string;
  /**
   * 1-based place among the queue's waiting calls when enqueued (by effective
   * priority, oldest first); 0 when an agent was free and was reserved at once.
   */
  position: number;
  /** Estimated wait in ms when enqueued; null when unknown (nobody staffed for the skill). */
  estimatedWaitMs: number | null;
  /**
   * When the call joined the queue (ms since epoch) and its base priority:
   * with the queue's aging rate they fix its place, so a callback taking over
   * the call's place keeps them.
   */
  enqueuedAt: number;
  priority: number;
  /**
   * Resolves once: `answered` when an agent answered and the two are bridged
   * (the ACD then owns the call until it ends), `abandoned` when the caller hung
   * up before that, `removed` when the call was taken out with `leave`.
   */
  settled: Promise<CallSettlement>;
  /** Where the call stands now: null once it is no longer waiting for an agent. */
  status(): Promise<WaitStatus | null>;
  /**
   * Take the call out of the queue (e.g. the caller chose a callback). An agent
   * being rung for it is released without penalty. Resolves true when the call
   * was removed, false when it had already been answered or abandoned.
   */
  leave(reason: string): Promise<boolean>;
  /**
   * (Re)starts music on hold for the waiting caller after a prompt — unless an
   * agent's answer is already being put through, so music never plays into the
   * conversation. The ACD stops it before bridging.
   */
  startMusicOnHold(): Promise<void>;
  /** This call's ACD events, from now on; returns the unsubscribe function. */
  onEvent(listener: (event: QueuedCallEvent) => void): () => void;
}

export type CallSettlement =
  | { kind: 'answered'; agent: string; waitMs: number }
  | { kind: 'abandoned'; waitMs: number; stage: 'queue' | 'ringing' }
  | { kind: 'removed'; reason: string; waitMs: number };

export interface WaitStatus {
  /** waiting: in the queue; offered: an agent is reserved or ringing for it. */
  stage: 'waiting' | 'offered';
  /** 1-based place among the queue's waiting calls (0 while offered). */
  position: number;
  /** Waiting calls in the queue. */
  waiting: number;
  estimatedWaitMs: number | null;
  waitedMs: number;
  /** True once the call may also be answered by the overflow skill's agents. */
  overflowed: boolean;
}

/** The events of one waiting call, in order, as seen by the instance that owns it. */
export type QueuedCallEvent =
  | { type: 'queued'; callId: string; queue: string; position: number }
  | { type: 'overflowed'; callId: string; queue: string; skill: string; minAgentLevel: number }
  | { type: 'assigned'; callId: string; queue: string; agent: string }
  | { type: 'ringing'; callId: string; queue: string; agent: string }
  | { type: 'no-answer'; callId: string; queue: string; agent: string; result: 'no-answer' | 'busy' | 'unreachable' }
  | { type: 'answered'; callId: string; queue: string; agent: string; waitMs: number }
  | { type: 'abandoned'; callId: string; queue: string; waitMs: number; stage: 'queue' | 'ringing' }
  | { type: 'removed'; callId: string; queue: string; reason: string }
  /** A conversation with an agent is over (the caller's number and tier for the care after the call). */
  | { type: 'ended'; callId: string; queue: string; agent: string; talkMs: number; by: 'caller' | 'agent' | 'system'; tier: TierId; callerNumber: string; virtual: boolean };
