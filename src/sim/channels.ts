import type { ChannelState, DialplanCEP } from '../ari/models.js';
import { AriHttpError, channelNotFound, channelNotInStasis, badRequest } from './ari-http-error.js';
import { causeText, SOFT_HANGUP_EXPLICIT } from './hangup-causes.js';
import { SimChannel, type ChannelInit, type StasisExit } from './sim-channel.js';
import type { SimSwitch } from './sim-switch.js';

/** How a hang-up was asked for, which decides its ChannelHangupRequest. */
export type HangupRequest =
  /** DELETE /channels/{id} or Hangup(): `{cause: 32, soft: true}`. */
  | 'soft'
  /** The far end hung up (BYE, the other half of a Local channel): `{cause}`. */
  | 'remote'
  /** Torn down without a request (a dial that timed out): no ChannelHangupRequest. */
  | 'none';

/** Uniqueids look like `1795308307.1`: Asterisk's start time, then a counter. */
function startEpoch(after = 0): number {
  return Math.max(Math.floor(Date.now() / 1000), after + 1);
}

/**
 * Every live channel of the switch and what happens to a channel: state changes,
 * dialplan steps, variables, entering and leaving Stasis, DTMF, hang-up. Each of
 * these publishes the event Asterisk publishes for it.
 */
export class ChannelRegistry {
  private readonly byId = new Map<string, SimChannel>();
  private readonly nameCounters = new Map<string, number>();
  private epoch = startEpoch();
  private counter = 0;

  constructor(private readonly sw: SimSwitch) {}

  newId(): string {
    return `${this.epoch}.${this.counter++}`;
  }

  /** `PJSIP/1001-0000000a`: each channel technology numbers its channels in hex. */
  newName(technology: string, resource: string): string {
    const n = this.nameCounters.get(technology) ?? 0;
    this.nameCounters.set(technology, n + 1);
    return `${technology}/${resource}-${n.toString(16).padStart(8, '0')}`;
  }

  /** Registers a new channel; 409 when the id is taken (ids chosen by the client). */
  create(init: ChannelInit): SimChannel {
    if (this.byId.has(init.id)) {
      throw new AriHttpError(409, 'channel-id-exists', 'Channel with given unique ID already exists', { channelId: init.id });
    }
    const channel = new SimChannel(init);
    this.byId.set(channel.id, channel);
    return channel;
  }

  get(id: string): SimChannel | undefined {
    return this.byId.get(id);
  }

  list(): SimChannel[] {
    return [...this.byId.values()];
  }

  require(id: string): SimChannel {
    const channel = this.byId.get(id);
    if (!channel || channel.gone) throw channelNotFound(id);
    return channel;
  }

  /** A channel an ARI client may control: it exists and is in a Stasis app (404, then 409). */
  requireInStasis(id: string): SimChannel {
    const channel = this.require(id);
    if (!channel.stasisApp) throw channelNotInStasis(id);
    return channel;
  }

  /**
   * A channel that may be answered, played to or sent DTMF: in Stasis and not an
   * unanswered outbound channel (Down, Rsrved, Ringing → 412).
   */
  requireUsable(id: string): SimChannel {
    const channel = this.requireInStasis(id);
    if (channel.state === 'Down' || channel.state === 'Rsrved' || channel.state === 'Ringing') {
      throw new AriHttpError(412, 'channel-invalid-state', 'Channel in invalid state', { channelId: id, state: channel.state });
    }
    return channel;
  }

  /** Publishes a channel event to the apps watching the channel (or its endpoint). */
  publish(channel: SimChannel, type: string, fields: Record<string, unknown> = {}): void {
    const endpoints = channel.endpoint ? [`${channel.endpoint.technology}/${channel.endpoint.resource}`] : [];
    this.sw.hub.publish({ channelIds: [channel.id], endpoints }, type, { ...fields, channel: channel.toJson() });
  }

  setState(channel: SimChannel, state: ChannelState): void {
    if (channel.gone || channel.state === state) return;
    channel.state = state;
    this.publish(channel, 'ChannelStateChange');
  }

