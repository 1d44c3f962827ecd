import type { AgentState } from './agent.js';
import type { QueuedCallEvent } from './call-queue.js';

/**
 * What the ACD reports as it works, for the hold experience, the supervisor
 * stream and logs. Call events come from the instance that owns the call;
 * agent changes from the instance that made them.
 */
export type AcdEvent =
  | QueuedCallEvent
  | { type: 'agent-state'; agent: string; state: AgentState; pauseReason: string | null; callId: string | null }
  /**
   * The agent asked for a blind transfer from their phone: the dialplan (a
   * feature code) set TRANSFER_VARIABLE on the agent's channel to the target queue.
   */
  | { type: 'transfer-requested'; callId: string; queue: string; agent: string; toQueue: string };

/** The channel variable an agent's phone sets to transfer the caller to a queue. */
export const TRANSFER_VARIABLE = 'HOTLINE_TRANSFER';

export type AcdEventListener = (event: AcdEvent) => void;
