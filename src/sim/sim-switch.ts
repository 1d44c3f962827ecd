import type { AgentBehaviour } from './agent-behaviour.js';
import { BridgeRegistry } from './bridges.js';
import { ChannelRegistry } from './channels.js';
import { Dialplan } from './dialplan.js';
import { EndpointDirectory } from './endpoints.js';
import { EventsHub } from './events-hub.js';
import { Originator } from './originate.js';
import { PlaybackEngine } from './playbacks.js';
import { RecordingEngine } from './recordings.js';
import { SimClock } from './sim-clock.js';
import { SoundLibrary } from './sounds.js';

/** Options of the switch itself (the HTTP side has its own). */
export interface SwitchSettings {
  speed: number;
  soundsDir: string | null;
  defaultPlaybackMs: number;
  defaultAgent: AgentBehaviour;
  asteriskId: string;
  dialplanApp: string;
  /** Where stored recordings are written (Asterisk's astspooldir/recording). */
  recordingsDir: string;
  log: (line: string) => void;
}

/**
 * The simulated Asterisk core: channels, bridges, playbacks, the dialplan, the
 * agent phones and the Stasis apps, wired to one another. The ARI routes call
 * into it; it publishes events through the hub.
 */
export class SimSwitch {
  readonly clock: SimClock;
  readonly hub: EventsHub;
  readonly sounds: SoundLibrary;
  readonly channels: ChannelRegistry;
  readonly bridges: BridgeRegistry;
  readonly playbacks: PlaybackEngine;
  readonly recordings: RecordingEngine;
  readonly endpoints: EndpointDirectory;
  readonly dialplan: Dialplan;
  readonly originator: Originator;
  readonly log: (line: string) => void;
  startedAt = new Date();

  constructor(readonly settings: SwitchSettings) {
    this.log = settings.log;
    this.clock = new SimClock(settings.speed);
    this.hub = new EventsHub(settings.asteriskId, settings.log);
    this.sounds = new SoundLibrary(settings.soundsDir, settings.defaultPlaybackMs);
    this.channels = new ChannelRegistry(this);
    this.bridges = new BridgeRegistry(this);
    this.playbacks = new PlaybackEngine(this);
    this.recordings = new RecordingEngine(this, settings.recordingsDir);
    this.endpoints = new EndpointDirectory(this, settings.defaultAgent);
    this.dialplan = new Dialplan(this, settings.dialplanApp);
    this.originator = new Originator(this);
  }

  /** Channel ids hearing music on hold: their own, or their bridge's. */
  mohChannels(): string[] {
    const ids = new Set<string>();
    for (const channel of this.channels.list()) if (channel.moh && !channel.gone) ids.add(channel.id);
    for (const bridge of this.bridges.list()) {
      if (bridge.mohClass) for (const id of bridge.members.keys()) ids.add(id);
    }
    return [...ids];
  }

  /** Like an Asterisk restart: every call, bridge, playback and app is gone, without events. */
  reset(): void {
    this.hub.reset();
    this.clock.cancelAll();
    this.playbacks.reset();
    this.recordings.reset();
    this.channels.reset();
    this.bridges.reset();
    this.startedAt = new Date();
  }
}
