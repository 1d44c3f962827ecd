/**
 * One request at a time per channel for commands that run in the channel's
 * own queue. Asterisk executes them one after the other on the channel's
 * thread anyway, so sending a second before the first is answered gains
 * nothing; it would only hold one more pooled connection while it waits.
 * With this, a channel stuck behind a long prompt holds one connection, not
 * one per command sent to it.
 */
export class ChannelLanes {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Waits for the requests sent earlier to this channel, then runs `task`.
   * Aborting `signal` gives up the wait (the task never runs) with its reason.
   */
  run<T>(channelId: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(channelId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // Our turn comes once the earlier ones are done AND we are done.
    const tail = before.then(() => mine);
    this.tails.set(channelId, tail);
    const result = waitTurn(before, signal).then(task);
    void result.catch(() => {}).finally(() => {
      release();
      if (this.tails.get(channelId) === tail) this.tails.delete(channelId);
    });
    return result;
  }

  /** Channels with a request in flight or waiting (0 when idle; for tests). */
  get busy(): number {
    return this.tails.size;
  }
}

function waitTurn(before: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void before.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
