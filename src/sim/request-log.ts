/** One ARI REST request as the simulator received it. */
export interface RecordedRequest {
  method: string;
  /** Path as sent, e.g. `/ari/channels/1795308307.1/play` (no query string). */
  path: string;
  /** Query parameters (and JSON-body parameters), `api_key` left out. */
  query: Record<string, string>;
  body: unknown;
  /** Epoch milliseconds. */
  at: number;
}

/** Keeps the most recent requests so a long demo does not grow without bound. */
const MAX_RECORDED = 10_000;

/**
 * What a mock server offers tests: the requests received, and failures to
 * inject into the next ones.
 */
export class RequestLog {
  private entries: RecordedRequest[] = [];
  private failuresLeft = 0;
  private failureStatus = 500;

  record(entry: RecordedRequest): void {
    this.entries.push(entry);
    // Trim in batches: a load test records thousands of requests a second.
    if (this.entries.length >= 2 * MAX_RECORDED) this.entries = this.entries.slice(-MAX_RECORDED);
  }

  list(): RecordedRequest[] {
    return this.entries.slice(-MAX_RECORDED).map((e) => ({ ...e, query: { ...e.query } }));
  }

  clear(): void {
    this.entries = [];
  }

  /** The next `count` ARI REST requests answer `status` without doing anything. */
  failNext(count: number, status = 500): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError(`status must be an HTTP error status (400-599), got ${status}`);
    this.failuresLeft = count;
    this.failureStatus = status;
  }

  /** The status to fail this request with, or null to serve it. */
  takeFailure(): number | null {
    if (this.failuresLeft <= 0) return null;
    this.failuresLeft -= 1;
    return this.failureStatus;
  }
}
