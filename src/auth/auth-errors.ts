import { AppError } from '../errors.js';
import { describeRequirement, type Role, type RoleRequirement } from './roles.js';

export type UnauthorizedCode =
  | 'missing-api-key' | 'malformed-api-key' | 'invalid-api-key' | 'revoked-api-key' | 'api-key-expired' | 'invalid-stream-ticket';

/**
 * No usable credentials: answered 401 with `WWW-Authenticate: Bearer`.
 * An unknown id and a wrong secret get the same answer, so the answer does
 * not tell which key ids exist.
 */
export class UnauthorizedError extends AppError {
  constructor(code: UnauthorizedCode, message: string) {
    super(401, code, message);
  }
}

/** A valid key whose role is below what the route needs. */
export class ForbiddenError extends AppError {
  constructor(role: Role, required: RoleRequirement) {
    super(403, 'forbidden', `this needs the ${describeRequirement(required)} role; the key has ${role}`, { role, required });
  }
}

/**
 * Too many requests in the window, answered 429 with `Retry-After`: counted
 * per API key, or (`per: 'address'`) the requests from one client address
 * that were refused for their key.
 */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSec: number, max: number, windowSec: number, per: 'key' | 'address' = 'key') {
    super(
      429,
      per === 'key' ? 'rate-limited' : 'too-many-auth-failures',
      per === 'key'
        ? `more than ${max} requests in ${windowSec} s with this key; retry in ${retryAfterSec} s`
        : `more than ${max} requests without a valid API key from this address in ${windowSec} s; retry in ${retryAfterSec} s`,
      { retryAfterSec, max, windowSec },
    );
  }
}

export class ApiKeyConflictError extends AppError {
  constructor(id: string, why: string) {
    super(409, 'api-key-exists', `API key ${id} ${why}`, { id });
  }
}
