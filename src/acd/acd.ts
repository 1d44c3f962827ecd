import type { Redis } from 'ioredis';
import type { Call, CallControl } from '../call-control/call-control.js';
import type { CallEvent } from '../call-records/call-event.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import { ValidationError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { genericQueueSettings } from '../routing/queue-defaults.js';
import type { CallerContext, RouteDecision } from '../routing/types.js';
import { systemClock, type Clock } from '../time/clock.js';
import type { AcdContext, AcdQueueSettings } from './acd-context.js';
import { Conversations, type ConversationRecorder } from './conversation-recorder.js';
import type { AcdEventListener } from './acd-event.js';
import { AcdEvents } from './acd-events.js';
import { AcdInbox } from './acd-inbox.js';
import { AcdTimetable } from './acd-timetable.js';
import { AcdViews, type WaitingCallView } from './acd-views.js';
import { recoverOwnedCalls, type RecoveryReport } from './acd-recovery.js';
import { AgentDirectory } from './agent-directory.js';
import type { OfferPolicy } from './agent-offer.js';
import { AgentUpdater } from './agent-updater.js';
import { CallConnector, type TransferRelease } from './call-connector.js';
import type { CallQueue, EnqueueOptions, EnqueueResult, WaitStatus } from './call-queue.js';
import type { AgentChoice } from './choose-agent.js';
import type { LiveCall } from './live-call.js';
import { QueueEntry } from './queue-entry.js';
import { RedisAcdStore, type QueuedCallRecord, type ScriptResult } from './redis-acd-store.js';
import type { Agent } from './agent.js';
import { ReservationDispatcher } from './reservation-dispatcher.js';
import { VirtualCalls } from './virtual-calls.js';
import { DialRule } from './dial-rule.js';
import { AcdSwitches } from './acd-switches.js';

export type { WaitingCallView } from './acd-views.js';

export interface AcdOptions {
  redis: Redis;
  keyPrefix: string;
  /** The switch's call control (one switch); with several, `switches` instead. */
  callControl: CallControl;
  /** The switches served, each with its call control, and the dial strings between them. */
  switches?: AcdSwitches;
  /** The queues in force, read at each decision so run-time tuning applies at once. */
  queues: () => Readonly<Record<string, Readonly<AcdQueueSettings>>>;
  recorder: CallRecordLog;
  /** Told of each conversation with an agent (recordings); none: nothing is recorded. */
  conversationRecorder?: ConversationRecorder;
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
  /**
   * Patterns an agent's dial string must match (config
   * `acd.allowedDialStrings`); default: the agents' own phones.
   */
  allowedDialStrings?: readonly string[];
}

/**
 * Automatic call distribution: skill queues and agents in Redis, assignment in
 * one atomic script at the moment something changes — a call is enqueued, an
 * agent becomes available, a call reaches its overflow time — never by polling.
 * Several instances share one Redis: whichever instance's script reserves an
 * agent, the instance owning the caller rings the agent (see lua/lib.lua).
 *
 * start() may come before the call control is ready: calls left by a
 * previous run of this instance are re-adopted once it is.
 *
 * This class wires the parts, each with one role: the start-up, recovery and
 * inbox (acd-inbox.ts), ringing reserved agents (reservation-dispatcher.ts),
 * enqueue and leave (queue-entry.ts), the views of the queues (acd-views.ts)
 * and the event fan-out (acd-events.ts).
 */
export class Acd implements CallQueue {
  readonly agents: AgentDirectory;
  /** Places kept in the queues for callers who are not on the line (callbacks). */
  readonly virtual: VirtualCalls;
  /** Each conversation with an agent, numbered and handed to the conversation recorder (callbacks' too). */
  readonly conversations: Conversations;
  readonly instanceId: string;
  private readonly options: AcdOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly lives = new Map<string, LiveCall>();
  private readonly connector: CallConnector;
  private readonly timetable: AcdTimetable;
  private readonly events: AcdEvents;
  private readonly inbox: AcdInbox;
  private readonly dispatcher: ReservationDispatcher;
  private readonly entry: QueueEntry;
  private readonly views: AcdViews;
  private readonly ctx: AcdContext;

