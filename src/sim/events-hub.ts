import { WebSocket } from 'ws';
import type { Application } from '../ari/models.js';
import { ariTimestamp } from './ari-time.js';

/** What an event is about: the channels, bridges and endpoints whose watchers receive it. */
export interface EventTopics {
  channelIds?: readonly string[];
  bridgeIds?: readonly string[];
  /** `PJSIP/1001`: apps subscribed to that endpoint (or to all PJSIP endpoints) see it. */
  endpoints?: readonly string[];
}

/** A Stasis application as res_stasis keeps it: its WebSocket and what it is subscribed to. */
interface StasisApp {
  readonly name: string;
  socket: WebSocket | null;
  subscribeAll: boolean;
  /** Subscriptions are counted: entering Stasis, originating and REST each add one. */
  readonly channels: Map<string, number>;
  readonly bridges: Map<string, number>;
  /** `PJSIP/1001`, or `PJSIP` for every endpoint of the technology. */
  readonly endpoints: Set<string>;
  allChannels: boolean;
  allBridges: boolean;
}

/**
 * The events side of ARI: Stasis apps, their WebSockets and subscriptions, and
 * the delivery of events to every app watching what an event is about, one copy
 * per app (each with its own `application`).
 *
 * Asterisk behaviour kept here:
 * - a second WebSocket for an app takes it over; the first one receives
 *   ApplicationReplaced and nothing more for that app;
 * - an app whose WebSocket is gone is inactive: it gets no events and Stasis()
 *   into it fails, but its channels stay in it and it stays listed while it is
 *   subscribed to something; the next WebSocket for that name takes them back.
 */
export class EventsHub {
  private readonly apps = new Map<string, StasisApp>();
  private readonly sockets = new Set<WebSocket>();

