import { DEADLINE_PRIORITY, type VirtualEntry } from '../acd/virtual-calls.js';
import { FINAL_STATES, type Callback, type CallbackState, type DialResult, type ScheduledBecause } from './callback.js';
import type { Transition } from './callback-store.js';
import { wakeJobId, type CallbacksContext } from './callbacks-context.js';

/**
 * The timed side of a callback: entering its queue, leaving it for quiet
 * hours, moving to the head of its queue as its deadline draws near, retries
 * after a failed dial, expiry.
 *
 * Each open callback has one pending timer job in BullMQ, `wake-<id>-<gen>`,
 * due at the next moment something may have to happen to it. Every change of
 * plan starts a new generation; a timer of an older generation finds nothing
 * to do. A timer's work (`evaluate`) only looks at the callback as it is in
 * Redis and at the clock, so running it twice, late, or from the sweep that
 * re-checks every open callback is harmless.
 */
export class CallbackLifecycle {
  constructor(private readonly ctx: CallbacksContext) {}

  /** The work of a timer: whatever is due for the callback now. `gen` null: whatever its generation (the sweep). */
  async evaluate(id: string, gen: number | null): Promise<void> {
    const { ctx } = this;
    let cb = await ctx.store.get(id);
    if (!cb || FINAL_STATES.includes(cb.state)) return;
    if (gen !== null && cb.gen !== gen) return;
    // The connector owns a callback being dialled (the sweep looks after lost attempts).
    if (cb.state === 'dialling') return;
    const now = ctx.clock.now();
    if (now >= cb.expiresAt) {
      await this.expire(cb);
      return;
    }
    if (cb.state === 'scheduled') {
      const allowedAt = ctx.quiet.nextAllowed(Math.max(now, cb.notBefore ?? now));
      if (allowedAt <= now) {
        await this.enter(cb);
        return;
      }
      await this.wake(cb, Math.min(allowedAt, cb.expiresAt));
      return;
    }
    // Waiting in its queue.
    if (ctx.quiet.isQuiet(now)) {
      await this.park(cb, 'quiet-hours', ctx.quiet.nextAllowed(now));
      return;
    }
    const place = await ctx.virtual.get(cb.id);
    if (!place) await ctx.virtual.enqueue(entryOf(cb));
    if (!cb.promoted && now >= cb.promoteAt) cb = (await this.promote(cb)) ?? cb;
    await this.wake(cb, this.nextWhileWaiting(cb, now));
  }

  /**
   * A scheduled callback's time has come: into its queue at its original
   * place (and at the head if its deadline is near).
   */
  async enter(cb: Callback): Promise<boolean> {
    const now = this.ctx.clock.now();
    const promoted = cb.promoted || now >= cb.promoteAt;
    const t = await this.change(cb, {
      expect: ['scheduled'],
      set: { state: 'waiting', scheduledBecause: null, notBefore: null, promoted },
    });
    if (!t) return false;
    // The state is written first: the ACD may give the place an agent at once,
    // and the connector only dials a waiting callback.
    await this.ctx.virtual.enqueue(entryOf(t));
    await this.wake(t, this.nextWhileWaiting(t, now));
    return true;
  }

  /**
   * Out of the queue until `until` (quiet hours, a reschedule). If an agent
   * was already reserved for the place, the connector finds the callback no
   * longer waiting and releases the agent.
   */
  async park(cb: Callback, because: ScheduledBecause, until: number, extra: Transition['set'] = {}, deadline?: number): Promise<Callback | null> {
    const t = await this.change(cb, {
      expect: ['waiting', 'scheduled'],
      set: { ...extra, ...(deadline !== undefined ? { deadline } : {}), state: 'scheduled', scheduledBecause: because, notBefore: until },
      ...(deadline !== undefined ? { deadline } : {}),
    });
    if (!t) return null;
    await this.ctx.virtual.remove(cb.id);
    await this.wake(t, Math.min(until, t.expiresAt));
    return t;
  }

  /** A customer dial did not connect: the next try after its delay, or the end after the last one. */
  async dialFailed(cb: Callback, attempt: number, result: DialResult): Promise<void> {
    const { ctx } = this;
    const now = ctx.clock.now();
    if (attempt >= cb.maxAttempts) {
      const reason = `no answer after ${attempt} ${attempt === 1 ? 'try' : 'tries'}`;
      const t = await this.close(cb, ['dialling'], 'failed', { lastResult: result, closeReason: reason });
      if (t) ctx.record(cb, { type: 'callback-outcome', callbackId: cb.id, queue: cb.queue, tier: cb.tier, outcome: 'no-answer', attempts: attempt, result, reason });
      return;
    }
    const delays = ctx.config.retry.delaysSec;
    const delaySec = delays[Math.min(attempt - 1, delays.length - 1)]!;
    const notBefore = ctx.quiet.nextAllowed(now + delaySec * 1000);
    const t = await this.change(cb, {
      expect: ['dialling'],
      set: { state: 'scheduled', scheduledBecause: 'retry', notBefore, lastResult: result },
    });
    if (!t) return;
    ctx.record(cb, { type: 'callback-outcome', callbackId: cb.id, queue: cb.queue, tier: cb.tier, outcome: 'retry', attempts: attempt, result });
    await this.wake(t, Math.min(notBefore, t.expiresAt));
  }

