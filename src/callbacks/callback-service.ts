import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Acd } from '../acd/acd.js';
import type { QueuedCall } from '../acd/call-queue.js';
import { VirtualReservationPump } from '../acd/virtual-reservation-pump.js';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.js';
import type { CallControl } from '../call-control/call-control.js';
import type { CallEvent } from '../call-records/call-event.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { callerContextOf } from '../routing/caller-context-of.js';
import type { CallerOnHold } from './caller-on-hold.js';
import type { Logger } from '../log/logger.js';
import { maskPhone } from '../log/mask.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { RouteDecision } from '../routing/types.js';
import type { Booked, Callback, CallbackRequest } from './callback.js';
import { CallbackConnector, ConnectorStoppingError, type ConnectorOutcome } from './callback-connector.js';
import { CallbackLifecycle, entryOf } from './callback-lifecycle.js';
import { CallbackStore } from './callback-store.js';
import type { CallbacksConfig } from './callbacks-config.js';
import { dialJobId, wakeJobId, type CallbacksContext, type DialJob, type WakeJob } from './callbacks-context.js';
import { QuietHours } from '../time/quiet-hours.js';
import { Postpone, TimedJobs } from '../outbound/timed-jobs.js';
import { TryLeases } from '../outbound/try-lease.js';
import { createRedis, type RedisSentinelSettings } from '../infra/redis-connection.js';

export interface CallbackServiceOptions {
  config: CallbacksConfig;
  /** The service's Redis connection (callback records). */
  redis: Redis;
  /** The same Redis's URL: BullMQ gets connections of its own (maxRetriesPerRequest: null). */
  redisUrl: string;
  /** With Sentinel, how BullMQ's connections find the master (none: the URL's server). */
  redisSentinel?: RedisSentinelSettings;
  keyPrefix: string;
  acd: Acd;
  callControl: CallControl;
  policy: RoutingPolicy;
  recorder: CallRecordLog;
  logger: Logger;
  clock?: Clock;
}

