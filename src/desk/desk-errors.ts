import { AppError } from '../errors.js';

/** An agent key or session used on another agent's desk or call. */
export class NotYourDeskError extends AppError {
  constructor(what: string, id: string) {
    super(403, 'not-your-agent', `this key works for its own agent only, not for ${what} ${JSON.stringify(id)}`, { [what === 'agent' ? 'agent' : 'callId']: id });
  }
}

/** The call is the agent's, but not in a state that allows this (e.g. a transfer once the caller has hung up). */
export class CallNotCurrentError extends AppError {
  constructor(callId: string, why: string) {
    super(409, 'call-not-current', `call ${callId} ${why}`, { callId });
  }
}

/** Ending wrap-up early when the agent is not in wrap-up. */
export class NotInWrapUpError extends AppError {
  constructor(agent: string, state: string) {
    super(409, 'not-in-wrap-up', `agent ${agent} is ${state}, not in wrap-up`, { agent, state });
  }
}

export class DispositionSavedError extends AppError {
  constructor(callId: string, code: string) {
    super(409, 'disposition-already-saved', `call ${callId} was already closed as ${JSON.stringify(code)}`, { callId, code });
  }
}
