import { randomUUID } from 'node:crypto';
import { AriConnection } from '../../src/ari/ari-connection.js';
import type { AriEvent } from '../../src/ari/models.js';
import type { Logger } from '../../src/log/logger.js';

export interface HarnessOptions {
  /** Asterisk (or the simulated one), e.g. http://127.0.0.1:8088. */
  url: string;
  user?: string;
  password?: string;
  /** The harness's own Stasis app; the service under test uses another. Default 'harness'. */
  app?: string;
  logger?: Logger;
}

export interface PlaceCallOptions {
  /** Calling number (ANI) the service sees; '' for a withheld number. */
  from: string;
  name?: string;
  /** Dialplan context that sends the number into the service. Default 'from-external'. */
  context?: string;
}

/**
 * A caller for tests: places calls into the dialplan through Local channels,
 * from its own Stasis app, the way a phone would reach the service.
 *
 * `Local/<number>@from-external` has two halves: `;1` enters the harness app at
 * once, `;2` runs the dialplan and ends up in the service's app. Keys sent on
 * `;1` arrive on `;2` as the caller's DTMF. Asterisk also subscribes the
 * originating app to `;2`, so the harness sees what the service plays to it.
 */
export class AriHarness {
  readonly connection: AriConnection;
  private readonly calls = new Set<HarnessCall>();

  private constructor(connection: AriConnection) {
    this.connection = connection;
  }

  static async start(options: HarnessOptions): Promise<AriHarness> {
    const connection = new AriConnection({
      url: options.url,
      user: options.user ?? 'ivr',
      password: options.password ?? 'ivr',
      app: options.app ?? 'harness',
      logger: options.logger,
      reconnect: { initialDelayMs: 50, maxDelayMs: 1000, factor: 2 },
    });
    connection.start();
    await connection.waitUntilReady(10_000);
    return new AriHarness(connection);
  }

  /** Places a call to `number` from `options.from`; resolves once the call exists (the dialplan runs on). */
  async call(number: string, options: PlaceCallOptions): Promise<HarnessCall> {
    const id = `harness-${randomUUID()}`;
    const call = new HarnessCall(this.connection, number, options.from, id, `${id}-2`, () => this.calls.delete(call));
    this.calls.add(call);
    const callerId = options.name ? `"${options.name}" <${options.from}>` : options.from;
    try {
      await this.connection.client.channels.originateWithId(id, {
        endpoint: `Local/${number}@${options.context ?? 'from-external'}`,
        app: this.connection.app,
        callerId,
        otherChannelId: call.otherId,
      });
    } catch (err) {
      call.detach();
      throw err;
    }
    return call;
  }

  /** Calls placed and not yet ended. */
  get active(): number {
    return this.calls.size;
  }

  /** Hangs up the calls still up and disconnects. */
  async stop(): Promise<void> {
    await Promise.all([...this.calls].map((call) => call.hangup()));
    for (const call of [...this.calls]) call.detach();
    await this.connection.stop();
  }
}

export class HarnessCall {
  /** Media URIs the service played to the caller, one per item, in order. */
  readonly heard: string[] = [];
  /** Keys sent, one string per sendKeys. */
  readonly pressed: string[] = [];
  /** Resolves when the caller's side of the call has ended. */
  readonly done: Promise<void>;
  /** Hang-up cause of the `;1` half when known. */
  cause: number | null = null;

  private isEnded = false;
  private inStasis = false;
  private resolveDone!: () => void;
  private readonly waiters = new Set<() => void>();
  private readonly offs: (() => void)[];

  constructor(
    private readonly connection: AriConnection,
    readonly number: string,
    readonly from: string,
    /** The `;1` half, held by the harness. */
    readonly id: string,
    /** The `;2` half, which reaches the service. */
    readonly otherId: string,
    private readonly onDone: () => void,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.offs = [
      connection.events.onChannel(id, (event) => this.onOwnHalf(event)),
      connection.events.onChannel(otherId, (event) => this.onServiceHalf(event)),
    ];
  }

  get ended(): boolean {
    return this.isEnded;
  }

  /** Resolves once the `;2` half runs Stasis (the service's app): keys sent earlier would be lost. */
  waitForService(timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => this.inStasis, timeoutMs, 'the call to reach the service');
  }

  /** Resolves with `heard` once at least `count` media items were played. */
  async waitForHeard(count: number, timeoutMs = 10_000): Promise<string[]> {
    await this.waitUntil(() => this.heard.length >= count, timeoutMs, `${count} prompt(s)`);
    return [...this.heard];
  }

  /** Resolves when the call has ended (the service hung up, or we did). */
  waitForEnd(timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => this.isEnded, timeoutMs, 'the call to end');
  }

  /** Presses keys on the caller's side; they reach the service about 200 ms apart. */
  async sendKeys(keys: string, options: { between?: number } = {}): Promise<void> {
    this.pressed.push(keys);
    await this.connection.client.channels.sendDtmf(this.id, keys, { between: options.between ?? 100 });
  }

  /** Hangs up the caller's side; nothing happens if the call already ended. */
  async hangup(): Promise<void> {
    if (this.isEnded) return;
    try {
      await this.connection.client.channels.hangup(this.id);
    } catch (err) {
      if ((err as { ariStatus?: number }).ariStatus !== 404) throw err;
    }
  }

  /** Stops listening (the harness calls it when the call ends or the harness stops). */
  detach(): void {
    for (const off of this.offs.splice(0)) off();
    this.onDone();
  }

  private onOwnHalf(event: AriEvent): void {
    if (event.type === 'ChannelHangupRequest' && event.cause !== undefined) this.cause = event.cause;
    if (event.type === 'ChannelDestroyed') this.cause = event.cause;
    if (event.type === 'StasisEnd' || event.type === 'ChannelDestroyed') this.end();
  }

  private onServiceHalf(event: AriEvent): void {
    switch (event.type) {
      case 'ChannelDialplan':
        if (event.dialplan_app.toLowerCase() === 'stasis') this.inStasis = true;
        break;
      case 'PlaybackStarted':
        // Asterisk announces each item of a media list with its own PlaybackStarted.
        this.inStasis = true;
        this.heard.push(event.playback.media_uri);
        break;
      case 'StasisStart':
        this.inStasis = true;
        break;
      default:
        break;
    }
    this.notify();
  }

  private end(): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.detach();
    this.resolveDone();
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`call ${this.number} from ${this.from}: waited ${timeoutMs} ms for ${what}; heard ${JSON.stringify(this.heard)}${this.isEnded ? ', call ended' : ''}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
