import type { AriClient } from '../ari/ari-client.js';
import { AriError } from '../ari/ari-error.js';
import { isChannelGone } from '../ari/is-channel-gone.js';
import type { Logger } from '../log/logger.js';

export interface ChannelQueueGuardDeps {
  channelId: string;
  client: AriClient;
  logger: Logger;
  isGone(): boolean;
  /** Sends a request on the channel the way the call does (a gone channel is not an error). */
  send(request: () => Promise<void>): Promise<void>;
}

/**
 * Keeps a call's own prompts from holding up the commands that Asterisk runs
 * on the channel's thread after them.
 *
 * Asterisk runs a channel's commands one after the other on the channel's own
 * Stasis thread. A prompt playing on the channel occupies that thread, so
 * `addChannel` and a variable set wait until the prompt ends (27.9 s measured
 * for a long hold announcement), while stopping the prompt (DELETE
 * /playbacks/{id}) is answered at once and the `addChannel` after it takes
 * 2 ms. Hence:
 * - before the channel joins a bridge, every prompt we started on it, queued or
 *   playing, is stopped, and no new prompt starts until it is in: the caller is
 *   never bridged late, and the agent never answers into silence;
 * - a variable set while one of our prompts plays is kept and sent as soon as
 *   the prompts are over (before the next prompt, or before joining a bridge).
 *   Variables here only publish where the call stands (HOTLINE_OUTCOME); they
 *   must not hold the caller up, nor hold a connection for the length of a prompt.
 * Music on hold does not occupy the thread (addChannel took 11 ms over it): it
 * needs no stopping.
 */
export class ChannelQueueGuard {
  /** Our prompts not known to be over, with the play request that started each. */
  private readonly playbacks = new Map<string, Promise<unknown>>();
  private readonly pendingVars = new Map<string, string>();
  private flushingNow: Promise<void> | null = null;
  private joins = 0;

  constructor(private readonly deps: ChannelQueueGuardDeps) {}

  /** True while the channel is being added to a bridge: no prompt may start. */
  get joining(): boolean {
    return this.joins > 0;
  }

  /** A prompt we asked for; the returned function says it is over (safe to call twice). */
  track(playbackId: string, request: Promise<unknown>): () => void {
    this.playbacks.set(playbackId, request);
    return () => this.over(playbackId);
  }

  /** Variables kept for later. */
  get pending(): number {
    return this.pendingVars.size;
  }

  /** True while kept variables are being sent. */
  get flushing(): boolean {
    return this.flushingNow !== null;
  }

  async setVar(name: string, value: string): Promise<void> {
    if (this.deps.isGone()) return;
    if (this.playbacks.size > 0) {
      // Sent between prompts: resolving now keeps the caller's flow moving.
      this.pendingVars.set(name, value);
      this.deps.logger.debug({ variable: name }, 'variable kept until the prompt ends');
      return;
    }
    if (this.pendingVars.size > 0 || this.flushing) {
      // Behind earlier values, so the last one set is the one that stays.
      this.pendingVars.set(name, value);
      await this.flush();
      return;
    }
    await this.deps.send(() => this.deps.client.channels.setVariable(this.deps.channelId, name, value));
  }

  /** Before a new prompt: variables kept meanwhile go first, while nothing plays. */
  async beforePlay(): Promise<void> {
    if (this.pendingVars.size > 0 || this.flushingNow) await this.flush();
  }

  /**
   * Before adding the channel to a bridge: stops our prompts (waiting for a
   * play request still in flight, else the stop would arrive before Asterisk
   * knows the playback), sends kept variables, and holds new prompts off until
   * the returned function is called (once the channel is in, or the join failed).
   */
  async prepareToJoin(): Promise<() => void> {
    this.joins += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.joins -= 1;
    };
    await Promise.all([...this.playbacks].map(([id, request]) => this.stop(id, request)));
    await this.flush();
    return release;
  }

  /** The call ended: nothing left to send. */
  clear(): void {
    this.playbacks.clear();
    this.pendingVars.clear();
  }

  private async stop(playbackId: string, request: Promise<unknown>): Promise<void> {
    await request.catch(() => {});
    try {
      await this.deps.client.playbacks.stop(playbackId);
      this.deps.logger.debug({ playbackId }, 'prompt stopped before joining a bridge');
    } catch (err) {
      // 404: it had ended meanwhile; a gone channel took its prompts with it.
      if (!(err instanceof AriError && err.ariStatus === 404) && !isChannelGone(err)) {
        this.deps.logger.warn({ err, playbackId }, 'could not stop a prompt before joining a bridge');
      }
    }
    this.over(playbackId);
  }

  private over(playbackId: string): void {
    if (!this.playbacks.delete(playbackId)) return;
    if (this.playbacks.size === 0 && this.pendingVars.size > 0) {
      this.flush().catch(() => {});
    }
  }

  /**
   * Sends the kept variables, one at a time, in the order set; each call
   * drains after the ones before it, so a variable kept before the call is
   * sent by the time it resolves. Never rejects.
   */
  private flush(): Promise<void> {
    const drained = (this.flushingNow ?? Promise.resolve()).then(() => this.drain());
    this.flushingNow = drained;
    void drained.then(() => {
      if (this.flushingNow === drained) this.flushingNow = null;
    });
    return drained;
  }

  private async drain(): Promise<void> {
    while (this.pendingVars.size > 0 && !this.deps.isGone()) {
      const [name, value] = this.pendingVars.entries().next().value as [string, string];
      this.pendingVars.delete(name);
      try {
        await this.deps.send(() => this.deps.client.channels.setVariable(this.deps.channelId, name, value));
      } catch (err) {
        this.deps.logger.warn({ err, variable: name }, 'could not set a channel variable');
      }
    }
    if (this.deps.isGone()) this.pendingVars.clear();
  }
}
