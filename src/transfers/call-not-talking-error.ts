import { AppError } from '../errors.js';

/** A transfer asked for a call that is not (or no longer) talking to an agent. */
export class CallNotTalkingError extends AppError {
  constructor(callId: string, state: string) {
    super(409, 'call-not-talking', `call ${callId} is not talking to an agent (it is ${state})`, { callId, state });
  }
}
