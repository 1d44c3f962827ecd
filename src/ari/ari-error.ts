import { AppError } from '../errors.js';

export type AriErrorCode =
  /** Asterisk answered with an HTTP error status (see `ariStatus` and `ariMessage`). */
  | 'ari-bad-request'
  | 'ari-unauthorized'
  | 'ari-not-found'
  | 'ari-conflict'
  | 'ari-precondition-failed'
  | 'ari-unprocessable'
  | 'ari-server-error'
  | 'ari-http-error'
  /** No answer within the request timeout; the request may still have been carried out. */
  | 'ari-timeout'
  /** Nobody listens at the ARI address (connection refused, unknown host, no route). */
  | 'ari-unreachable'
  /** The connection broke while the request was in flight. */
  | 'ari-connection-lost'
  /** The response could not be read as JSON. */
  | 'ari-bad-response'
  /** The events connection is not (yet) up. */
  | 'ari-not-ready';

export interface AriErrorDetails {
  method: string;
  path: string;
  /** HTTP status Asterisk answered with; null when no response arrived. */
  ariStatus: number | null;
  /** Asterisk's `message` (e.g. "Channel not found"); '' when there was none. */
  ariMessage: string;
}

const CODE_BY_STATUS: Record<number, AriErrorCode> = {
  400: 'ari-bad-request',
  401: 'ari-unauthorized',
  404: 'ari-not-found',
  409: 'ari-conflict',
  412: 'ari-precondition-failed',
  422: 'ari-unprocessable',
};

/**
 * A failed ARI request. Its own `status` is what the failure means to our
 * clients (a 5xx: the switch misbehaved or is out of reach); Asterisk's own
 * HTTP status and message are kept in `ariStatus` and `ariMessage`.
 */
export class AriError extends AppError {
  readonly method: string;
  readonly path: string;
  readonly ariStatus: number | null;
  readonly ariMessage: string;

  constructor(code: AriErrorCode, message: string, details: AriErrorDetails) {
    super(statusFor(code), code, message, { ...details });
    this.method = details.method;
    this.path = details.path;
    this.ariStatus = details.ariStatus;
    this.ariMessage = details.ariMessage;
  }

  /** The error for an HTTP error answer from Asterisk. */
  static fromResponse(method: string, path: string, status: number, ariMessage: string): AriError {
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'ari-server-error' : 'ari-http-error');
    const text = ariMessage ? `${status} ${ariMessage}` : String(status);
    return new AriError(code, `ARI ${method} ${path} failed: ${text}`, { method, path, ariStatus: status, ariMessage });
  }
}

function statusFor(code: AriErrorCode): number {
  switch (code) {
    case 'ari-timeout': return 504;
    case 'ari-unreachable':
    case 'ari-not-ready': return 503;
    default: return 502;
  }
}
