import { randomUUID } from 'node:crypto';
import { AriHttpError, badRequest } from './ari-http-error.js';
import { ControlClosedError } from './control-queue.js';
import { SimBridge } from './sim-bridge.js';
import type { SimChannel } from './sim-channel.js';
import type { SimSwitch } from './sim-switch.js';

const BRIDGE_FEATURES = new Set(['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label']);

export interface JoinOptions {
  role?: string;
  absorbDtmf?: boolean;
  mute?: boolean;
}

/**
 * Stasis bridges. Bridge events (ChannelEnteredBridge, ChannelLeftBridge,
 * BridgeDestroyed, bridge playbacks) go to the apps subscribed to the bridge:
 * the app of each channel in it (subscribed while its channel is inside) and
 * apps subscribed with `bridge:<id>` or `bridge:`. An app merely subscribed to a
 * channel does not see that channel enter a bridge.
 */
export class BridgeRegistry {
  private readonly byId = new Map<string, SimBridge>();

  constructor(private readonly sw: SimSwitch) {}

  /** POST /bridges: no BridgeCreated event reaches anyone (no app watches a bridge made over REST). */
  create(params: { type?: string; name?: string; bridgeId?: string }): SimBridge {
    const features = (params.type ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    const unknown = features.filter((f) => !BRIDGE_FEATURES.has(f));
    if (unknown.length) throw badRequest(`Unknown bridge type ${unknown.join(',')}`, { type: params.type });
    if (features.includes('mixing') && features.includes('holding')) {
      throw new AriHttpError(500, 'bridge-create-failed', 'Unable to create bridge', { type: params.type });
    }
    const id = params.bridgeId || randomUUID();
    if (this.byId.has(id)) {
      throw new AriHttpError(409, 'bridge-id-exists', 'Bridge with given unique ID already exists', { bridgeId: id });
    }
    const bridge = new SimBridge(id, params.name ?? '', features.includes('holding') ? 'holding' : 'mixing');
    this.byId.set(id, bridge);
    this.sw.log(`bridge ${id} created (${bridge.bridgeType})`);
    return bridge;
  }

  get(id: string): SimBridge | undefined {
    return this.byId.get(id);
  }

  require(id: string): SimBridge {
    const bridge = this.byId.get(id);
    if (!bridge) throw new AriHttpError(404, 'bridge-not-found', 'Bridge not found', { bridgeId: id });
    return bridge;
  }

  list(): SimBridge[] {
    return [...this.byId.values()];
  }

  /**
   * POST /bridges/{id}/addChannel. Checks every channel first (400 "Channel not
   * found", 422 "Channel not in Stasis application"), then joins each through
   * its command queue: like Asterisk, the answer waits for a prompt the channel
   * is still playing.
   */
  async addChannels(bridge: SimBridge, channelIds: readonly string[], options: JoinOptions): Promise<void> {
    const channels = this.controlled(channelIds);
    for (const channel of channels) {
      await this.inQueue(channel, () => this.join(bridge, channel, options));
    }
  }

  /** POST /bridges/{id}/removeChannel: 422 "Channel not in this bridge" unless every channel is in it. */
  async removeChannels(bridge: SimBridge, channelIds: readonly string[]): Promise<void> {
    const channels = this.controlled(channelIds);
    if (channels.some((c) => c.bridgeId !== bridge.id)) {
      throw new AriHttpError(422, 'channel-not-in-bridge', 'Channel not in this bridge', { bridgeId: bridge.id });
    }
    for (const channel of channels) {
      await this.inQueue(channel, () => {
        if (channel.bridgeId === bridge.id) this.detach(channel);
      });
    }
  }

  /** The channel leaves its bridge (ChannelLeftBridge with the members left), and its app stops watching the bridge. */
  detach(channel: SimChannel): void {
    const bridge = channel.bridgeId ? this.byId.get(channel.bridgeId) : undefined;
    channel.bridgeId = null;
    if (bridge) this.leave(bridge, channel, false);
  }

  /** DELETE /bridges/{id}: its channels leave it (they stay in Stasis), then BridgeDestroyed. */
  destroy(bridge: SimBridge): void {
    if (!this.byId.delete(bridge.id)) return;
    this.sw.playbacks.interruptBridge(bridge);
    bridge.control.close();
    bridge.mohClass = null;
    this.sw.recordings.bridgeEnded(bridge);
    // The apps of the members keep watching until BridgeDestroyed has gone out.
    for (const member of [...bridge.members.values()]) {
      member.channel.bridgeId = null;
      this.leave(bridge, member.channel, true);
    }
    this.publish(bridge, 'BridgeDestroyed', {});
    this.sw.hub.forgetBridge(bridge.id);
    this.sw.log(`bridge ${bridge.id} destroyed`);
  }

  /** Who else hears a key pressed on `channel`: the other members, unless it joined with absorbDTMF. */
  dtmfRecipients(channel: SimChannel): SimChannel[] {
    const bridge = channel.bridgeId ? this.byId.get(channel.bridgeId) : undefined;
    const member = bridge?.members.get(channel.id);
    if (!bridge || !member || member.absorbDtmf) return [];
    return [...bridge.members.values()].map((m) => m.channel).filter((c) => c !== channel && !c.gone);
  }

  startMoh(bridge: SimBridge, mohClass: string | undefined): void {
    bridge.mohClass = mohClass || 'default';
  }

  stopMoh(bridge: SimBridge): void {
    if (!bridge.mohClass) throw new AriHttpError(409, 'bridge-not-playing-moh', "Bridge isn't playing music on hold", { bridgeId: bridge.id });
    bridge.mohClass = null;
  }

  publish(bridge: SimBridge, type: string, fields: Record<string, unknown>): void {
    this.sw.hub.publish({ bridgeIds: [bridge.id] }, type, { bridge: bridge.toJson(), ...fields });
  }

  reset(): void {
    for (const bridge of this.byId.values()) bridge.control.close();
    this.byId.clear();
  }

  private join(bridge: SimBridge, channel: SimChannel, options: JoinOptions): void {
    const app = channel.stasisApp;
    if (channel.gone || !app || !this.byId.has(bridge.id) || channel.bridgeId === bridge.id) return;
    if (channel.bridgeId) this.detach(channel);
    this.sw.hub.subscribeBridge(app, bridge.id);
    bridge.members.set(channel.id, {
      channel,
      app,
      absorbDtmf: options.absorbDtmf ?? false,
      mute: options.mute ?? false,
      role: options.role ?? '',
    });
    channel.bridgeId = bridge.id;
    this.publish(bridge, 'ChannelEnteredBridge', { channel: channel.toJson() });
  }

  private controlled(channelIds: readonly string[]): SimChannel[] {
    const ids = channelIds.filter(Boolean);
    if (!ids.length) throw badRequest('Missing parameter channel');
    return ids.map((id) => {
      const channel = this.sw.channels.get(id);
      if (!channel || channel.gone) throw new AriHttpError(400, 'channel-not-found', 'Channel not found', { channelId: id });
      if (!channel.stasisApp) {
        throw new AriHttpError(422, 'channel-not-in-stasis', 'Channel not in Stasis application', { channelId: id });
      }
      return channel;
    });
  }

  /** Runs a bridge change in the channel's command queue; a channel that hangs up meanwhile is simply skipped. */
  private async inQueue(channel: SimChannel, change: () => void): Promise<void> {
    try {
      await channel.control.run(change);
    } catch (err) {
      if (!(err instanceof ControlClosedError)) throw err;
    }
  }

  private leave(bridge: SimBridge, channel: SimChannel, keepSubscription: boolean): void {
    const member = bridge.members.get(channel.id);
    bridge.members.delete(channel.id);
    this.publish(bridge, 'ChannelLeftBridge', { channel: channel.toJson() });
    // The recorder joins with the LONELY flag: it leaves, ending its recording, once it is alone.
    if (bridge.members.size === 0 && !keepSubscription) this.sw.recordings.bridgeEnded(bridge);
    if (member && !keepSubscription) this.sw.hub.unsubscribeBridge(member.app, bridge.id);
  }
}
