import type { AriClient } from '../ari/ari-client.js';
import { AriError } from '../ari/ari-error.js';
import type { AriEvents } from '../ari/ari-events.js';
import { isChannelGone } from '../ari/is-channel-gone.js';
import type { AriEvent, Channel, PlaybackContinuing, PlaybackFinished, PlaybackStarted } from '../ari/models.js';
import { AppError } from '../errors.js';
import { callLogger, type Logger } from '../log/logger.js';
import type { Call, CallEvent, CollectOptions, CollectResult, PlayOptions, PlayResult } from './call-control.js';
import { ChannelQueueGuard } from './channel-queue-guard.js';
import { collectDigits } from './collect-digits.js';
import { playMedia } from './play-media.js';
import type { TrackedTimers } from './tracked-timers.js';

export type PlaybackEvent = PlaybackStarted | PlaybackContinuing | PlaybackFinished;

/** What a step in progress (play, collect) wants to hear about. */
export interface CallWatcher {
  key?(digit: string): void;
  gone?(): void;
  playback?(event: PlaybackEvent): void;
  /** The events connection came back: check what may have been missed meanwhile. */
  resync?(): void;
}

/** The parts of a call that its steps (play, collect) work with. */
export interface CallInternals {
  readonly id: string;
  readonly gone: boolean;
  readonly client: AriClient;
  readonly timers: TrackedTimers;
  readonly logger: Logger;
  peekKey(): string | undefined;
  takeKey(): string | undefined;
  watch(watcher: CallWatcher): () => void;
  /** A prompt asked for on this channel; the returned function says it is over. */
  trackPlayback(playbackId: string, request: Promise<unknown>): () => void;
}

export interface CallContext {
  client: AriClient;
  events: AriEvents;
  app: string;
  /** The switch the channel is on (`ari.servers` id); unset with one switch. */
  switchId?: string;
  timers: TrackedTimers;
  logger: Logger;
  /** Called once when the call has ended, after its listeners are removed. */
  onEnd(call: AriCall): void;
}

/** Keys kept for a call that nobody reads: enough for any menu, bounded against a stuck key. */
const MAX_BUFFERED_KEYS = 64;

/**
 * One channel in our Stasis app, seen as a call. It takes keys from events of
 * its own channel id only: while a caller is bridged with an agent, Asterisk
 * reports the caller's key on the caller's channel and again on the agent's,
 * so anything that gathered keys per bridge or per pair would count it twice.
 *
 * Asterisk ends a call for us with ChannelHangupRequest (the caller is going:
 * `gone`), then StasisEnd (it left the app: `ended`). The app that only holds
 * the second half of a Local channel never sees ChannelDestroyed, so StasisEnd
 * is the end; ChannelDestroyed counts too when it comes first.
 */
export class AriCall implements Call, CallInternals {
  readonly id: string;
  readonly callerNumber: string;
  readonly callerName: string;
  readonly dialled: string;
  readonly switchId: string | undefined;
  readonly args: readonly string[];
  readonly ended: Promise<void>;
  readonly logger: Logger;

  private isGone = false;
  private isEnded = false;
  private resolveEnded!: () => void;
  private readonly keys: string[] = [];
  private readonly watchers = new Set<CallWatcher>();
  private readonly listeners = new Set<(event: CallEvent) => void>();
  private readonly offChannel: () => void;
  private playing = false;
  private collecting = false;
  /** In a bridge, as Asterisk last told us (ChannelEnteredBridge / ChannelLeftBridge). */
  private bridged = false;
  private readonly queueGuard: ChannelQueueGuard;

  constructor(private readonly ctx: CallContext, channel: Channel, args: readonly string[]) {
    this.id = channel.id;
    this.callerNumber = channel.caller?.number ?? '';
    this.callerName = channel.caller?.name ?? '';
    this.args = Object.freeze([...args]);
    this.dialled = args[0] ?? '';
    this.switchId = ctx.switchId;
    this.logger = callLogger(ctx.logger, this.id, this.callerNumber);
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.queueGuard = new ChannelQueueGuard({
      channelId: this.id,
      client: ctx.client,
      logger: this.logger,
      isGone: () => this.isGone,
      send: (request) => this.guard(request, undefined),
    });
    this.offChannel = ctx.events.onChannel(this.id, (event) => this.handle(event), ctx.app);
  }

  get gone(): boolean {
    return this.isGone;
  }

  get client(): AriClient {
    return this.ctx.client;
  }

  get timers(): TrackedTimers {
    return this.ctx.timers;
  }

  async answer(): Promise<void> {
    await this.guard(() => this.ctx.client.channels.answer(this.id), undefined);
  }

  async play(media: readonly string[], options: PlayOptions = {}): Promise<PlayResult> {
    if (this.playing) throw busy(this.id, 'a prompt is already playing');
    if (this.queueGuard.joining) {
      // About to talk to someone: a prompt now would only hold the bridge join up.
      this.logger.debug({ media }, 'prompt skipped: the call is joining a bridge');
      return { kind: 'finished' };
    }
    this.playing = true;
    try {
      if (this.queueGuard.pending > 0 || this.queueGuard.flushing) {
        await this.queueGuard.beforePlay();
        // A bridge join may have begun while the variables were sent.
        if (this.queueGuard.joining) return { kind: 'finished' };
      }
      return await playMedia(this, media, options);
    } finally {
      this.playing = false;
    }
  }

  async collect(options: CollectOptions): Promise<CollectResult> {
    if (this.collecting) throw busy(this.id, 'keys are already being collected');
    this.collecting = true;
    try {
      return await collectDigits(this, options);
    } finally {
      this.collecting = false;
    }
  }

  clearKeys(): void {
    this.keys.length = 0;
  }

