import type { Bridge } from '../ari/models.js';
import { ariTimestamp } from './ari-time.js';
import { ControlQueue } from './control-queue.js';
import type { SimChannel } from './sim-channel.js';

export interface BridgeMember {
  channel: SimChannel;
  /** The app that held the channel when it joined: it is subscribed to the bridge while the channel is in it. */
  app: string;
  absorbDtmf: boolean;
  mute: boolean;
  role: string;
}

/** A Stasis bridge (created over ARI): its members, its music on hold and its own playback queue. */
export class SimBridge {
  readonly creationtime = ariTimestamp();
  readonly members = new Map<string, BridgeMember>();
  /** Plays to the whole bridge (Asterisk uses an announcer channel for it). */
  readonly control = new ControlQueue();
  mohClass: string | null = null;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly bridgeType: 'mixing' | 'holding',
  ) {}

  /**
   * The bridging technology Asterisk picks: a two-party mixing bridge runs as
   * simple_bridge and becomes softmix from the third member on.
   */
  get technology(): string {
    if (this.bridgeType === 'holding') return 'holding_bridge';
    return this.members.size > 2 ? 'softmix' : 'simple_bridge';
  }

  toJson(): Bridge {
    return {
      id: this.id,
      technology: this.technology,
      bridge_type: this.bridgeType,
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: this.name,
      channels: [...this.members.keys()],
      creationtime: this.creationtime,
      video_mode: this.bridgeType === 'mixing' ? 'talker' : 'none',
    };
  }
}
