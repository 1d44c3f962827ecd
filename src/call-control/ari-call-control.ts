import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { AriConnection } from '../ari/ari-connection.js';
import { AriError } from '../ari/ari-error.js';
import type { AriEvent, Channel, StasisStart } from '../ari/models.js';
import { ValidationError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { AriBridge } from './ari-bridge.js';
import { AriCall, type CallContext } from './ari-call.js';
import type { Bridge, Call, CallControl, OriginateOptions, OriginateResult } from './call-control.js';
import { originateLeg } from './originate-leg.js';
import { TrackedTimers } from './tracked-timers.js';
import { UnwantedLegs } from './unwanted-legs.js';

export interface AriCallControlOptions {
  /** Stasis app our calls are in; default the connection's first app. */
  app?: string;
  /** The switch this connection reaches (`ari.servers` id): every call it makes or adopts carries it. */
  switchId?: string;
  logger?: Logger;
  /** After an originate's ring timeout, how long to wait for Asterisk's final event. Default 5000. */
  originateGraceMs?: number;
  /**
   * How long after its ring time a leg we gave up on (its originate timed out
   * or was cancelled) is still watched for, to be hung up if it shows. Default 60000.
   */
  lateLegMs?: number;
}

/** What is still held (tests prove a finished call leaves nothing behind). */
export interface CallControlResources {
  calls: number;
  originating: number;
  /** Legs given up on, still watched for so they can be hung up if they show. */
  unwanted: number;
  /** Event listeners registered with the connection, including this object's own. */
  eventListeners: number;
  /** Listeners and step watchers attached to live calls. */
  callListeners: number;
  timers: number;
}

/**
 * The call-control interface over ARI (a real Asterisk or the simulated one).
 * Each channel that enters our Stasis app becomes an `AriCall`; channels we
 * originate become calls when answered and are never reported as incoming.
 */
export class AriCallControl implements CallControl {
  readonly app: string;
  private readonly logger: Logger;
  private readonly calls = new Map<string, AriCall>();
  private readonly originating = new Set<string>();
  private readonly incomingHandlers = new Set<(call: Call) => void>();
  private readonly timers = new TrackedTimers();
  private readonly context: CallContext;
  private readonly graceMs: number;
  private readonly lateLegMs: number;
  private readonly unwanted: UnwantedLegs;
  private readonly offs: (() => void)[];
  /** Call controls of other apps on the same switch whose calls may join our bridges (see linkPeer). */
  private readonly peers = new Set<AriCallControl>();

  constructor(private readonly connection: AriConnection, options: AriCallControlOptions = {}) {
    this.app = options.app ?? connection.app;
    if (!connection.apps.includes(this.app)) {
      throw new ValidationError(`app ${this.app} is not one of the connection's apps (${connection.apps.join(', ')})`, {
        app: this.app,
      });
    }
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.graceMs = options.originateGraceMs ?? 5000;
    this.lateLegMs = options.lateLegMs ?? 60_000;
    this.context = {
      client: connection.client,
      events: connection.events,
      app: this.app,
      ...(options.switchId === undefined ? {} : { switchId: options.switchId }),
      timers: this.timers,
      logger: this.logger,
      onEnd: (call) => this.calls.delete(call.id),
    };
    this.unwanted = new UnwantedLegs({
      client: connection.client,
      events: connection.events,
      app: this.app,
      timers: this.timers,
      logger: this.logger,
    });
    this.offs = [
      connection.events.onStasisStart((event) => this.onStasisStart(event), this.app),
      connection.on('ready', () => this.resync()),
    ];
  }

  get ready(): boolean {
    return this.connection.ready;
  }

  onIncomingCall(handler: (call: Call) => void): () => void {
    const entry = (call: Call) => handler(call);
    this.incomingHandlers.add(entry);
    return () => this.incomingHandlers.delete(entry);
  }

  originate(options: OriginateOptions): Promise<OriginateResult> {
    return originateLeg({
      client: this.connection.client,
      events: this.connection.events,
      app: this.app,
      timers: this.timers,
      logger: this.logger,
      originating: this.originating,
      isKnown: (id) => this.calls.has(id),
      adopt: (channel, args) => this.track(channel, args),
      graceMs: this.graceMs,
      ready: () => this.connection.ready,
      unwanted: this.unwanted,
      lateLegMs: this.lateLegMs,
    }, options);
  }

  async createBridge(name?: string): Promise<Bridge> {
    const bridge = await this.connection.client.bridges.createWithId(randomUUID(), { type: ['mixing'], name });
    return new AriBridge(bridge.id, this.connection.client, this.logger, (id) => this.known(id), {
      events: this.connection.events,
      app: this.app,
      onReconnect: (fn) => this.connection.on('ready', fn),
    });
  }

  async storedRecording(name: string): Promise<Buffer | null> {
    try {
      return await this.connection.client.recordings.getStoredFile(name);
    } catch (err) {
      if (err instanceof AriError && err.ariStatus === 404) return null;
      throw err;
    }
  }

  async deleteStoredRecording(name: string): Promise<boolean> {
    try {
      await this.connection.client.recordings.deleteStored(name);
      return true;
    } catch (err) {
      if (err instanceof AriError && err.ariStatus === 404) return false;
      throw err;
    }
  }

  /**
   * Lets the calls of another app this service holds (a dead instance's app,
   * taken over) join the bridges made here as our own do: their prompts are
   * stopped before they join. Returns the unlink.
   */
  linkPeer(peer: AriCallControl): () => void {
    this.peers.add(peer);
    return () => this.peers.delete(peer);
  }

  /** Our call on a channel id, or a linked peer's. */
  private known(channelId: string): AriCall | undefined {
    const own = this.calls.get(channelId);
    if (own) return own;
    for (const peer of this.peers) {
      const call = peer.calls.get(channelId);
      if (call) return call;
    }
    return undefined;
  }

  async hangUpLeg(channelId: string): Promise<boolean> {
    const known = this.calls.get(channelId);
    if (known) {
      const there = !known.gone;
      await known.hangup();
      return there;
    }
    try {
      await this.connection.client.channels.hangup(channelId, 'normal');
      return true;
    } catch (err) {
      if (err instanceof AriError && err.ariStatus === 404) return false;
      throw err;
    }
  }

  async legState(channelId: string): Promise<string | null> {
    // Asked of the switch even for a call of ours: GET /channels/{id} answers for any app's channel.
    try {
      return (await this.connection.client.channels.get(channelId)).state;
    } catch (err) {
      if (err instanceof AriError && err.ariStatus === 404) return null;
      throw err;
    }
  }

  /**
   * Takes a channel back after a restart of this service: Asterisk keeps
   * channels in the app while no client is connected, and their events resume
   * once we are. Null when the channel is gone or is not in our app.
   */
  async adopt(channelId: string): Promise<Call | null> {
    const known = this.calls.get(channelId);
    if (known) return known;
    // Listen before asking, so an end that happens during the request is not missed.
    let endedMeanwhile = false;
    const off = this.connection.events.onChannel(channelId, (event: AriEvent) => {
      if (event.type === 'StasisEnd' || event.type === 'ChannelDestroyed') endedMeanwhile = true;
    }, this.app);
    let channel: Channel;
    try {
      channel = await this.connection.client.channels.get(channelId);
    } catch (err) {
      if (err instanceof AriError && err.ariStatus === 404) return null;
      throw err;
    } finally {
      off();
    }
    if (endedMeanwhile) return null;
    const args = stasisArgs(channel, this.app);
    if (args === null) return null;
    return this.calls.get(channelId) ?? this.track(channel, args);
  }

  resources(): CallControlResources {
    let callListeners = 0;
    for (const call of this.calls.values()) callListeners += call.attached;
    return {
      calls: this.calls.size,
      originating: this.originating.size,
      unwanted: this.unwanted.size,
      eventListeners: this.connection.events.listenerCount,
      callListeners,
      timers: this.timers.active,
    };
  }

  /** Stops listening to the connection (the calls themselves are left to Asterisk). */
  close(): void {
    for (const off of this.offs) off();
    this.unwanted.clear();
    this.timers.clearAll();
  }

  private onStasisStart(event: StasisStart): void {
    const id = event.channel.id;
    // A leg we originated is never a caller, whenever it answers: ours to adopt, or to hang up.
    if (this.calls.has(id) || this.originating.has(id) || this.unwanted.has(id)) return;
    const call = this.track(event.channel, event.args ?? []);
    call.logger.info({ dialled: call.dialled }, 'incoming call');
    if (this.incomingHandlers.size === 0) {
      // Nothing would ever answer it: better a clear congestion signal than silence.
      call.logger.error('incoming call but no handler registered; hanging up');
      call.hangup('congestion').catch((err: unknown) => call.logger.warn({ err }, 'hang-up failed'));
      return;
    }
    for (const handler of [...this.incomingHandlers]) {
      try {
        handler(call);
      } catch (err) {
        call.logger.error({ err }, 'incoming call handler threw');
      }
    }
  }

  private track(channel: Channel, args: readonly string[]): AriCall {
    const call = new AriCall(this.context, channel, args);
    this.calls.set(call.id, call);
    return call;
  }

  /** After a reconnect, calls whose end we missed are closed, and steps re-check their state. */
  private resync(): void {
    for (const call of [...this.calls.values()]) {
      call.resync().catch((err: unknown) => call.logger.warn({ err }, 'resync failed'));
    }
  }
}

/**
 * Stasis args of a channel snapshot: Asterisk shows the running application
 * as `app_name: "Stasis"`, `app_data: "ivr,10000"`. Null when the channel is
 * in another application or another Stasis app; [] when the snapshot says nothing.
 */
function stasisArgs(channel: Channel, app: string): string[] | null {
  const { app_name: appName, app_data: appData } = channel.dialplan ?? {};
  if (appName === undefined || appName === '') return [];
  if (appName.toLowerCase() !== 'stasis') return null;
  const [name, ...args] = (appData ?? '').split(',');
  if (name !== undefined && name !== '' && name !== app) return null;
  return args;
}
