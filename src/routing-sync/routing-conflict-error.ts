import { AppError } from '../errors.js';

/** Another change to the routing was committed between reading it and committing this one. */
export class RoutingConflictError extends AppError {
  constructor(readBase: number, inForce: number) {
    super(
      409,
      'routing-conflict',
      `the routing was changed meanwhile: version ${inForce} is now in force, and this change was made to version ${readBase}; read the current settings and make the change again`,
      { baseVersion: readBase, currentVersion: inForce },
    );
  }
}