  /**
   * Moves the channel to a dialplan location about to run `app(data)`.
   * ChannelDialplan is published only when context/exten/priority change, as
   * res_stasis does (not for the first priority a channel is created at).
   */
  setLocation(channel: SimChannel, location: Omit<DialplanCEP, 'app_name' | 'app_data'>, app: string, data: string): void {
    const moved = channel.dialplan.context !== location.context
      || channel.dialplan.exten !== location.exten
      || channel.dialplan.priority !== location.priority;
    channel.dialplan = { ...location, app_name: app, app_data: data };
    if (moved && !channel.gone) this.publish(channel, 'ChannelDialplan', { dialplan_app: app, dialplan_app_data: data });
  }

  /** Sets a variable (ChannelVarset) or writes a dialplan function (no event). */
  setVariable(channel: SimChannel, name: string, value: string): void {
    const fn = /^([A-Z_]+)\((.*)\)$/i.exec(name);
    if (fn) {
      this.writeFunction(channel, (fn[1] ?? '').toUpperCase(), (fn[2] ?? '').toLowerCase(), value);
      return;
    }
    channel.variables.set(name.replace(/^_{1,2}/, ''), value);
    if (!channel.gone) this.publish(channel, 'ChannelVarset', { variable: name, value });
  }

  /** GET /channels/{id}/variable: a variable, a few built-ins, CALLERID() and CHANNEL(); null when unset. */
  readVariable(channel: SimChannel, name: string): string | null {
    const fn = /^([A-Z_]+)\((.*)\)$/i.exec(name);
    if (fn) return this.readFunction(channel, (fn[1] ?? '').toUpperCase(), (fn[2] ?? '').toLowerCase());
    const own = channel.variables.get(name);
    if (own !== undefined) return own;
    switch (name) {
      case 'EXTEN': return channel.dialplan.exten;
      case 'CONTEXT': return channel.dialplan.context;
      case 'PRIORITY': return String(channel.dialplan.priority);
      case 'UNIQUEID': return channel.id;
      case 'CHANNEL': return channel.name;
      default: return null;
    }
  }

  /**
   * Puts the channel into a Stasis app: StasisStart to that app, which is then
   * subscribed to the channel. Null when the app has no WebSocket (Asterisk logs
   * "Stasis app ... not active" and Stasis() returns at once); otherwise resolves
   * when the channel leaves the app.
   */
  enterStasis(channel: SimChannel, app: string, args: readonly string[]): Promise<StasisExit> | null {
    if (channel.gone || !this.sw.hub.isActive(app)) return null;
    const exit = new Promise<StasisExit>((resolve) => {
      channel.stasisExit = resolve;
    });
    channel.stasisApp = app;
    this.sw.hub.sendTo(app, 'StasisStart', { args: [...args], channel: channel.toJson() });
    this.sw.hub.subscribeChannel(app, channel.id);
    return exit;
  }

  /** POST /channels/{id}/continue: leave the app (StasisEnd) and go on in the dialplan. */
  continueInDialplan(channel: SimChannel, target: { context?: string; extension?: string; priority?: number }): void {
    const here = channel.dialplan;
    let location: { context: string; exten: string; priority: number };
    if (!target.context && !target.extension && !target.priority) {
      location = { context: here.context, exten: here.exten, priority: here.priority + 1 };
    } else if (!target.context) {
      location = { context: here.context, exten: target.extension || here.exten, priority: target.priority || 1 };
    } else {
      location = { context: target.context, exten: target.extension || 's', priority: target.priority || 1 };
    }
    if (channel.bridgeId) this.sw.bridges.detach(channel);
    this.leaveStasis(channel, { kind: 'continue', ...location });
  }