const DIAL_JOB_OPTIONS = {
  // Failures here are the service's own (Redis or the switch unreachable): retried; the customer is never dialled twice for one offer.
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The kind of the ACD's virtual calls that are callbacks (their ids start `cb-`): the only ones this service works. */
const CALLBACK_KIND = 'cb';

/** How often start() looks whether the call control has become ready. */
const READY_CHECK_MS = 100;

const WAKE_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential' as const, delay: 500 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Callbacks that keep the caller's place (README, "A callback keeps the caller's place").
 *
 * A caller who takes the callback offer leaves the live queue and the
 * callback takes over the call's place as a virtual call in the ACD: same
 * queue, same original enqueue time and priority, aged and assigned by the
 * same scripts as live callers. When the ACD gives the place a qualified
 * agent, the reservation becomes a BullMQ dial job, worked by the
 * CallbackConnector on whichever instance picks it up: agent rung, whisper,
 * customer dialled, bridged. The timed side — quiet hours, the tier's
 * deadline (the place goes to the head of its queue `dispatchMarginSec`
 * before it), retries after busy or no answer, expiry — runs on BullMQ
 * delayed jobs (CallbackLifecycle).
 *
 * Everything lives in Redis (callback records, ACD places, BullMQ jobs), so
 * with AOF a restart of the service or of Redis loses nothing; each instance
 * re-checks every open callback at start and every `sweepIntervalSec`.
 */
export class CallbackService {
  readonly store: CallbackStore;
  readonly quiet: QuietHours;
  readonly config: CallbacksConfig;
  /** The timed side of each callback (used by the supervisor desk to park and close). */
  readonly lifecycle: CallbackLifecycle;
  private readonly options: CallbackServiceOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly ctx: CallbacksContext;
  private readonly connector: CallbackConnector;
  private readonly stopping = new AbortController();
  private readonly bull: Redis;
  private readonly inFlight = new Set<string>();
  private state: 'new' | 'started' | 'stopped' = 'new';
  private offReservation: (() => void) | null = null;
  private sweepTimer: TimerHandle | null = null;
  private readonly reservationPump: VirtualReservationPump;

  constructor(options: CallbackServiceOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'callbacks' });
    const { config } = options;
    this.config = config;
    this.quiet = new QuietHours(config.outbound.quietHours);
    this.store = new CallbackStore(options.redis, options.keyPrefix, Math.max(config.keepClosedSec, 30 * 24 * 3600), (id, problem) => {
      this.logger.warn({ callbackId: id, problem }, 'stored caller context is malformed; the callback goes on without it');
    });
    this.bull = createRedis({ ...options.redisSentinel, url: options.redisUrl }, 'jobs', { lazyConnect: true });
    this.bull.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'job queue redis error'));
    const prefix = `${options.keyPrefix}:{bull}`;
    const common = { connection: this.bull, prefix, clock: this.clock, logger: this.logger };
    const recorder = options.recorder;
    this.ctx = {
      config,
      store: this.store,
      virtual: options.acd.virtual,
      conversations: options.acd.conversations,
      callControl: options.callControl,
      policy: options.policy,
      clock: this.clock,
      logger: this.logger,
      quiet: this.quiet,
      wakes: new TimedJobs<WakeJob>({ ...common, name: 'callback-timers', jobOptions: WAKE_JOB_OPTIONS }),
      dials: new TimedJobs<DialJob>({ ...common, name: 'callback-dials', jobOptions: DIAL_JOB_OPTIONS }),
      leases: new TryLeases(options.redis, this.store.base, config.workers.tryLeaseMs),
      record: (cb, event) => {
        recorder.append(cb.callId, event, this.clock.now()).catch((err: unknown) => {
          this.logger.error({ err, callbackId: cb.id, event: event.type }, 'could not write the call record');
        });
      },
    };
    this.lifecycle = new CallbackLifecycle(this.ctx);
    this.connector = new CallbackConnector(this.ctx, this.lifecycle, this.stopping.signal);
    this.reservationPump = new VirtualReservationPump(options.acd.virtual, CALLBACK_KIND, {
      active: () => this.state === 'started',
      handOver: (r) => this.ctx.dials.at('dial', dialJobId(r.call, r.offeredAt), { callbackId: r.call, offeredAt: r.offeredAt }, this.clock.now()),
      failed: (err) => this.logger.error({ err }, 'handing callback reservations to the dial jobs failed'),
    });
  }

  /**
   * Starts the workers on this instance and takes the reservations the ACD
   * hands over. Open callbacks left by a previous run are checked at once.
   * Dial jobs are taken once the call control is ready (it may start later):
   * until then other instances dial, or the jobs wait.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the callback service was already ${this.state}`);
    this.state = 'started';
    // BullMQ connects its connection itself.
    await this.ctx.wakes.queue.waitUntilReady();
    const { workers } = this.options.config;
    const worker = { lockDurationMs: workers.lockDurationMs, stalledIntervalMs: workers.stalledIntervalMs, maxStalledCount: workers.maxStalledCount };
    this.ctx.wakes.work((job) => this.lifecycle.evaluate(job.data.callbackId, job.data.gen), { ...worker, concurrency: workers.timerConcurrency });
    this.offReservation = this.options.acd.virtual.onReservation(() => void this.pump());
    const dialWorker = { ...worker, concurrency: workers.dialConcurrency };
    if (this.options.callControl.ready) {
      this.ctx.dials.work((job) => this.dial(job.data), dialWorker);
      await this.sweep();
      this.scheduleSweep();
    } else {
      void this.whenReady().then((ready) => {
        if (!ready) return;
        this.ctx.dials.work((job) => this.dial(job.data), dialWorker);
        void this.sweep().catch((err: unknown) => this.logger.error({ err }, 'callback sweep failed'));
        this.scheduleSweep();
      });
    }
  }

  /** True once the call control is ready; false if the service stopped first. */
  private async whenReady(): Promise<boolean> {
    while (!this.options.callControl.ready) {
      if (this.state !== 'started') return false;
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, READY_CHECK_MS));
    }
    return this.state === 'started';
  }

  /**
   * Stops taking work. An agent being rung is let go (the callback keeps its
   * place) and a customer being rung is hung up (an interrupted try, retried
   * after its delay); a conversation stays up and is taken over by the next
   * run (this instance restarted or another).
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.stopping.abort();
    this.offReservation?.();
    if (this.sweepTimer) this.clock.clearTimeout(this.sweepTimer);
    await Promise.allSettled([this.ctx.wakes.close(), this.ctx.dials.close()]);
    await this.bull.quit().catch(() => this.bull.disconnect());
  }

  /** The caller left the queue for a callback that keeps the call's place (the hold experience asks). */
  async book(request: { session: CallerOnHold; queued: QueuedCall; decision: RouteDecision; number: string }): Promise<Booked> {
    const { session, queued, decision, number } = request;
    return this.request({
      callId: session.callId,
      queue: decision.queue,
      skill: decision.skill,
      minAgentLevel: decision.minAgentLevel,
      priority: queued.priority,
      preferHighestLevel: decision.preferHighestLevel,
      overflow: decision.overflow,
      tier: decision.tier,
      number,
      context: callerContextOf(session),
      reason: decision.reason,
      lang: session.lang,
      enqueuedAt: queued.enqueuedAt,
      arrivedAt: session.arrivedAt,
    });
  }

  /**
   * A callback request. Its deadline is the tier's callbackDeadlineSec of
   * time outside quiet hours from now. A second request from the same number
   * for the same queue while one is open returns the open one (merged).
   */
  async request(req: CallbackRequest): Promise<Booked> {
    if (this.state !== 'started') throw new Error('the callback service is not started');
    const number = req.number.replace(/[\s-]/g, '');
    if (!/^\+?\d{5,20}$/.test(number)) throw new ValidationError('number: a callback number is 5 to 20 digits', { field: 'number' });
    const tier = this.options.policy.snapshot().tiers[req.tier];
    if (!tier) throw new NotFoundError('tier', req.tier);
    const { config } = this.options;
    const now = this.clock.now();
    const deadline = this.quiet.addActiveTime(now, tier.callbackDeadlineSec * 1000);
    const promoteAt = Math.max(now, deadline - config.dispatchMarginSec * 1000);
    const quiet = this.quiet.isQuiet(now);
    const cb: Callback = {
      id: `${CALLBACK_KIND}-${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      callId: req.callId,
      queue: req.queue,
      skill: req.skill,
      minAgentLevel: req.minAgentLevel,
      priority: req.priority,
      preferHighestLevel: req.preferHighestLevel,
      overflow: req.overflow,
      tier: req.tier,
      number,
      context: req.context,
      reason: req.reason,
      lang: req.lang,
      requestedAt: now,
      enqueuedAt: Math.floor(req.enqueuedAt ?? now),
      arrivedAt: Math.floor(req.arrivedAt ?? req.enqueuedAt ?? now),
      deadline,
      promoteAt,
      promoted: now >= promoteAt,
      expiresAt: deadline + config.expireAfterSec * 1000,
      state: quiet ? 'scheduled' : 'waiting',
      scheduledBecause: quiet ? 'quiet-hours' : null,
      notBefore: quiet ? this.quiet.nextAllowed(now) : null,
      attempts: 0,
      maxAttempts: config.retry.attempts,
      firstDialledAt: null,
      lastDialledAt: null,
      lastResult: null,
      merged: 0,
      closedAt: null,
      closedBy: null,
      closeReason: null,
      gen: 0,
      wakeAt: null,
    };
    const created = await this.store.create(cb);
    if (created.status === 'merged') {
      const existing = await this.store.get(created.id);
      this.logger.info({ callbackId: created.id, queue: req.queue, number: maskPhone(number) }, 'callback request merged into the open one');
      return { callbackId: created.id, deadline: new Date(existing?.deadline ?? deadline), merged: true };
    }
    if (cb.state === 'waiting') await this.ctx.virtual.enqueue(entryOf(cb));
    await this.lifecycle.plan(cb);
    this.logger.info({ callbackId: cb.id, callId: req.callId, queue: req.queue, tier: req.tier, number: maskPhone(number), deadline: new Date(deadline).toISOString(), scheduled: quiet }, 'callback booked');
    return { callbackId: cb.id, deadline: new Date(deadline), merged: false };
  }

  async get(id: string): Promise<Callback | null> {
    return this.store.get(id);
  }

  now(): number {
    return this.clock.now();
  }

  /** Appends an event to the call record of the call that asked for the callback. */
  record(cb: Pick<Callback, 'id' | 'callId'>, event: CallEvent): void {
    this.ctx.record(cb, event);
  }

  /**
   * After moving a virtual clock: hand over the timers it made due. On the
   * wall clock BullMQ does this by itself.
   */
  async catchUp(): Promise<void> {
    await this.ctx.wakes.catchUp();
    await this.ctx.dials.catchUp();
  }

  /**
   * Work in flight: timer and dial jobs waiting or running, and reservations
   * of callback places not yet handed to a dial job (0 when all is quiet).
   */
  async pendingWork(): Promise<number> {
    const counts = await Promise.all([
      this.ctx.wakes.queue.getJobCounts('waiting', 'active', 'prioritized'),
      this.ctx.dials.queue.getJobCounts('waiting', 'active', 'prioritized'),
    ]);
    const jobs = counts.reduce((sum, c) => sum + (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0), 0);
    return jobs + (await this.ctx.virtual.reservations(CALLBACK_KIND)).length;
  }

  /**
   * Re-checks everything against Redis: reservations not yet turned into dial
   * jobs, open callbacks whose timer job is missing or failed, callbacks in
   * the ACD offered to an agent with no job working them, dials left half-done.
   */
  async sweep(): Promise<void> {
    await this.pump();
    const open = await this.store.getMany(await this.store.openIds());
    for (const cb of open) {
      try {
        if (cb.state === 'dialling') await this.checkDialling(cb);
        else if (!(await this.jobPending(this.ctx.wakes, wakeJobId(cb.id, cb.gen))) || (cb.state === 'waiting' && !(await this.ctx.virtual.get(cb.id)))) {
          await this.lifecycle.evaluate(cb.id, null);
        }
      } catch (err) {
        this.logger.error({ err, callbackId: cb.id }, 'checking an open callback failed');
      }
    }
    for (const place of await this.ctx.virtual.all(CALLBACK_KIND)) {
      if (place.state === 'waiting' || place.offeredAt === null) continue;
      try {
        if (!(await this.jobPending(this.ctx.dials, dialJobId(place.id, place.offeredAt)))) await this.dial({ callbackId: place.id, offeredAt: place.offeredAt, dueAt: 0 });
      } catch (err) {
        this.logger.error({ err, callbackId: place.id }, 'checking an offered callback failed');
      }
    }
  }

  /**
   * Works one ACD offer (at most one run at a time per offer on this
   * instance). Its job handed out again while a run here still works it (the
   * job's lock lapsed under a slow worker): the job comes back later, when
   * that run has surely finished or lost the dial's lease.
   */
  private async dial(job: DialJob): Promise<ConnectorOutcome | Postpone> {
    const key = `${job.callbackId}:${job.offeredAt}`;
    if (this.inFlight.has(key)) return new Postpone(this.clock.now() + this.config.workers.tryLeaseMs);
    this.inFlight.add(key);
    try {
      const outcome = await this.connector.run(job);
      this.logger.debug({ callbackId: job.callbackId, offeredAt: job.offeredAt, outcome }, 'callback offer worked');
      return outcome;
    } catch (err) {
      if (!(err instanceof ConnectorStoppingError)) this.logger.error({ err, callbackId: job.callbackId }, 'callback attempt failed');
      throw err;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** A dial in progress whose job is gone: finished from what Redis says. */
  private async checkDialling(cb: Callback): Promise<void> {
    const attempt = await this.store.attempt(cb.id, cb.attempts);
    if (!attempt) {
      this.logger.error({ callbackId: cb.id, attempt: cb.attempts }, 'callback being dialled has no attempt record');
      return;
    }
    if (!(await this.jobPending(this.ctx.dials, dialJobId(cb.id, attempt.offeredAt)))) {
      await this.dial({ callbackId: cb.id, offeredAt: attempt.offeredAt, dueAt: 0 });
    }
  }

  /** True when the job exists and will still run (or is running). */
  private async jobPending<D extends WakeJob | DialJob>(jobs: TimedJobs<D>, jobId: string): Promise<boolean> {
    const job = await jobs.get(jobId);
    if (!job) return false;
    const state = await job.getState();
    return state === 'active' || state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children';
  }

  /** Turns the ACD's reservations of callback places into dial jobs (durably, before taking them). */
  private pump(): Promise<void> {
    return this.reservationPump.pump();
  }

  private scheduleSweep(): void {
    if (this.state !== 'started') return;
    this.sweepTimer = this.clock.setTimeout(() => {
      void this.sweep()
        .catch((err: unknown) => this.logger.error({ err }, 'callback sweep failed'))
        .finally(() => this.scheduleSweep());
    }, this.options.config.sweepIntervalSec * 1000);
  }
}