  constructor(
    private readonly asteriskId: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Registers the apps of a new events WebSocket (GET /ari/events?app=...). */
  attach(socket: WebSocket, appNames: readonly string[], subscribeAll: boolean): void {
    this.sockets.add(socket);
    for (const name of appNames) {
      const app = this.apps.get(name) ?? this.create(name);
      if (app.socket && app.socket !== socket) {
        this.send(app.socket, this.message('ApplicationReplaced', {}, name));
        this.log(`app ${name} taken over by a new WebSocket`);
      }
      app.socket = socket;
      app.subscribeAll = subscribeAll;
    }
    socket.on('close', () => this.detach(socket));
    socket.on('error', (err) => this.log(`events WebSocket error: ${err.message}`));
  }

  /** True when `app` has a WebSocket: Stasis() into it can succeed. */
  isActive(app: string): boolean {
    const socket = this.apps.get(app)?.socket;
    return !!socket && socket.readyState === WebSocket.OPEN;
  }

  exists(app: string): boolean {
    return this.apps.has(app);
  }

  subscribeChannel(app: string, channelId: string): void {
    const state = this.apps.get(app);
    if (state) state.channels.set(channelId, (state.channels.get(channelId) ?? 0) + 1);
  }

  /** Drops one subscription; false when there was none. */
  unsubscribeChannel(app: string, channelId: string): boolean {
    const state = this.apps.get(app);
    return state ? this.decrement(state, state.channels, channelId) : false;
  }

  subscribeBridge(app: string, bridgeId: string): void {
    const state = this.apps.get(app);
    if (state) state.bridges.set(bridgeId, (state.bridges.get(bridgeId) ?? 0) + 1);
  }

  unsubscribeBridge(app: string, bridgeId: string): boolean {
    const state = this.apps.get(app);
    return state ? this.decrement(state, state.bridges, bridgeId) : false;
  }

  /** `channel:`/`bridge:` without an id subscribe to every channel or bridge. */
  subscribeAllOf(app: string, kind: 'channel' | 'bridge', on: boolean): boolean {
    const state = this.apps.get(app);
    if (!state) return false;
    const before = kind === 'channel' ? state.allChannels : state.allBridges;
    if (kind === 'channel') state.allChannels = on;
    else state.allBridges = on;
    if (!on) this.cleanup(state);
    return before;
  }

  subscribeEndpoint(app: string, key: string): void {
    this.apps.get(app)?.endpoints.add(key);
  }

  unsubscribeEndpoint(app: string, key: string): boolean {
    const state = this.apps.get(app);
    if (!state || !state.endpoints.delete(key)) return false;
    this.cleanup(state);
    return true;
  }

  /** Publishes an event to every app watching one of its topics. */
  publish(topics: EventTopics, type: string, fields: Record<string, unknown>): void {
    for (const app of this.apps.values()) {
      if (app.socket && this.watches(app, topics)) this.send(app.socket, this.message(type, fields, app.name));
    }
  }

  /** Sends an event to one app only (StasisStart and StasisEnd go to the app the channel enters or leaves). */
  sendTo(appName: string, type: string, fields: Record<string, unknown>): void {
    const app = this.apps.get(appName);
    if (app?.socket) this.send(app.socket, this.message(type, fields, app.name));
  }

  /**
   * Pushes a raw event (test control): to the app named in its `application`,
   * or to every active app. Adds `timestamp` and `asterisk_id` when missing.
   */
  pushRaw(event: Record<string, unknown>): number {
    const target = typeof event.application === 'string' ? event.application : null;
    let delivered = 0;
    for (const app of this.apps.values()) {
      if (!app.socket || (target !== null && app.name !== target)) continue;
      const message = { timestamp: ariTimestamp(), asterisk_id: this.asteriskId, ...event, application: app.name };
      this.send(app.socket, message);
      delivered += 1;
    }
    return delivered;
  }

  /** A channel is gone: no app stays subscribed to it. */
  forgetChannel(channelId: string): void {
    for (const app of this.apps.values()) {
      if (app.channels.delete(channelId)) this.cleanup(app);
    }
  }

  forgetBridge(bridgeId: string): void {
    for (const app of this.apps.values()) {
      if (app.bridges.delete(bridgeId)) this.cleanup(app);
    }
  }

  application(name: string): Application | null {
    const app = this.apps.get(name);
    return app ? toApplication(app) : null;
  }

  applications(): Application[] {
    return [...this.apps.values()].map(toApplication);
  }

  /** Closes every events WebSocket abruptly, as a network failure would. */
  dropSockets(): void {
    for (const socket of [...this.sockets]) socket.terminate();
  }

  /** Asterisk restarted: sockets closed, no app registered any more. */
  reset(): void {
    this.dropSockets();
    this.apps.clear();
  }

  private create(name: string): StasisApp {
    const app: StasisApp = {
      name,
      socket: null,
      subscribeAll: false,
      channels: new Map(),
      bridges: new Map(),
      endpoints: new Set(),
      allChannels: false,
      allBridges: false,
    };
    this.apps.set(name, app);
    return app;
  }

  private detach(socket: WebSocket): void {
    this.sockets.delete(socket);
    for (const app of [...this.apps.values()]) {
      if (app.socket !== socket) continue;
      app.socket = null;
      this.log(`app ${app.name} is inactive: its WebSocket closed`);
      this.cleanup(app);
    }
  }

  private watches(app: StasisApp, topics: EventTopics): boolean {
    if (app.subscribeAll) return true;
    const channels = topics.channelIds ?? [];
    const bridges = topics.bridgeIds ?? [];
    if (channels.length && app.allChannels) return true;
    if (bridges.length && app.allBridges) return true;
    if (channels.some((id) => app.channels.has(id))) return true;
    if (bridges.some((id) => app.bridges.has(id))) return true;
    return (topics.endpoints ?? []).some((key) => app.endpoints.has(key) || app.endpoints.has(key.split('/')[0] ?? key));
  }

  private decrement(app: StasisApp, counts: Map<string, number>, id: string): boolean {
    const count = counts.get(id);
    if (!count) return false;
    if (count > 1) counts.set(id, count - 1);
    else counts.delete(id);
    this.cleanup(app);
    return true;
  }

  /** res_stasis forgets an inactive app once it watches nothing. */
  private cleanup(app: StasisApp): void {
    const idle = !app.channels.size && !app.bridges.size && !app.endpoints.size && !app.allChannels && !app.allBridges;
    if (!app.socket && idle) this.apps.delete(app.name);
  }

  private message(type: string, fields: Record<string, unknown>, application: string): Record<string, unknown> {
    return { type, timestamp: ariTimestamp(), ...fields, asterisk_id: this.asteriskId, application };
  }

  private send(socket: WebSocket, message: Record<string, unknown>): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }
}

function toApplication(app: StasisApp): Application {
  return {
    name: app.name,
    channel_ids: [...app.channels.keys()],
    bridge_ids: [...app.bridges.keys()],
    endpoint_ids: [...app.endpoints],
    device_names: [],
    events_allowed: [],
    events_disallowed: [],
  };
}