  /** Not while joining or in a bridge: the caller would hear music instead of the other party. */
  async startMoh(mohClass?: string): Promise<void> {
    if (this.queueGuard.joining || this.bridged) {
      this.logger.debug('music on hold not started: the call is in a bridge');
      return;
    }
    await this.guard(() => this.ctx.client.channels.startMoh(this.id, mohClass), undefined);
  }

  async stopMoh(): Promise<void> {
    await this.guard(() => this.ctx.client.channels.stopMoh(this.id), undefined);
  }

  /** Set at once, or, while one of our prompts plays, as soon as the prompt is over (see ChannelQueueGuard). */
  async setVar(name: string, value: string): Promise<void> {
    await this.queueGuard.setVar(name, value);
  }

  async getVar(name: string): Promise<string | null> {
    try {
      return await this.guard(() => this.ctx.client.channels.getVariable(this.id, name), null);
    } catch (err) {
      // 404 "Provided variable was not found": unset, which is an answer, not a failure.
      if (err instanceof AriError && err.ariStatus === 404) return null;
      throw err;
    }
  }

  async hangup(reason: 'normal' | 'busy' | 'congestion' | 'no_answer' = 'normal'): Promise<void> {
    await this.guard(() => this.ctx.client.channels.hangup(this.id, reason), undefined);
  }

  on(listener: (event: CallEvent) => void): () => void {
    if (this.isEnded) return () => {};
    // Wrapped so that one function added twice is removed one registration at a time.
    const entry = (event: CallEvent) => listener(event);
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  peekKey(): string | undefined {
    return this.keys[0];
  }

  takeKey(): string | undefined {
    return this.keys.shift();
  }

  watch(watcher: CallWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  trackPlayback(playbackId: string, request: Promise<unknown>): () => void {
    return this.queueGuard.track(playbackId, request);
  }

  /**
   * Before a bridge adds this channel: stops our prompts and holds new ones off
   * until the returned function is called. Every bridge join goes through here.
   */
  prepareToJoin(): Promise<() => void> {
    return this.queueGuard.prepareToJoin();
  }

  /** Told by our bridge at once (in, or on its way out), ahead of Asterisk's events. */
  setBridged(bridged: boolean): void {
    this.bridged = bridged;
  }

  /** Listeners and watchers still attached (0 once ended). */
  get attached(): number {
    return this.listeners.size + this.watchers.size + (this.isEnded ? 0 : 1);
  }

  /**
   * After the events connection came back: events may have been lost while it was
   * down. A channel Asterisk no longer knows has ended; steps re-check their playbacks.
   */
  async resync(): Promise<void> {
    if (this.isEnded) return;
    try {
      await this.ctx.client.channels.get(this.id);
    } catch (err) {
      if (err instanceof AriError && err.ariStatus === 404) {
        this.end(null);
        return;
      }
      this.logger.warn({ err }, 'could not check the call after reconnecting');
      return;
    }
    for (const watcher of [...this.watchers]) watcher.resync?.();
  }

  private handle(event: AriEvent): void {
    switch (event.type) {
      case 'ChannelDtmfReceived':
        if (event.channel.id === this.id && !this.isGone) this.onKey(event.digit);
        return;
      case 'ChannelHangupRequest':
        this.markGone(event.cause ?? null);
        return;
      case 'StasisEnd':
        this.end(null);
        return;
      case 'ChannelDestroyed':
        this.end(event.cause ?? null);
        return;
      case 'PlaybackStarted':
      case 'PlaybackContinuing':
      case 'PlaybackFinished':
        for (const watcher of [...this.watchers]) watcher.playback?.(event);
        return;
      case 'ChannelEnteredBridge':
        this.bridged = true;
        return;
      case 'ChannelLeftBridge':
        this.bridged = false;
        return;
      case 'ChannelVarset':
        if (event.channel?.id === this.id && !this.isGone) this.emit({ type: 'var', name: event.variable, value: event.value });
        return;
      default:
        return;
    }
  }

  private onKey(digit: string): void {
    this.keys.push(digit);
    if (this.keys.length > MAX_BUFFERED_KEYS) this.keys.shift();
    this.emit({ type: 'key', digit });
    for (const watcher of [...this.watchers]) watcher.key?.(digit);
  }

  private markGone(cause: number | null): void {
    if (this.isGone) return;
    this.isGone = true;
    this.emit({ type: 'hangup', cause });
    for (const watcher of [...this.watchers]) watcher.gone?.();
  }

  private end(cause: number | null): void {
    if (this.isEnded) return;
    this.markGone(cause);
    this.isEnded = true;
    this.offChannel();
    this.emit({ type: 'end' });
    this.listeners.clear();
    this.watchers.clear();
    this.keys.length = 0;
    this.queueGuard.clear();
    this.resolveEnded();
    this.ctx.onEnd(this);
  }

  /**
   * Runs a request on the channel; on a gone call it does nothing and returns
   * `fallback`. A request that finds the channel gone marks the call gone (and
   * ended when Asterisk no longer knows the channel, in case StasisEnd was lost).
   */
  private async guard<T>(request: () => Promise<T>, fallback: T): Promise<T> {
    if (this.isGone) return fallback;
    try {
      return await request();
    } catch (err) {
      if (!isChannelGone(err)) throw err;
      this.logger.debug({ path: (err as AriError).path }, 'channel gone during request');
      if ((err as AriError).ariStatus === 404) this.end(null);
      else this.markGone(null);
      return fallback;
    }
  }

  private emit(event: CallEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err, event: event.type }, 'call event listener threw');
      }
    }
  }
}

function busy(callId: string, what: string): AppError {
  return new AppError(409, 'call-busy', `call ${callId}: ${what}`, { callId });
}