  /**
   * A dial that reached nobody through no fault of the customer (the agent
   * left, the switch failed): back to its place at once. `extra` is written
   * in the same step (e.g. the try given back).
   */
  async backToQueue(cb: Callback, result: DialResult, extra: Transition['set'] = {}): Promise<boolean> {
    const t = await this.change(cb, { expect: ['dialling'], set: { ...extra, state: 'waiting', lastResult: result } });
    if (!t) return false;
    // Its offer is normally put back by the caller; if it is gone, the place is made again.
    if (!(await this.ctx.virtual.get(t.id))) await this.ctx.virtual.enqueue(entryOf(t));
    await this.wake(t, this.nextWhileWaiting(t, this.ctx.clock.now()));
    return true;
  }

  /** Final: out of the open list (and of the queue if waiting). Null when the callback was not in `expect`. */
  async close(cb: Callback, expect: CallbackState[], state: Extract<CallbackState, 'connected' | 'failed' | 'cancelled' | 'expired'>, set: Transition['set'] = {}): Promise<Callback | null> {
    const { ctx } = this;
    const now = ctx.clock.now();
    const t = await this.change(cb, {
      expect,
      set: { ...set, state, closedAt: now, wakeAt: null },
      close: { at: now, ttlSec: ctx.config.keepClosedSec },
    });
    if (t && cb.state !== 'dialling') await ctx.virtual.remove(cb.id);
    return t;
  }

  private async expire(cb: Callback): Promise<void> {
    const t = await this.close(cb, ['scheduled', 'waiting'], 'expired', { closeReason: 'not completed in time' });
    if (t) this.ctx.record(cb, { type: 'callback-outcome', callbackId: cb.id, queue: cb.queue, tier: cb.tier, outcome: 'expired', attempts: cb.attempts });
  }

  /** The deadline draws near: the place goes to the head of its queue (see DEADLINE_PRIORITY). */
  private async promote(cb: Callback): Promise<Callback | null> {
    const t = await this.change(cb, { expect: ['waiting'], set: { promoted: true } });
    if (!t) return null;
    await this.ctx.virtual.prioritize(cb.id, DEADLINE_PRIORITY);
    this.ctx.logger.info({ callbackId: cb.id, queue: cb.queue, deadline: new Date(cb.deadline).toISOString() }, 'callback deadline near: first in its queue');
    return t;
  }

  /** Sets the timer of a callback just made or changed by someone else (a booking, a reschedule). */
  async plan(cb: Callback): Promise<void> {
    const now = this.ctx.clock.now();
    await this.wake(cb, cb.state === 'waiting' ? this.nextWhileWaiting(cb, now) : Math.min(cb.notBefore ?? now, cb.expiresAt));
  }

  private nextWhileWaiting(cb: Callback, now: number): number {
    const promote = cb.promoted ? Number.POSITIVE_INFINITY : cb.promoteAt;
    return Math.max(now, Math.min(promote, this.ctx.quiet.nextQuietStart(now), cb.expiresAt));
  }

  /** The callback's next timer at `at`: a new generation, and its job. */
  async wake(cb: Callback, at: number): Promise<void> {
    const t = await this.change(cb, { expect: [cb.state], gen: cb.gen, set: { wakeAt: at } });
    if (!t) return;
    await this.ctx.wakes.at('wake', wakeJobId(t.id, t.gen), { callbackId: t.id, gen: t.gen }, at);
  }

  /**
   * A compare-and-set on the callback (a new timer generation with it):
   * the callback as it now is, or null when it was not as expected.
   */
  async change(cb: Callback, change: Omit<Transition, 'bumpGen'>): Promise<Callback | null> {
    const result = await this.ctx.store.transition(cb.id, { ...change, bumpGen: true });
    if (result.status !== 'ok') return null;
    const set = change.set ?? {};
    const next: Callback = { ...cb, gen: result.gen, state: result.state };
    for (const [key, value] of Object.entries(set)) (next as unknown as Record<string, unknown>)[key] = value;
    if (change.deadline !== undefined) next.deadline = change.deadline;
    return next;
  }
}

/** The ACD's virtual place for a callback. */
export function entryOf(cb: Callback): VirtualEntry {
  return {
    id: cb.id,
    queue: cb.queue,
    skill: cb.skill,
    minAgentLevel: cb.minAgentLevel,
    priority: cb.promoted ? DEADLINE_PRIORITY : cb.priority,
    preferHighestLevel: cb.preferHighestLevel,
    overflow: cb.overflow,
    tier: cb.tier,
    enqueuedAt: cb.enqueuedAt,
    arrivedAt: cb.arrivedAt,
    number: cb.number,
    context: cb.context,
    reason: cb.reason,
  };
}
