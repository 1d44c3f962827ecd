import type { Logger } from '../log/logger.js';
import type { AriEvent, StasisStart } from './models.js';

export type AriEventListener<E extends AriEvent = AriEvent> = (event: E) => void;

/**
 * Routes ARI events to whoever cares about one channel or bridge, so the work
 * per event is a map lookup however many calls are up.
 *
 * Events are routed per Stasis app: one WebSocket subscribed to several apps
 * receives one copy of an event per app watching the channel, and a listener
 * registered for app `ivr` sees only the copies addressed to `ivr`.
 *
 * Which ids an event is routed to:
 * - its `channel` (StasisStart, ChannelDtmfReceived, ChannelHangupRequest...);
 * - both `peer` and `caller` of a Dial;
 * - the target of a Playback event (`target_uri` "channel:<id>" or "bridge:<id>");
 * - the bridge a Recording event's `target_uri` names ("bridge:<id>");
 * - its `bridge` (BridgeDestroyed, ChannelEnteredBridge/LeftBridge also go to the channel).
 */
export class AriEvents {
  private readonly channels = new Map<string, Map<string, Set<AriEventListener>>>();
  private readonly bridges = new Map<string, Map<string, Set<AriEventListener>>>();
  private readonly stasisStart = new Map<string, Set<AriEventListener<StasisStart>>>();
  private readonly any = new Set<AriEventListener>();
  private count = 0;

  constructor(
    /** App used when a listener names none. */
    readonly defaultApp: string,
    private readonly logger?: Logger,
  ) {}

  /** Events about one channel; returns the function that removes the listener. */
  onChannel(channelId: string, listener: AriEventListener, app = this.defaultApp): () => void {
    return this.add(this.channels, app, channelId, listener);
  }

  /** Events about one bridge (BridgeDestroyed, bridge playbacks, channels entering/leaving). */
  onBridge(bridgeId: string, listener: AriEventListener, app = this.defaultApp): () => void {
    return this.add(this.bridges, app, bridgeId, listener);
  }

  /** Every StasisStart of `app`: new calls, and channels we originated being answered. */
  onStasisStart(listener: AriEventListener<StasisStart>, app = this.defaultApp): () => void {
    let set = this.stasisStart.get(app);
    if (!set) this.stasisStart.set(app, (set = new Set()));
    return this.track(set as Set<AriEventListener>, listener as AriEventListener, () => {
      if (set.size === 0) this.stasisStart.delete(app);
    });
  }

  /** Every event of every app (logging, metrics). */
  onAny(listener: AriEventListener): () => void {
    return this.track(this.any, listener, () => {});
  }

  /** Listeners currently registered (tests check that a finished call leaves none). */
  get listenerCount(): number {
    return this.count;
  }

  dispatch(event: AriEvent): void {
    const app = event.application ?? this.defaultApp;
    for (const listener of [...this.any]) this.call(listener, event);
    const byChannel = this.channels.get(app);
    if (byChannel) for (const id of channelIdsOf(event)) this.deliver(byChannel.get(id), event);
    const byBridge = this.bridges.get(app);
    if (byBridge) for (const id of bridgeIdsOf(event)) this.deliver(byBridge.get(id), event);
    if (event.type === 'StasisStart') {
      const set = this.stasisStart.get(app);
      if (set) for (const listener of [...set]) this.call(listener as AriEventListener, event);
    }
  }

  private add(
    index: Map<string, Map<string, Set<AriEventListener>>>,
    app: string,
    id: string,
    listener: AriEventListener,
  ): () => void {
    let byId = index.get(app);
    if (!byId) index.set(app, (byId = new Map()));
    let set = byId.get(id);
    if (!set) byId.set(id, (set = new Set()));
    const owner = byId;
    return this.track(set, listener, () => {
      if (set.size === 0) owner.delete(id);
      if (owner.size === 0) index.delete(app);
    });
  }

  private track(set: Set<AriEventListener>, listener: AriEventListener, onEmpty: () => void): () => void {
    // Wrap so the same function registered twice is two registrations, each removed once.
    const entry: AriEventListener = (event) => listener(event);
    set.add(entry);
    this.count += 1;
    return () => {
      if (!set.delete(entry)) return;
      this.count -= 1;
      if (set.size === 0) onEmpty();
    };
  }

  private deliver(set: Set<AriEventListener> | undefined, event: AriEvent): void {
    if (!set) return;
    // Copy: a listener may remove itself (or others) while we iterate.
    for (const listener of [...set]) this.call(listener, event);
  }

  private call(listener: AriEventListener, event: AriEvent): void {
    try {
      listener(event);
    } catch (err) {
      this.logger?.error({ err, eventType: event.type }, 'ARI event listener threw');
    }
  }
}

/** Defensive: Asterisk sends event types this service does not model, with or without a channel. */
function channelIdsOf(event: AriEvent): string[] {
  switch (event.type) {
    case 'Dial':
      return [event.peer?.id, event.caller?.id].filter((id): id is string => typeof id === 'string');
    case 'PlaybackStarted':
    case 'PlaybackContinuing':
    case 'PlaybackFinished':
      return targetIds(event.playback.target_uri, 'channel:');
    default: {
      const id = (event as { channel?: { id?: unknown } }).channel?.id;
      return typeof id === 'string' ? [id] : [];
    }
  }
}

function bridgeIdsOf(event: AriEvent): string[] {
  switch (event.type) {
    case 'BridgeCreated':
    case 'BridgeDestroyed':
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge':
      return typeof event.bridge?.id === 'string' ? [event.bridge.id] : [];
    case 'PlaybackStarted':
    case 'PlaybackContinuing':
    case 'PlaybackFinished':
      return targetIds(event.playback.target_uri, 'bridge:');
    case 'RecordingStarted':
    case 'RecordingFinished':
    case 'RecordingFailed':
      return targetIds(event.recording?.target_uri, 'bridge:');
    default:
      return [];
  }
}

function targetIds(targetUri: string | undefined, prefix: string): string[] {
  return targetUri?.startsWith(prefix) ? [targetUri.slice(prefix.length)] : [];
}
