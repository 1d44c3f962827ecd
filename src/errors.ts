/**
 * Typed errors: an HTTP-ish status, a fixed kebab-case code and details.
 * The API maps them to responses in one error handler; everything else logs them.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ConfigError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(500, 'invalid-config', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super(404, `no-such-${what}`, `no ${what} ${JSON.stringify(id)}`, { id });
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(400, 'invalid-request', message, details);
  }
}

/**
 * A dependency the request needs (Redis) cannot be reached: 503 with
 * Retry-After, so clients and load balancers back off and come back, instead
 * of a 500 that reads as a defect. Which dependency is kept for the log, not
 * told to a client that may not even have a valid key yet.
 */
export class DependencyUnavailableError extends AppError {
  constructor(readonly dependency: string, readonly retryAfterSec: number) {
    super(503, 'dependency-unavailable', `the service is temporarily unable to answer; try again in ${retryAfterSec} s`, { retryAfterSec });
  }
}
