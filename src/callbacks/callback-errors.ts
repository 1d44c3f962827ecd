import { AppError } from '../errors.js';
import type { CallbackState } from './callback.js';

/** The callback is being dialled (or an agent is already reserved for it): it cannot be changed now. */
export class CallbackBusyError extends AppError {
  constructor(id: string) {
    super(409, 'callback-busy', `callback ${id} is being dialled; try again once the dial is over`, { id });
  }
}

/** The callback is over (connected, failed, cancelled or expired). */
export class CallbackClosedError extends AppError {
  constructor(id: string, state: CallbackState) {
    super(409, 'callback-closed', `callback ${id} is already ${state}`, { id, state });
  }
}
