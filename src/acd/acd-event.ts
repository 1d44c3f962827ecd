import type { AgentState } from './agent.js';
import type { QueuedCallEvent } from './call-queue.js';

/**
 * What the ACD reports as it works, for the hold experience, the supervisor
 * stream and logs. Call events come from the instance that owns the call;
 * agent changes from the instance that made them.
 */
export type AcdEvent =
  | QueuedCallEvent
  | { type: 'agent-state'; agent: string; state: AgentState; pauseReason: string | null; callId: string | null };

export type AcdEventListener = (event: AcdEvent) => void;
