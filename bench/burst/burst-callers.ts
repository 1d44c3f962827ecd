import { Agent, request } from 'undici';
import { WebSocket } from 'ws';
import type { CallerRecord } from './burst-analysis.js';
import { toSwitchEvent, type SwitchEvent } from './switch-trace.js';

/** One caller of the burst: who calls, and the menu key they press (null: hold on, e.g. diamond). */
export interface CallerPlan {
  index: number;
  profile: string;
  from: string;
  key: string | null;
}

export interface BurstCallersOptions {
  simUrl: string;
  user: string;
  password: string;
  /** Our own Stasis app: the callers' `;1` halves live in it, and it watches every event. */
  app: string;
  /** Prefix of the channel ids we choose, unique per run. */
  runId: string;
  /** The access number dialled in `from-external`. */
  number: string;
  /** A caller still waiting after this long hangs up (counted as gave up, not dropped). */
  maxStayMs: number;
}

interface LiveCaller {
  plan: CallerPlan;
  record: CallerRecord;
  localId: string;
  menuPlaybacks: Set<string>;
  presses: number;
  queued: boolean;
  ended: boolean;
  giveUp: NodeJS.Timeout | null;
}

/** A menu is offered in prompts under `menu/`; the caller answers once it has heard one. */
const MENU_MEDIA = /\/menu\//;
const MAX_PRESSES = 3;

/**
 * Lightweight callers for a burst: one events WebSocket subscribed to
 * everything (it is also the observer that records the switch's events), and
 * plain REST requests. Each caller is a Local channel into the access number,
 * as the call tool places them: the `;2` half runs the dialplan into the
 * service, the `;1` half stays with us. A caller listens, presses its key when
 * a menu prompt has finished, and then stays on the line until the service or
 * the agent ends the call — never hanging up itself unless it has waited
 * `maxStayMs`.
 */
