import type { Redis } from 'ioredis';
import type { Call, CallControl } from '../call-control/call-control.js';
import type { CallEvent } from '../call-records/call-event.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { genericQueueSettings } from '../routing/queue-defaults.js';
import { serializeCallerContext } from '../routing/stored-caller-context.js';
import type { CallerContext, RouteDecision } from '../routing/types.js';
import type { AcdContext, AcdQueueSettings } from './acd-context.js';
import { CallAlreadyQueuedError } from './acd-errors.js';
import type { AcdEvent, AcdEventListener } from './acd-event.js';
import { recoverOwnedCalls } from './acd-recovery.js';
import { AcdTimetable } from './acd-timetable.js';
import type { Agent } from './agent.js';
import { AgentDirectory } from './agent-directory.js';
import { nextDayStart } from './agent-state.js';
import { AgentUpdater } from './agent-updater.js';
import { agentVariables } from './agent-variables.js';
import type { OfferPolicy } from './agent-offer.js';
import { CallConnector, type TransferRelease } from './call-connector.js';
import { checkDecision } from './check-decision.js';
import type { CallQueue, EnqueueOptions, EnqueueResult, QueuedCall, QueuedCallEvent, WaitStatus } from './call-queue.js';
import type { AgentChoice } from './choose-agent.js';
import { effectivePriorityAt } from './choose-call.js';
import { systemClock, type Clock } from '../time/clock.js';
import { averageHandleTime, estimateWait } from './estimated-wait.js';
import { LiveCall } from './live-call.js';
import { RedisAcdStore, VIRTUAL_OWNER, type OwnerNotice, type QueuedCallRecord, type Reservation, type ScriptResult } from './redis-acd-store.js';
import { VirtualCalls } from './virtual-calls.js';
import { waitingMember } from './waiting-score.js';

export interface AcdOptions {
  redis: Redis;
  keyPrefix: string;
  callControl: CallControl;
  /** The queues in force, read at each decision so run-time tuning applies at once. */
  queues: () => Readonly<Record<string, Readonly<AcdQueueSettings>>>;
  recorder: CallRecordLog;
  logger: Logger;
  /**
   * This instance, stable across restarts (e.g. its Stasis app name): calls it
   * owns are recovered by the instance that starts again with the same id.
   */
  instanceId: string;
  clock?: Clock;
  /** Among qualified free agents: longest idle (default) or fewest calls today. */
  agentChoice?: AgentChoice | (() => AgentChoice);
  /** How long a busy phone pauses the agent. Default 30 s. */
  busyPauseSec?: number;
  /**
   * After a switch fault on an offer (the ring or the bridge failed without a
   * word from the agent's phone), how long the agent stays held before agent
   * and call go back — so a failing switch is not asked again in a tight
   * loop. Default 1000 ms.
   */
  switchFaultPauseMs?: number;
  /** Handle time assumed for a queue without history, for the estimated wait. Default 180 s; null: unknown. */
  defaultHandleSec?: number | null;
  /** How many recent calls the average handle time is taken over. Default 20. */
  handleTimeWindow?: number;
  /**
   * How often this instance looks at the shared timetable even when it has
   * set no timer itself, to take over overflows and wrap-ups of an instance
   * that stopped. Default 5 s.
   */
  sweepIntervalMs?: number;
}

export interface WaitingCallView {
  callId: string;
  queue: string;
  tier: string;
  priority: number;
  effectivePriority: number;
  /** 1-based place in the queue. */
  position: number;
  waitedMs: number;
  overflowed: boolean;
  callerNumber: string;
  owner: string;
  /** A place kept for a caller who is not on the line (a callback). */
  virtual: boolean;
}

/** How often start() looks whether the call control has become ready, to recover calls. */
const READY_CHECK_MS = 100;

/**
 * Automatic call distribution: skill queues and agents in Redis, assignment in
 * one atomic script at the moment something changes — a call is enqueued, an
 * agent becomes available, a call reaches its overflow time — never by polling.
 * Several instances share one Redis: whichever instance's script reserves an
 * agent, the instance owning the caller rings the agent (see lua/lib.lua).
 *
 * start() may come before the call control is ready: calls left by a
 * previous run of this instance are re-adopted once it is.
 */
