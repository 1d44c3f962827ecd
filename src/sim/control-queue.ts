/** Raised for a command that could not run because its channel (or bridge) went away first. */
export class ControlClosedError extends Error {
  constructor() {
    super('the channel left before the command ran');
    this.name = 'ControlClosedError';
  }
}

/**
 * The command queue Asterisk keeps for every channel in Stasis (res_stasis
 * control): playbacks, DTMF sending, answering and bridge joins run one after the
 * other in the channel's own thread. That is why a second prompt waits for the
 * first one, and why adding a channel to a bridge waits for the prompt it is
 * playing. Closing the queue (hang-up) skips whatever has not started.
 */
export class ControlQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly lifetime = new AbortController();

  get closed(): boolean {
    return this.lifetime.signal.aborted;
  }

  /** Aborted when the queue closes; running commands watch it. */
  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  /** Queues `command`; the promise settles with its result, or ControlClosedError when it never ran. */
  run<T>(command: (signal: AbortSignal) => Promise<T> | T): Promise<T> {
    const result = this.tail.then(() => {
      if (this.closed) throw new ControlClosedError();
      return command(this.lifetime.signal);
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.lifetime.abort();
  }
}
