import { subscribeChannels } from '../infra/redis-subscriber.js';
import type { Redis } from 'ioredis';
import type { AcdContext } from './acd-context.js';
import { recoverOwnedCalls } from './acd-recovery.js';
import type { AcdTimetable } from './acd-timetable.js';
import type { AcdEvents } from './acd-events.js';
import { nextDayStart } from './agent-state.js';
import type { CallConnector } from './call-connector.js';
import type { LiveCall } from './live-call.js';
import { VIRTUAL_OWNER, type OwnerNotice } from './redis-acd-store.js';
import type { ReservationDispatcher } from './reservation-dispatcher.js';
import type { VirtualCalls } from './virtual-calls.js';
import { waitSwitchReady } from './wait-switch-ready.js';

export interface AcdInboxDeps {
  redis: Redis;
  ctx: AcdContext;
  connector: CallConnector;
  dispatcher: ReservationDispatcher;
  events: AcdEvents;
  virtual: VirtualCalls;
  timetable: AcdTimetable;
  /** Follows a recovered call's caller (hang-up) as for a call enqueued by this run. */
  watchCaller: (live: LiveCall) => void;
}

/**
 * The ACD instance's life: start-up, recovery of the calls a previous run
 * left, the pub/sub inbox where other instances (and our own scripts) leave
 * notices about our calls, and stop.
 */
export class AcdInbox {
  private state: 'new' | 'starting' | 'started' | 'stopped' = 'new';
  private isRecovered = false;
  private subscriber: Redis | null = null;
  private recovery: Promise<void> | null = null;
  /** Notices for our calls that came before the recovery. */
  private buffered: string[] = [];
  private readonly inflightNotices = new Set<string>();
  private readonly ctx: AcdContext;

  constructor(private readonly deps: AcdInboxDeps) {
    this.ctx = deps.ctx;
  }

  /** Started and not stopped. */
  get running(): boolean {
    return this.state === 'started';
  }

  get recoveredYet(): boolean {
    return this.isRecovered;
  }

  /** See Acd.start. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the ACD was already ${this.state}`);
    this.state = 'starting';
    const { ctx, virtual } = this.deps;
    const virtualWake = ctx.store.wakeChannel(VIRTUAL_OWNER);
    const { connection: subscriber, subscribed } = subscribeChannels(this.deps.redis, [ctx.store.wakeChannel(), virtualWake], (err) => {
      ctx.logger.warn({ err }, 'subscribing to the ACD inbox failed; trying again when the connection is back');
    });
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => ctx.logger.warn({ err }, 'ACD inbox connection error'));
    subscriber.on('message', (channel: string, text: string) => {
      if (this.state !== 'started') return;
      if (channel === virtualWake) virtual.notify();
      else if (!this.isRecovered) this.buffered.push(text);
      else void this.handleInboxText(text);
    });
    // After a reconnection, notices published meanwhile are still in the inbox list
    // (and virtual reservations in theirs).
    subscriber.on('ready', () => {
      if (this.state !== 'started') return;
      if (this.isRecovered) void this.drainInbox();
      virtual.notify();
    });
    await subscribed;
    await ctx.store.scheduleDayRollover(nextDayStart(ctx.clock.now()));
    this.state = 'started';
    this.recovery = this.recoverWhenReady();
    if (ctx.callControl.ready) await this.recovery;
  }

  /** Resolves once the calls of a previous run have been recovered. */
  recovered(): Promise<void> {
    return this.recovery ?? Promise.reject(new Error('the ACD is not started'));
  }

  /** See Acd.stop. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.deps.timetable.stop();
    for (const live of this.ctx.lives.values()) live.close();
    this.ctx.lives.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** Work another instance (or our own script) did for a call this instance owns. */
  async handleNotice(notice: OwnerNotice): Promise<void> {
    const { ctx } = this;
    if (notice.kind === 'overflowed') {
      const live = ctx.lives.get(notice.call);
      if (live?.overflow) {
        if (live.overflowRecorded) return;
        live.overflowRecorded = true;
        const { skill, minAgentLevel } = live.overflow;
        ctx.record(live.id, { type: 'overflowed', queue: live.queue, skill, minAgentLevel });
        this.deps.events.emit(live, { type: 'overflowed', callId: live.id, queue: live.queue, skill, minAgentLevel });
        return;
      }
      // Not live here (recovering): the record still gets the overflow.
      const rec = await ctx.store.getCall(notice.call);
      if (rec?.overflow && rec.overflowed) {
        ctx.record(rec.id, { type: 'overflowed', queue: rec.queue, skill: rec.overflow.skill, minAgentLevel: rec.overflow.minAgentLevel });
      }
      return;
    }
    // Assigned by another instance: ring the agent if the call is still reserved for them.
    await this.deps.dispatcher.offerReserved(notice.call, notice.agent, true);
  }

  /**
   * Recovers once the switch is ready; a failure (Redis lost meanwhile) is
   * tried again, 0.5 s doubling to 10 s, in real time like any reconnection —
   * never left as a rejection nobody handles.
   */
  private async recoverWhenReady(): Promise<void> {
    for (let delayMs = 500; ; delayMs = Math.min(delayMs * 2, 10_000)) {
      if (!(await waitSwitchReady(this.ctx.callControl, this.ctx.clock, () => this.state === 'started'))) return;
      try {
        await this.recoverOnce();
        return;
      } catch (err) {
        if (this.state !== 'started') return;
        this.ctx.logger.error({ err, retryInMs: delayMs }, 'recovering the calls of a previous run failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async recoverOnce(): Promise<void> {
    const { ctx, connector, dispatcher, timetable } = this.deps;
    const pending = await ctx.store.drainInbox();
    await recoverOwnedCalls({ ctx, connector, watchCaller: this.deps.watchCaller });
    this.isRecovered = true;
    for (const text of [...new Set([...pending, ...this.buffered.splice(0)])]) await this.handleInboxText(text);
    await dispatcher.dispatchDeferred();
    await timetable.run();
    timetable.startSweep();
  }

  private async handleInboxText(text: string): Promise<void> {
    if (this.inflightNotices.has(text)) return;
    this.inflightNotices.add(text);
    try {
      await this.handleNotice(JSON.parse(text) as OwnerNotice);
      await this.ctx.store.ackInbox(text);
    } catch (err) {
      this.ctx.logger.error({ err, notice: text }, 'handling an inbox notice failed');
    } finally {
      this.inflightNotices.delete(text);
    }
  }

  private async drainInbox(): Promise<void> {
    try {
      for (const text of await this.ctx.store.drainInbox()) await this.handleInboxText(text);
    } catch (err) {
      this.ctx.logger.error({ err }, 'reading the inbox failed');
    }
  }
}
