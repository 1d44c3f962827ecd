import type { ConditionsBoard } from './switch-conditions.js';

/** Gives back the slot a request held. */
export type ReleaseSlot = () => void;

/**
 * What an ARI REST request goes through before it runs on a slow switch: it
 * waits for one of the limited serving slots (Asterisk serves each HTTP
 * connection on one thread; a request blocked inside the switch, say in a
 * channel's command queue, keeps its thread), then the switch's latency. The
 * slot is held until the answer is written. Changing the conditions applies
 * to the requests waiting now: a larger limit lets waiting requests in, a
 * shorter latency ends their wait sooner.
 *
 * A request whose client went away keeps its place and still runs: the switch
 * does not know the client gave up.
 */
export class RequestGate {
  private inUse = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly conditions: ConditionsBoard) {
    conditions.onChange(() => this.admit());
  }

  /** Resolves once the request may run, with the function that frees its slot. */
  async enter(receivedAt: number): Promise<ReleaseSlot> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.admit();
    });
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inUse -= 1;
      this.admit();
    };
    try {
      await this.latency(receivedAt);
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  /** Requests holding a slot now. */
  get busy(): number {
    return this.inUse;
  }

  private admit(): void {
    const limit = this.conditions.get().maxConcurrentRequests ?? Number.POSITIVE_INFINITY;
    while (this.waiting.length && this.inUse < limit) {
      this.inUse += 1;
      this.waiting.shift()?.();
    }
  }

  /** Sleeps until `receivedAt + latencyMs`, the latency read again whenever it changes. */
  private latency(receivedAt: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        if (timer) clearTimeout(timer);
        const left = receivedAt + this.conditions.get().latencyMs - Date.now();
        if (left <= 0) {
          stop();
          resolve();
          return;
        }
        // Unref'd: a request still sleeping its latency does not keep a closed simulator's process alive.
        timer = setTimeout(arm, left).unref();
      };
      const unsubscribe = this.conditions.onChange(arm);
      const stop = () => {
        if (timer) clearTimeout(timer);
        unsubscribe();
      };
      arm();
    });
  }
}
