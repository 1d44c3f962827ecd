/**
 * One ARI REST request as the simulator received it. The simulator always fills
 * the fields after `at`; they are optional so that a request written by hand (a
 * fixture replaying a log) may leave them out.
 */
export interface RecordedRequest {
  method: string;
  /** Path as sent, e.g. `/ari/channels/1795308307.1/play` (no query string). */
  path: string;
  /** Query parameters (and JSON-body parameters), `api_key` left out. */
  query: Record<string, string>;
  body: unknown;
  /** When it was received (its body read), epoch milliseconds. */
  at: number;
  /** When the switch started running it (after its latency and a free slot); null while it waits, or when it never ran. */
  executedAt?: number | null;
  /** When its answer was written; null while it runs or waits, or when it was dropped. */
  answeredAt?: number | null;
  /** The status it was answered with; null until answered. */
  status?: number | null;
  /** True when it arrived on a connection the switch was closing: never executed, never answered. */
  dropped?: boolean;
}

/** What a request is recorded with when it arrives. */
export type ArrivingRequest = Pick<RecordedRequest, 'method' | 'path' | 'query' | 'body' | 'at'>;

/** A recorded request as the simulator keeps it, every field filled. */
type LoggedRequest = Required<RecordedRequest>;

/** Keeps the most recent requests so a long demo does not grow without bound. */
const MAX_RECORDED = 10_000;

/**
 * What a mock server offers tests: the requests received, what became of each
 * (executed and answered, still waiting, or dropped unexecuted), and failures to
 * inject into the next ones.
 */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private failuresLeft = 0;
  private failureStatus = 500;

  /** Records an arriving request; the entry returned is updated as the request goes on. */
  record(entry: ArrivingRequest): LoggedRequest {
    const recorded: LoggedRequest = { ...entry, executedAt: null, answeredAt: null, status: null, dropped: false };
    this.entries.push(recorded);
    // Trim in batches: a load test records thousands of requests a second.
    if (this.entries.length >= 2 * MAX_RECORDED) this.entries = this.entries.slice(-MAX_RECORDED);
    return recorded;
  }

  /** Records a request that the switch did not execute because its connection was being closed. */
  recordDropped(entry: ArrivingRequest): void {
    this.record(entry).dropped = true;
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