export class BurstCallers {
  readonly trace: SwitchEvent[] = [];
  /** Requests of ours the switch failed (harness trouble, shown in the report). */
  readonly errors: string[] = [];
  private readonly byChannel = new Map<string, LiveCaller>();
  private readonly callers: LiveCaller[] = [];
  private socket: WebSocket | null = null;
  private readonly http: Agent;
  private readonly authorization: string;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: BurstCallersOptions) {
    this.authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
    // Well under the switch's keep-alive, so a request never goes out on a socket it is closing.
    this.http = new Agent({ keepAliveTimeout: 2000, connections: 16 });
  }

  async connect(): Promise<void> {
    const url = new URL('/ari/events', this.options.simUrl.replace(/^http/, 'ws'));
    url.searchParams.set('app', this.options.app);
    url.searchParams.set('subscribeAll', 'true');
    const socket = new WebSocket(url, { headers: { authorization: this.authorization } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('message', (data) => this.onMessage(String(data)));
    socket.on('error', (err) => this.errors.push(`events WebSocket: ${err.message}`));
    this.socket = socket;
  }

  /** Dials one caller in; resolves once the switch accepted (or refused) the call. */
  async place(plan: CallerPlan): Promise<void> {
    const callId = `${this.options.runId}-c${plan.index}`;
    const localId = `${callId}-caller`;
    const caller: LiveCaller = {
      plan,
      record: { index: plan.index, profile: plan.profile, callId, placedAt: Date.now(), gaveUpAt: null, placeError: null },
      localId,
      menuPlaybacks: new Set(),
      presses: 0,
      queued: false,
      ended: false,
      giveUp: null,
    };
    this.callers.push(caller);
    this.byChannel.set(callId, caller);
    this.byChannel.set(localId, caller);
    const query = new URLSearchParams({
      endpoint: `Local/${this.options.number}@from-external`,
      app: this.options.app,
      callerId: plan.from,
      timeout: '30',
      otherChannelId: callId,
    });
    const status = await this.send('POST', `/ari/channels/${encodeURIComponent(localId)}?${query}`);
    if (status !== 200) {
      caller.record.placeError = `originate answered ${status}`;
      this.end(caller);
      return;
    }
    caller.giveUp = setTimeout(() => void this.hangUp(caller), this.options.maxStayMs);
  }

  /** Resolves once every caller's call has ended, or after `timeoutMs` (false). */
  async allEnded(timeoutMs: number): Promise<boolean> {
    const done = () => this.callers.every((c) => c.ended);
    if (done()) return true;
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      this.waiters.add(check);
    });
  }

  /** Hangs up every caller still on the line (end of the run). */
  async hangUpAll(): Promise<void> {
    await Promise.all(this.callers.filter((c) => !c.ended).map((c) => this.hangUp(c)));
  }

  records(): CallerRecord[] {
    return this.callers.map((c) => ({ ...c.record }));
  }

  async close(): Promise<void> {
    for (const caller of this.callers) if (caller.giveUp) clearTimeout(caller.giveUp);
    this.socket?.close();
    await this.http.close();
  }

  private async hangUp(caller: LiveCaller): Promise<void> {
    if (caller.ended || caller.record.gaveUpAt !== null) return;
    caller.record.gaveUpAt = Date.now();
    await this.send('DELETE', `/ari/channels/${encodeURIComponent(caller.localId)}`);
  }

  private onMessage(text: string): void {
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const event = toSwitchEvent(raw);
    if (event) this.trace.push(event);
    this.follow(raw, event);
  }

  /** What a caller does on hearing the service. */
  private follow(raw: Record<string, unknown>, event: SwitchEvent | null): void {
    if (event && (event.kind === 'hangup' || event.kind === 'destroyed')) {
      const caller = this.byChannel.get(event.channel);
      if (caller) this.end(caller);
      return;
    }
    if (event?.kind === 'var' && event.variable === 'HOTLINE_OUTCOME') {
      const caller = this.byChannel.get(event.channel);
      if (caller && /"kind":"(queued|agent)"/.test(event.value)) caller.queued = true;
      return;
    }
    const playback = raw.playback as { id?: string; target_uri?: string; media_uri?: string; next_media_uri?: string } | undefined;
    if (!playback?.id || !playback.target_uri?.startsWith('channel:')) return;
    const caller = this.byChannel.get(playback.target_uri.slice('channel:'.length));
    if (!caller || caller.ended) return;
    switch (raw.type) {
      case 'PlaybackStarted':
      case 'PlaybackContinuing':
        if (MENU_MEDIA.test(playback.media_uri ?? '') || MENU_MEDIA.test(playback.next_media_uri ?? '')) caller.menuPlaybacks.add(playback.id);
        break;
      case 'PlaybackFinished':
        if (!caller.menuPlaybacks.delete(playback.id)) break;
        if (caller.plan.key === null || caller.queued || caller.presses >= MAX_PRESSES) break;
        caller.presses += 1;
        void this.send('POST', `/ari/channels/${encodeURIComponent(caller.localId)}/dtmf?dtmf=${encodeURIComponent(caller.plan.key)}&duration=100`);
        break;
      default:
        break;
    }
  }

  private end(caller: LiveCaller): void {
    if (caller.ended) return;
    caller.ended = true;
    if (caller.giveUp) clearTimeout(caller.giveUp);
    caller.giveUp = null;
    for (const wake of [...this.waiters]) wake();
  }

  private async send(method: string, path: string): Promise<number> {
    try {
      const res = await request(`${this.options.simUrl}${path}`, {
        method: method as 'POST' | 'DELETE',
        headers: { authorization: this.authorization },
        dispatcher: this.http,
      });
      await res.body.dump();
      if (res.statusCode >= 400 && !(method === 'DELETE' && res.statusCode === 404)) {
        this.errors.push(`${method} ${path.split('?')[0]}: ${res.statusCode}`);
      }
      return res.statusCode;
    } catch (err) {
      this.errors.push(`${method} ${path.split('?')[0]}: ${(err as Error).message}`);
      return 0;
    }
  }
}