  /** A key arrives on `channel` (the end of the tone); a bridge passes it to the other members. */
  receiveDtmf(channel: SimChannel, digit: string, durationMs: number): void {
    if (channel.gone) return;
    this.publish(channel, 'ChannelDtmfReceived', { digit, duration_ms: durationMs });
    for (const other of this.sw.bridges.dtmfRecipients(channel)) {
      this.publish(other, 'ChannelDtmfReceived', { digit, duration_ms: durationMs });
    }
  }

  /**
   * Hangs the channel up: ChannelHangupRequest, the end of a dial in progress,
   * of its playback, its bridge and its Stasis app, then ChannelDestroyed. Linked
   * channels (the other half of a Local channel, a leg Dial() bridged to it)
   * hang up next with the same cause.
   */
  hangup(channel: SimChannel, cause: number, request: HangupRequest): void {
    if (channel.gone) return;
    channel.gone = true;
    if (request === 'soft') this.publish(channel, 'ChannelHangupRequest', { cause: SOFT_HANGUP_EXPLICIT, soft: true });
    if (request === 'remote') this.publish(channel, 'ChannelHangupRequest', { cause });
    const dial = channel.pendingDial;
    channel.pendingDial = null;
    dial?.abandoned(cause, request === 'soft');
    this.sw.playbacks.interruptChannel(channel);
    channel.control.close();
    channel.moh = null;
    if (channel.bridgeId) this.sw.bridges.detach(channel);
    if (channel.stasisApp) this.leaveStasis(channel, { kind: 'gone' });
    channel.stasisExit?.({ kind: 'gone' });
    channel.stasisExit = null;
    this.publish(channel, 'ChannelDestroyed', { cause, cause_txt: causeText(cause) });
    this.byId.delete(channel.id);
    this.sw.hub.forgetChannel(channel.id);
    this.sw.log(`${channel.name} (${channel.id}) destroyed, cause ${cause}`);
    for (const linked of channel.links) {
      linked.links.delete(channel);
      if (!linked.gone) this.hangup(linked, cause, 'remote');
    }
    channel.links.clear();
  }

  /** Asterisk restarted: every channel vanishes without an event; new ids start from a new epoch. */
  reset(): void {
    // Everything is gone before anything is told so: no hang-up logic runs for any of them.
    for (const channel of this.byId.values()) channel.gone = true;
    for (const channel of this.byId.values()) channel.control.close();
    this.byId.clear();
    this.nameCounters.clear();
    this.epoch = startEpoch(this.epoch);
    this.counter = 0;
  }

  private leaveStasis(channel: SimChannel, exit: StasisExit): void {
    const app = channel.stasisApp;
    if (!app) return;
    channel.stasisApp = null;
    this.sw.hub.unsubscribeChannel(app, channel.id);
    this.sw.hub.sendTo(app, 'StasisEnd', { channel: channel.toJson() });
    const resolve = channel.stasisExit;
    channel.stasisExit = null;
    resolve?.(exit);
  }

  private writeFunction(channel: SimChannel, fn: string, arg: string, value: string): void {
    if (fn === 'CHANNEL' && arg === 'language') {
      channel.language = value;
    } else if (fn === 'CALLERID' && (arg === 'num' || arg === 'number')) {
      channel.caller = { ...channel.caller, number: value };
    } else if (fn === 'CALLERID' && arg === 'name') {
      channel.caller = { ...channel.caller, name: value };
    } else {
      throw badRequest('Failed to execute function', { function: `${fn}(${arg})` });
    }
  }

  private readFunction(channel: SimChannel, fn: string, arg: string): string {
    if (fn === 'CALLERID') {
      if (arg === 'num' || arg === 'number') return channel.caller.number;
      if (arg === 'name') return channel.caller.name;
      if (arg === 'all') return `"${channel.caller.name}" <${channel.caller.number}>`;
    }
    if (fn === 'CHANNEL') {
      if (arg === 'language') return channel.language;
      if (arg === 'name') return channel.name;
      if (arg === 'uniqueid') return channel.id;
      if (arg === 'state') return channel.state;
    }
    throw new AriHttpError(500, 'function-read-failed', 'Unable to read provided function', { function: `${fn}(${arg})` });
  }
}
