import type { AriClient } from '../ari/ari-client.js';
import { AriError } from '../ari/ari-error.js';
import { isChannelGone } from '../ari/is-channel-gone.js';
import type { Logger } from '../log/logger.js';
import type { AriCall } from './ari-call.js';
import { recordBridge, type RecordingContext } from './bridge-recording.js';
import type { Bridge, BridgeRecording, Call } from './call-control.js';

/**
 * A mixing bridge over ARI. Adding or removing a caller who has just hung up
 * is not an error (the call step simply has nothing left to do), and
 * destroying a bridge twice is harmless.
 *
 * Asterisk adds a channel to a bridge on the channel's own thread, after the
 * prompt it is playing: adding a caller whose hold announcement plays would
 * wait for the end of the announcement while the agent hears silence. So every
 * join (live calls, callbacks, transfers) first stops that channel's prompts.
 */
export class AriBridge implements Bridge {
  constructor(
    readonly id: string,
    private readonly client: AriClient,
    private readonly logger: Logger,
    /** Our call on a channel id, if it is one of ours. */
    private readonly callOf: (channelId: string) => AriCall | undefined = () => undefined,
    /** What recording needs; without it, `record` is refused. */
    private readonly recording: Omit<RecordingContext, 'client' | 'logger'> | null = null,
  ) {}

  /** Channels we added and have not taken out. */
  private readonly added = new Set<string>();

  /** On its way out: music on hold may start for it again. */
  private left(channelId: string): void {
    if (this.added.delete(channelId)) this.callOf(channelId)?.setBridged(false);
  }

  async add(call: Call | string): Promise<void> {
    if (typeof call !== 'string' && call.gone) return;
    const channelId = idOf(call);
    const ours = this.callOf(channelId);
    const release = (await ours?.prepareToJoin()) ?? (() => {});
    try {
      await this.client.bridges.addChannel(this.id, channelId);
      ours?.setBridged(true);
      this.added.add(channelId);
    } catch (err) {
      if (!isChannelGone(err)) throw err;
      this.logger.debug({ bridgeId: this.id, channelId }, 'channel gone before it could join the bridge');
    } finally {
      release();
    }
  }

  async remove(call: Call | string): Promise<void> {
    if (typeof call !== 'string' && call.gone) return;
    const channelId = idOf(call);
    this.left(channelId);
    try {
      await this.client.bridges.removeChannel(this.id, channelId);
    } catch (err) {
      // 422 "Channel not in this bridge": it already left (hung up, or removed before).
      if (isChannelGone(err) || (err instanceof AriError && err.ariStatus === 422)) return;
      throw err;
    }
  }

  async record(name: string): Promise<BridgeRecording> {
    if (!this.recording) throw new Error(`bridge ${this.id} was made without the events needed to follow a recording`);
    return recordBridge({ ...this.recording, client: this.client, logger: this.logger }, this.id, name);
  }

  async destroy(): Promise<void> {
    for (const channelId of [...this.added]) this.left(channelId);
    try {
      await this.client.bridges.destroy(this.id);
    } catch (err) {
      if (err instanceof AriError && err.ariStatus === 404) return;
      throw err;
    }
  }
}

function idOf(call: Call | string): string {
  return typeof call === 'string' ? call : call.id;
}
