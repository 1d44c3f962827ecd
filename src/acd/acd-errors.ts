import { AppError } from '../errors.js';
import type { AgentState } from './agent.js';

/** The agent's state does not allow the requested change (e.g. ready while on a call that ended). */
export class IllegalAgentTransitionError extends AppError {
  constructor(agent: string, from: AgentState, command: string, why: string) {
    super(409, 'illegal-agent-transition', `agent ${agent} cannot ${command} while ${from}: ${why}`, { agent, from, command });
  }
}

export class AgentExistsError extends AppError {
  constructor(agent: string) {
    super(409, 'agent-exists', `agent ${JSON.stringify(agent)} already exists`, { agent });
  }
}

/** Removing or redefining an agent who is handling a call must wait until the call is over. */
export class AgentBusyError extends AppError {
  constructor(agent: string, state: AgentState, action: string) {
    super(409, 'agent-busy', `agent ${agent} cannot be ${action} while ${state}; log the agent out first`, { agent, state });
  }
}

export class CallAlreadyQueuedError extends AppError {
  constructor(callId: string) {
    super(409, 'call-already-queued', `call ${callId} is already in a queue`, { callId });
  }
}

/** Another writer kept changing the same agent; the caller may retry. */
export class AgentContentionError extends AppError {
  constructor(agent: string) {
    super(503, 'agent-contention', `agent ${agent} is changing too often to apply the update; retry`, { agent });
  }
}