export class Acd implements CallQueue {
  readonly agents: AgentDirectory;
  /** Places kept in the queues for callers who are not on the line (callbacks). */
  readonly virtual: VirtualCalls;
  readonly instanceId: string;
  private readonly options: AcdOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly store: RedisAcdStore;
  private readonly updater: AgentUpdater;
  private readonly connector: CallConnector;
  private readonly ctx: AcdContext;
  private readonly lives = new Map<string, LiveCall>();
  private readonly listeners = new Set<AcdEventListener>();
  private readonly inflightNotices = new Set<string>();
  private subscriber: Redis | null = null;
  private readonly timetable: AcdTimetable;
  private state: 'new' | 'starting' | 'started' | 'stopped' = 'new';
  private recovery: Promise<void> | null = null;
  private isRecovered = false;
  /** Notices and reservations for our calls that came before the recovery. */
  private buffered: string[] = [];
  private deferred: Reservation[] = [];
  /** Agents reserved for our calls while the switch connection was not ready (see `holdUntilReady`). */
  private held: { call: string; agent: string }[] = [];
  private heldFlush: Promise<void> | null = null;

  constructor(options: AcdOptions) {
    if (!/^[A-Za-z0-9_.-]+$/.test(options.instanceId)) {
      throw new ValidationError('instanceId: letters, digits, _ . - only', { field: 'instanceId' });
    }
    this.options = options;
    this.instanceId = options.instanceId;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'acd', instance: options.instanceId });
    const choice = options.agentChoice ?? 'longest-idle';
    this.store = new RedisAcdStore({
      redis: options.redis,
      keyPrefix: options.keyPrefix,
      instanceId: options.instanceId,
      now: () => this.clock.now(),
      rates: () => this.rates(),
      agentChoice: typeof choice === 'function' ? choice : () => choice,
    });
    this.updater = new AgentUpdater(this.store, this.clock, (r) => this.handleResult(r), (agent) => this.emitAgent(agent));
    this.agents = new AgentDirectory(this.store, this.updater, this.clock);
    this.ctx = {
      store: this.store,
      updater: this.updater,
      callControl: options.callControl,
      clock: this.clock,
      logger: this.logger,
      lives: this.lives,
      settings: (queue) => this.settings(queue),
      record: (callId, event, at) => this.record(callId, event, at),
      emit: (live, event) => this.emit(live, event),
      report: (event) => this.emitAll(event),
      handleResult: (result) => this.handleResult(result),
    };
    const policy: OfferPolicy = { busyPauseMs: (options.busyPauseSec ?? 30) * 1000, switchFaultPauseMs: options.switchFaultPauseMs ?? 1000 };
    this.connector = new CallConnector(this.ctx, policy);
    this.virtual = new VirtualCalls(this.ctx, { policy, queues: () => this.options.queues() });
    this.timetable = new AcdTimetable({
      store: this.store,
      updater: this.updater,
      clock: this.clock,
      logger: this.logger,
      handleResult: (result) => this.handleResult(result),
      active: () => this.state === 'started' && this.isRecovered,
      sweepIntervalMs: options.sweepIntervalMs ?? 5000,
    });
  }

  /**
   * Subscribe to this instance's inbox and take calls. The calls a previous
   * run with this instance id left in Redis are recovered (see
   * acd-recovery.ts) as soon as the call control is ready — at once when it
   * already is, otherwise in the background (`recovered()` tells when); until
   * then the timetable and other instances' notices wait, so no call is
   * judged gone merely because the switch connection is not up yet.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the ACD was already ${this.state}`);
    this.state = 'starting';
    const subscriber = this.options.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => this.logger.warn({ err }, 'ACD inbox connection error'));
    const virtualWake = this.store.wakeChannel(VIRTUAL_OWNER);
    subscriber.on('message', (channel: string, text: string) => {
      if (this.state !== 'started') return;
      if (channel === virtualWake) this.virtual.notify();
      else if (!this.isRecovered) this.buffered.push(text);
      else void this.handleInboxText(text);
    });
    // After a reconnection, notices published meanwhile are still in the inbox list
    // (and virtual reservations in theirs).
    subscriber.on('ready', () => {
      if (this.state !== 'started') return;
      if (this.isRecovered) void this.drainInbox();
      this.virtual.notify();
    });
    await subscriber.subscribe(this.store.wakeChannel(), virtualWake);
    await this.store.scheduleDayRollover(nextDayStart(this.clock.now()));
    this.state = 'started';
    this.recovery = this.recoverWhenReady();
    if (this.options.callControl.ready) await this.recovery;
  }

  /** Resolves once the calls of a previous run have been recovered. */
  recovered(): Promise<void> {
    return this.recovery ?? Promise.reject(new Error('the ACD is not started'));
  }

  private async recoverWhenReady(): Promise<void> {
    while (!this.options.callControl.ready) {
      if (this.state !== 'started') return;
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, READY_CHECK_MS));
    }
    if (this.state !== 'started') return;
    const pending = await this.store.drainInbox();
    await recoverOwnedCalls({ ctx: this.ctx, connector: this.connector, watchCaller: (live) => this.watchCaller(live) });
    this.isRecovered = true;
    for (const text of [...new Set([...pending, ...this.buffered.splice(0)])]) await this.handleInboxText(text);
    for (const r of this.deferred.splice(0)) await this.handleNotice({ kind: 'assigned', call: r.call, agent: r.agent });
    await this.timetable.run();
    this.timetable.startSweep();
  }

  /**
   * Stop timers and the inbox. Calls stay in Redis as they are: the next start
   * with this instance id recovers them, and other instances keep serving the
   * shared queues and timetable meanwhile.
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.timetable.stop();
    for (const live of this.lives.values()) live.close();
    this.lives.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  async enqueue(call: Call, decision: RouteDecision, context: CallerContext, options: EnqueueOptions = {}): Promise<EnqueueResult> {
    if (this.state !== 'started') throw new Error('the ACD is not started');
    const settings = this.options.queues()[decision.queue];
    if (!settings) throw new NotFoundError('queue', decision.queue);
    checkDecision(decision);
    if (this.lives.has(call.id)) throw new CallAlreadyQueuedError(call.id);
    const now = Math.floor(this.clock.now());
    const live = new LiveCall(call.id, call, decision.queue, decision.tier, now, options.arrivedAt ?? now, agentVariables({ callId: call.id, tier: decision.tier, queue: decision.queue, accountId: context.customer?.accountId ?? null, reason: decision.reason }));
    const record: QueuedCallRecord = {
      id: call.id,
      queue: decision.queue,
      skill: decision.skill,
      minLevel: decision.minAgentLevel,
      priority: decision.priority,
      preferHighestLevel: decision.preferHighestLevel,
      overflow: decision.overflow,
      overflowed: false,
      enqueuedAt: now,
      arrivedAt: live.arrivedAt,
      state: 'waiting',
      agent: null,
      owner: this.instanceId,
      member: waitingMember(now, call.id),
      tier: decision.tier,
      callerNumber: call.callerNumber,
      context: serializeCallerContext(context),
      reason: decision.reason,
      leg: null,
      bridge: null,
      offeredAt: null,
      answeredAt: null,
      virtual: false,
    };
    live.overflow = decision.overflow;
    this.lives.set(call.id, live);
    let result: ScriptResult;
    try {
      result = await this.store.enqueue(record, settings.maxWaiting);
    } catch (err) {
      this.lives.delete(call.id);
      throw err;
    }
    if (result.status === 'exists') {
      this.lives.delete(call.id);
      throw new CallAlreadyQueuedError(call.id);
    }
    if (result.status === 'full') {
      this.lives.delete(call.id);
      return { kind: 'full', queue: decision.queue, waiting: result.waiting ?? settings.maxWaiting, maxWaiting: settings.maxWaiting };
    }
    const position = result.position ?? 0;
    // In call order: queued is written before anything the reservation below leads to.
    this.record(call.id, { type: 'queued', queue: decision.queue, tier: decision.tier, priority: decision.priority, position }, now);
    this.emit(live, { type: 'queued', callId: call.id, queue: decision.queue, position });
    this.handleResult(result);
    if (options.musicOnHold !== false) {
      live.moh = call.startMoh().catch((err: unknown) => this.logger.warn({ err, callId: call.id }, 'music on hold did not start'));
    }
    this.watchCaller(live);
    const estimatedWaitMs = position > 0 ? ((await this.status(call.id))?.estimatedWaitMs ?? null) : 0;
    return this.handle(live, decision.priority, position, estimatedWaitMs);
  }

  /** Where a call stands: position, estimated wait; null once it is no longer waiting for an agent. */
  async status(callId: string): Promise<WaitStatus | null> {
    const rec = await this.store.getCall(callId);
    if (!rec || rec.state === 'bridged') return null;
    const window = this.options.handleTimeWindow ?? 20;
    const figures = await this.store.waitFigures(rec, window);
    const position = rec.state === 'waiting' && figures.rank !== null ? figures.rank + 1 : 0;
    const defaultHandle = this.options.defaultHandleSec === undefined ? 180_000 : this.options.defaultHandleSec === null ? null : this.options.defaultHandleSec * 1000;
    const averageHandleMs = averageHandleTime(figures.handleTimes, window, defaultHandle);
    return {
      stage: rec.state === 'waiting' ? 'waiting' : 'offered',
      position,
      waiting: figures.waiting,
      estimatedWaitMs: estimateWait({ position, staffedAgents: figures.staffed, averageHandleMs }),
      waitedMs: Math.max(0, this.clock.now() - rec.enqueuedAt),
      overflowed: rec.overflowed,
    };
  }

  /** Calls waiting for an agent (not those being offered), first served first; all queues when none is named. */
  async waiting(queue?: string): Promise<WaitingCallView[]> {
    const queues = this.options.queues();
    const ids = queue === undefined ? Object.keys(queues).sort() : [queue];
    const now = this.clock.now();
    const out: WaitingCallView[] = [];
    for (const q of ids) {
      const rate = queues[q]?.agingPerMinute ?? 0;
      const calls = await this.store.getCalls(await this.store.waitingIds(q));
      calls.forEach((c, i) => {
        out.push({
          callId: c.id,
          queue: c.queue,
          tier: c.tier,
          priority: c.priority,
          effectivePriority: effectivePriorityAt({ priority: c.priority, agingPerMinute: rate, enqueuedAt: c.enqueuedAt }, now),
          position: i + 1,
          waitedMs: now - c.enqueuedAt,
          overflowed: c.overflowed,
          callerNumber: c.callerNumber,
          owner: c.owner,
          virtual: c.virtual,
        });
      });
    }
    return out;
  }

  /**
   * Takes a call that is talking to an agent out of its bridge for a blind
   * transfer (the agent to wrap-up). Null when this instance does not hold the
   * call bridged (not here, not answered yet, or already ended).
   */
  async releaseForTransfer(callId: string, toQueue: string, by: string): Promise<TransferRelease | null> {
    const live = this.lives.get(callId);
    if (!live) return null;
    return this.connector.releaseForTransfer(live, toQueue, by);
  }

  /** Where a queued or bridged call stands in the shared state: null when no instance has it. */
  async callState(callId: string): Promise<{ state: string; owner: string; queue: string; agent: string | null } | null> {
    const rec = await this.store.getCall(callId);
    return rec ? { state: rec.state, owner: rec.owner, queue: rec.queue, agent: rec.agent } : null;
  }

  /** The call an agent's leg (channel id) of this instance belongs to. */
  callByAgentLeg(legId: string): string | null {
    for (const live of this.lives.values()) if (live.agentCall?.id === legId) return live.id;
    return null;
  }

  /** Whether this instance holds the call (its caller is in our Stasis app). */
  holds(callId: string): boolean {
    return this.lives.has(callId);
  }

  onEvent(listener: AcdEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private handle(live: LiveCall, priority: number, position: number, estimatedWaitMs: number | null): QueuedCall {
    return {
      kind: 'queued',
      callId: live.id,
      queue: live.queue,
      position,
      estimatedWaitMs,
      enqueuedAt: live.enqueuedAt,
      priority,
      settled: live.settled,
      status: () => this.status(live.id),
      leave: (reason) => this.leave(live, reason),
      onEvent: (listener) => live.onEvent(listener),
    };
  }

  private async leave(live: LiveCall, reason: string): Promise<boolean> {
    if (typeof reason !== 'string' || !reason.trim()) throw new ValidationError('reason: say why the call leaves the queue', { field: 'reason' });
    if (live.phase === 'done' || live.phase === 'bridged' || live.callerGone) return false;
    live.leaving ??= reason.trim();
    if (live.phase === 'offering') {
      live.offer?.abort.abort();
      await live.offer?.done;
    } else {
      await this.connector.finishUnserved(live);
    }
    return live.settlement?.kind === 'removed';
  }

  private watchCaller(live: LiveCall): void {
    const stop = live.call.on((event) => {
      if (event.type === 'hangup' || event.type === 'end') this.callerGone(live);
    });
    live.addCleanup(stop);
    if (live.call.gone) this.callerGone(live);
  }

  private callerGone(live: LiveCall): void {
    if (live.callerGone) return;
    live.callerGone = true;
    switch (live.phase) {
      case 'offering':
        live.offer?.abort.abort();
        return;
      case 'bridged':
        void this.connector.endBridged(live, 'caller');
        return;
      case 'waiting':
        void this.connector.finishUnserved(live);
        return;
      case 'done':
        return;
    }
  }

  private handleResult(result: ScriptResult): void {
    this.timetable.arm(result.due);
    // Notices first: an overflow is recorded before the offer it led to.
    for (const notice of result.notices ?? []) void this.handleNotice(notice);
    for (const reservation of result.reservations ?? []) this.dispatch(reservation);
  }

  /** A script run by this instance reserved an agent for one of our calls: ring them now. */
  private dispatch(reservation: Reservation): void {
    this.emitAgentState(reservation.agent, 'reserved', reservation.call);
    const live = this.lives.get(reservation.call);
    if (!live && !this.isRecovered) {
      // One of the calls a previous run left: ring once it is recovered (or close it then).
      this.deferred.push(reservation);
      return;
    }
    if (live && live.phase === 'waiting' && !live.callerGone && live.leaving === null) {
      if (!this.options.callControl.ready) this.holdUntilReady(reservation.call, reservation.agent);
      else this.connector.offer(live, reservation);
      return;
    }
    void this.unservable(reservation.call, live).catch((err: unknown) => this.logger.error({ err, callId: reservation.call }, 'releasing an unservable reservation failed'));
  }

  /** A reservation for a call we cannot ring (its caller left, or it is not live here). */
  private async unservable(callId: string, live: LiveCall | undefined): Promise<void> {
    if (live) {
      if (live.phase === 'waiting') await this.connector.finishUnserved(live);
      else this.logger.error({ callId, phase: live.phase }, 'agent reserved for a call that is already being offered');
      return;
    }
    const rec = await this.store.getCall(callId);
    if (rec && rec.owner === this.instanceId && (rec.state === 'reserved' || rec.state === 'waiting')) await this.connector.abandonOrphan(rec);
  }

  private async handleInboxText(text: string): Promise<void> {
    if (this.inflightNotices.has(text)) return;
    this.inflightNotices.add(text);
    try {
      await this.handleNotice(JSON.parse(text) as OwnerNotice);
      await this.store.ackInbox(text);
    } catch (err) {
      this.logger.error({ err, notice: text }, 'handling an inbox notice failed');
    } finally {
      this.inflightNotices.delete(text);
    }
  }

  private async drainInbox(): Promise<void> {
    try {
      for (const text of await this.store.drainInbox()) await this.handleInboxText(text);
    } catch (err) {
      this.logger.error({ err }, 'reading the inbox failed');
    }
  }

  /** Work another instance (or our own script) did for a call this instance owns. */
  private async handleNotice(notice: OwnerNotice): Promise<void> {
    if (notice.kind === 'overflowed') {
      const live = this.lives.get(notice.call);
      if (live?.overflow) {
        if (live.overflowRecorded) return;
        live.overflowRecorded = true;
        const { skill, minAgentLevel } = live.overflow;
        this.record(live.id, { type: 'overflowed', queue: live.queue, skill, minAgentLevel });
        this.emit(live, { type: 'overflowed', callId: live.id, queue: live.queue, skill, minAgentLevel });
        return;
      }
      // Not live here (recovering): the record still gets the overflow.
      const rec = await this.store.getCall(notice.call);
      if (rec?.overflow && rec.overflowed) {
        this.record(rec.id, { type: 'overflowed', queue: rec.queue, skill: rec.overflow.skill, minAgentLevel: rec.overflow.minAgentLevel });
      }
      return;
    }
    // Assigned by another instance: ring the agent if the call is still reserved for them.
    await this.offerReserved(notice.call, notice.agent, true);
  }

  /** Rings `agentId` for our call if the call is still reserved for them; releases what cannot be served. */
  private async offerReserved(callId: string, agentId: string, announce: boolean): Promise<void> {
    const rec = await this.store.getCall(callId);
    if (!rec || rec.state !== 'reserved' || rec.agent !== agentId) return;
    const live = this.lives.get(callId);
    const agent = await this.store.getAgent(agentId);
    if (live && agent && live.phase === 'waiting' && !live.callerGone && live.leaving === null) {
      if (announce) this.emitAgentState(agent.id, 'reserved', rec.id);
      if (!this.options.callControl.ready) this.holdUntilReady(rec.id, agent.id);
      else this.connector.offer(live, { call: rec.id, agent: agent.id, dial: agent.dial, version: agent.version });
    } else {
      await this.unservable(callId, live);
    }
  }

  /**
   * No agent is rung while the switch connection is not ready (events
   * socket down, or our Stasis app taken over by another client): the ring
   * would go out over REST, but the agent's answer, the caller's hang-up and
   * the bridge would never be seen here, so an agent who answers would hear
   * silence and be dropped.
   *
   * Assignment itself cannot be held back: it runs in Redis, on whichever
   * instance frees an agent, for every instance's calls. Giving the agent
   * back (release and requeue) would not help either: the call keeps its
   * place, so the same script reserves the same agent for it again at once.
   * So the reservation is kept: the agent stays reserved for the call the
   * script chose, the one they would be given anyway, and is rung as soon as
   * the connection is ready again, after checking the call is still reserved
   * for them. A caller who hangs up or leaves meanwhile releases the
   * agent without penalty (finishUnserved). If this instance stops first, the
   * reservation stays in Redis and its next start releases it (recovery).
   */
  private holdUntilReady(call: string, agent: string): void {
    if (!this.held.some((h) => h.call === call && h.agent === agent)) this.held.push({ call, agent });
    this.logger.info({ callId: call, agent }, 'agent reserved while the switch connection is not ready; rung once it is');
    this.flushHeldWhenReady();
  }

  private flushHeldWhenReady(): void {
    this.heldFlush ??= this.offerHeldWhenReady()
      .catch((err: unknown) => this.logger.error({ err }, 'offering calls held while the switch was not ready failed'))
      .finally(() => {
        this.heldFlush = null;
        // Held while this run was finishing.
        if (this.held.length > 0 && this.state === 'started') this.flushHeldWhenReady();
      });
  }

  private async offerHeldWhenReady(): Promise<void> {
    for (;;) {
      while (!this.options.callControl.ready) {
        if (this.state !== 'started') return;
        await new Promise<void>((resolve) => this.clock.setTimeout(resolve, READY_CHECK_MS));
      }
      if (this.state !== 'started') return;
      const batch = this.held.splice(0);
      if (batch.length === 0) return;
      for (const { call, agent } of batch) {
        try {
          await this.offerReserved(call, agent, false);
        } catch (err) {
          this.logger.error({ err, callId: call, agent }, 'offering a held reservation failed');
        }
      }
    }
  }

  private settings(queue: string): Readonly<AcdQueueSettings> {
    return this.options.queues()[queue] ?? genericQueueSettings(queue);
  }

  private rates(): Record<string, number> {
    const rates: Record<string, number> = {};
    for (const [id, queue] of Object.entries(this.options.queues())) rates[id] = queue.agingPerMinute;
    return rates;
  }

  private record(callId: string, event: CallEvent, at: number = this.clock.now()): void {
    this.options.recorder.append(callId, event, at).catch((err: unknown) => {
      this.logger.error({ err, callId, event: event.type }, 'could not write the call record');
    });
  }

  private emit(live: LiveCall | null, event: QueuedCallEvent): void {
    live?.emit(event);
    this.emitAll(event);
  }

  private emitAgent(agent: Agent): void {
    this.emitAll({ type: 'agent-state', agent: agent.id, state: agent.state, pauseReason: agent.pauseReason, callId: agent.callId });
  }

  private emitAgentState(agent: string, state: 'reserved', callId: string): void {
    this.emitAll({ type: 'agent-state', agent, state, pauseReason: null, callId });
  }

  private emitAll(event: AcdEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err, event: event.type }, 'ACD event listener failed');
      }
    }
  }
}