  constructor(options: AcdOptions) {
    if (!/^[A-Za-z0-9_.-]+$/.test(options.instanceId)) {
      throw new ValidationError('instanceId: letters, digits, _ . - only', { field: 'instanceId' });
    }
    this.options = options;
    this.instanceId = options.instanceId;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'acd', instance: options.instanceId });
    this.events = new AcdEvents(this.logger);
    const choice = options.agentChoice ?? 'longest-idle';
    const store = new RedisAcdStore({
      redis: options.redis,
      keyPrefix: options.keyPrefix,
      instanceId: options.instanceId,
      now: () => this.clock.now(),
      rates: () => this.rates(),
      agentChoice: typeof choice === 'function' ? choice : () => choice,
    });
    const updater = new AgentUpdater(store, this.clock, (r) => this.handleResult(r), (agent, before) => {
      this.recordWrapUpEnd(agent, before);
      this.events.agentChanged(agent);
    });
    const dialRule = new DialRule(options.allowedDialStrings);
    const switches = options.switches ?? AcdSwitches.single(options.callControl);
    this.agents = new AgentDirectory(store, updater, this.clock, dialRule, switches.dial);
    this.conversations = new Conversations({
      recorder: options.conversationRecorder ?? null,
      redis: options.redis,
      keyPrefix: options.keyPrefix,
      logger: this.logger,
    });
    const ctx: AcdContext = this.ctx = {
      store,
      updater,
      callControl: switches.all,
      switches,
      clock: this.clock,
      logger: this.logger,
      lives: this.lives,
      settings: (queue) => this.settings(queue),
      record: (callId, event, at) => this.record(callId, event, at),
      emit: (live, event) => this.events.emit(live, event),
      report: (event) => this.events.report(event),
      handleResult: (result) => this.handleResult(result),
      conversations: this.conversations,
    };
    const policy: OfferPolicy = { busyPauseMs: (options.busyPauseSec ?? 30) * 1000, switchFaultPauseMs: options.switchFaultPauseMs ?? 1000 };
    this.connector = new CallConnector(ctx, policy, dialRule);
    this.virtual = new VirtualCalls(ctx, { policy, queues: () => this.options.queues(), dialRule });
    this.timetable = new AcdTimetable({
      store,
      updater,
      clock: this.clock,
      logger: this.logger,
      handleResult: (result) => this.handleResult(result),
      active: () => this.inbox.running && this.inbox.recoveredYet,
      sweepIntervalMs: options.sweepIntervalMs ?? 5000,
    });
    this.views = new AcdViews({
      store,
      clock: this.clock,
      queues: () => this.options.queues(),
      defaultHandleMs: options.defaultHandleSec === undefined ? 180_000 : options.defaultHandleSec === null ? null : options.defaultHandleSec * 1000,
      handleTimeWindow: options.handleTimeWindow ?? 20,
    });
    const running = (): boolean => this.inbox.running;
    this.dispatcher = new ReservationDispatcher({ ctx, connector: this.connector, events: this.events, running, recovered: () => this.inbox.recoveredYet });
    this.entry = new QueueEntry({ ctx, connector: this.connector, events: this.events, queues: () => this.options.queues(), running, status: (callId) => this.views.status(callId) });
    this.inbox = new AcdInbox({
      redis: options.redis,
      ctx,
      connector: this.connector,
      dispatcher: this.dispatcher,
      events: this.events,
      virtual: this.virtual,
      timetable: this.timetable,
      watchCaller: (live) => this.entry.watchCaller(live),
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
  start(): Promise<void> {
    return this.inbox.start();
  }

  /** Resolves once the calls of a previous run have been recovered. */
  recovered(): Promise<void> {
    return this.inbox.recovered();
  }

  /**
   * Stop timers and the inbox. Calls stay in Redis as they are: the next start
   * with this instance id recovers them, and other instances keep serving the
   * shared queues and timetable meanwhile.
   */
  stop(): Promise<void> {
    return this.inbox.stop();
  }

  /**
   * Finishes calls moved to this instance from a dead one (see
   * instance-takeover.ts): each gets a `taken-over` event in its record and
   * is then recovered exactly as after a restart, its channels adopted
   * through `callControl` (the one holding the dead instance's app).
   */
  async takeOver(from: string, callIds: readonly string[], callControl: CallControl): Promise<RecoveryReport> {
    await this.inbox.recovered();
    const now = this.clock.now();
    for (const id of callIds) this.record(id, { type: 'taken-over', from, by: this.instanceId }, now);
    return recoverOwnedCalls({ ctx: this.ctx, connector: this.connector, watchCaller: (live) => this.entry.watchCaller(live) }, { callIds, callControl });
  }

  enqueue(call: Call, decision: RouteDecision, context: CallerContext, options: EnqueueOptions = {}): Promise<EnqueueResult> {
    return this.entry.enqueue(call, decision, context, options);
  }

  /** Where a call stands: position, estimated wait; null once it is no longer waiting for an agent. */
  status(callId: string): Promise<WaitStatus | null> {
    return this.views.status(callId);
  }

  /** Calls waiting for an agent (not those being offered), first served first; all queues when none is named. */
  waiting(queue?: string): Promise<WaitingCallView[]> {
    return this.views.waiting(queue);
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
  callState(callId: string): Promise<{ state: string; owner: string; queue: string; agent: string | null } | null> {
    return this.views.callState(callId);
  }

  /** The call an agent's leg (channel id) of this instance belongs to. */
  callByAgentLeg(legId: string): string | null {
    for (const live of this.lives.values()) if (live.agentCall?.id === legId) return live.id;
    return null;
  }

  /** A queued, offered or bridged call as the shared state keeps it (its context, placement, agent); null once it is over. */
  callRecord(callId: string): Promise<QueuedCallRecord | null> {
    return this.ctx.store.getCall(callId);
  }

  /** Whether this instance holds the call (its caller is in our Stasis app). */
  holds(callId: string): boolean {
    return this.lives.has(callId);
  }

  onEvent(listener: AcdEventListener): () => void {
    return this.events.on(listener);
  }

  /** Follows up a script result: notices first (an overflow is recorded before the offer it led to), then reservations. */
  private handleResult(result: ScriptResult): void {
    this.timetable.arm(result.due);
    for (const notice of result.notices ?? []) void this.inbox.handleNotice(notice);
    for (const reservation of result.reservations ?? []) this.dispatcher.dispatch(reservation);
  }

  private settings(queue: string): Readonly<AcdQueueSettings> {
    return this.options.queues()[queue] ?? genericQueueSettings(queue);
  }

  private rates(): Record<string, number> {
    const rates: Record<string, number> = {};
    for (const [id, queue] of Object.entries(this.options.queues())) rates[id] = queue.agingPerMinute;
    return rates;
  }

  /**
   * Wrap-up time goes into the call's record when it ends, however it ends
   * (its timer, the agent's desk, a supervisor, a logout): the statistics per
   * agent add it up. Written by the instance that made the change, once.
   */
  private recordWrapUpEnd(agent: Agent, before: Agent): void {
    if (before.state !== 'wrap-up' || agent.state === 'wrap-up' || !before.callId) return;
    const now = this.clock.now();
    this.record(before.callId, { type: 'wrap-up-ended', agent: agent.id, wrapMs: Math.max(0, now - before.stateSince) }, now);
  }

  private record(callId: string, event: CallEvent, at: number = this.clock.now()): void {
    this.options.recorder.append(callId, event, at).catch((err: unknown) => {
      this.logger.error({ err, callId, event: event.type }, 'could not write the call record');
    });
  }
}
