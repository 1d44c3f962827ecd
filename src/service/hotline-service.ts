import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Acd } from '../acd/acd.js';
import { InstanceRegistry } from '../acd/instance-registry.js';
import { InstanceTakeover, type HeldApp } from '../acd/instance-takeover.js';
import { AcdSwitches } from '../acd/acd-switches.js';
import { SwitchDial } from '../acd/switch-dial.js';
import type { AriSwitch } from '../config/base-schema.js';
import { createServer } from '../api/create-server.js';
import { AriConnection } from '../ari/ari-connection.js';
import { AriCallControl } from '../call-control/ari-call-control.js';
import type { Call } from '../call-control/call-control.js';
import { CallRecordLog } from '../call-records/call-record-log.js';
import type { Config } from './config-schema.js';
import type { CustomerData } from '../customers/customer-data.js';
import { CustomerRecognition } from '../customers/customer-recognition.js';
import { HttpCustomerBackend } from '../customers/http-customer-backend.js';
import { PasswordGuard } from '../customers/password-guard.js';
import { RedisCustomerStore } from '../customers/redis-customer-store.js';
import { allFlows, dialogueFlows } from '../flows/all-flows.js';
import { validateFlows, type FlowSet } from '../flows/validate-flows.js';
import { applyMenuOrder } from '../flows/menu-order.js';
import { createHandOff } from '../ivr/hand-off.js';
import { createHoldExperience } from '../ivr/hold-experience.js';
import { createQueueAtOnce } from '../ivr/queue-at-once.js';
import { createIncomingCallHandler } from '../ivr/incoming-call-handler.js';
import type { SessionEnd } from '../ivr/call-session.js';
import { loadPromptManifest, type PromptManifest } from '../prompts/prompt-manifest.js';
import { RoutingPolicy } from '../routing/routing-policy.js';
import { checkPolicyReferences } from './check-policy-references.js';
import { PortInUseError } from './port-in-use-error.js';
import { AcdLiveStats } from './acd-live-stats.js';
import { TransferDesk } from '../transfers/transfer-desk.js';
import { resumeTransferred } from '../transfers/resume-transferred.js';
import { CallbackService } from '../callbacks/callback-service.js';
import { CallbackDesk } from '../callbacks/callback-desk.js';
import { isOutboundLeg } from '../outbound/outbound-legs.js';
import { FollowUps } from '../care/follow-ups.js';
import { ComplaintTickets } from '../care/complaint-tickets.js';
import { ComplaintDesk } from '../care/complaint-desk.js';
import { createComplaintIntake } from '../care/complaint-intake.js';
import { CareStats } from '../care/care-stats.js';
import type { CallbacksConfig } from '../callbacks/callbacks-config.js';
import type { CareConfig } from '../care/care-config.js';
import { ApiKeyStore } from '../auth/api-key-store.js';
import { AuditLog } from '../auth/audit-log.js';
import { PolicySync } from '../routing-sync/policy-sync.js';
import { StatsAggregator } from '../stats/stats-aggregator.js';
import { RealtimeStats } from '../stats/realtime-stats.js';
import { SupervisorEventHub } from '../api/stream/supervisor-events.js';
import { HotlineMetrics } from '../api/metrics/hotline-metrics.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import { systemClock, type Clock } from '../time/clock.js';
import { RetentionJob } from '../retention/retention-job.js';
import { WhatIfJobs } from '../whatif/whatif-jobs.js';
import { RetentionPurge } from '../retention/retention-purge.js';
import { RedisOutage } from '../infra/redis-outage.js';
import { createRedis } from '../infra/redis-connection.js';
import { Recordings } from '../recordings/recordings.js';
import { createRecordingStore } from '../recordings/create-store.js';
import { openComplaintCalls } from '../recordings/open-complaint-calls.js';
import { mayRecordTier, type RecordingsConfig } from '../recordings/recordings-config.js';
import { RECORDING_NOTICE_PROMPT } from '../flows/recording-notice.js';
import { AgentDesk } from '../desk/agent-desk.js';
import { DeskNotices } from '../desk/desk-notices.js';
import { DeskStore } from '../desk/desk-store.js';
import type { DeskConfig } from '../desk/desk-config.js';
import { AgentPins } from '../auth/agent-pins.js';
import { Campaigns } from '../campaigns/campaigns.js';
import type { CampaignsConfig } from '../campaigns/campaigns-config.js';
import { createCampaignHandOff } from '../ivr/campaign-hand-off.js';

/** How long a stop waits for the IVR sessions still running (callers in menus) before it goes on. */
const SESSIONS_STOP_GRACE_MS = 10_000;

export interface HotlineServiceOptions {
  config: Config;
  logger: Logger;
  /** Every part of the service reads the time and arms its timers here; the wall clock unless a test moves time itself. */
  clock?: Clock;
  /** Multiplies caller timeouts and hold intervals; below 1 only against a time-compressed simulator. */
  timeScale?: number;
  onSessionEnd?: (callId: string, end: SessionEnd) => void;
}

/**
 * Wires one service instance: Redis, the ARI connection and call control,
 * customer data, routing policy, the ACD, the IVR, and the HTTP server.
 * Everything is validated before the first call can arrive: a broken flow, a
 * missing prompt or a tier pointing at a flow that does not exist stops
 * start-up with a message naming it.
 */
export class HotlineService {
  readonly config: Config;
  readonly logger: Logger;
  readonly instanceId: string;
  readonly redis: Redis;
  /** Whether Redis can be reached, logged once per change. */
  readonly redisOutage: RedisOutage;
  /** The connection to the first switch served (the only one with one switch). */
  readonly ari: AriConnection;
  readonly callControl: AriCallControl;
  /** Every switch served: its connection and call control, by `ari.servers` id, the first one first. */
  readonly switchConnections: ReadonlyMap<string, { ari: AriConnection; callControl: AriCallControl }>;
  /** The switches as the ACD, callbacks and surveys use them. */
  readonly switches: AcdSwitches;
  readonly recorder: CallRecordLog;
  readonly customers: CustomerData;
  readonly passwords: PasswordGuard;
  readonly policy: RoutingPolicy;
  readonly manifest: PromptManifest;
  readonly flows: FlowSet;
  readonly acd: Acd;
  /** This instance's lease, and the takeover of a dead instance's calls. */
  readonly instances: InstanceTakeover;
  readonly keys: ApiKeyStore;
  readonly audit: AuditLog;
  /** Every run-time routing change goes through here, so it reaches every instance. */
  readonly sync: PolicySync;
  readonly stats: StatsAggregator;
  readonly realtime: RealtimeStats;
  readonly events: SupervisorEventHub;
  readonly metrics: HotlineMetrics;
  readonly transfers: TransferDesk;
  readonly callbacks: CallbackService;
  readonly callbackDesk: CallbackDesk;
  readonly followUps: FollowUps;
  readonly complaintDesk: ComplaintDesk;
  /** The agents' desk: screen pops, the agent's own actions, PIN sign-in. */
  readonly desk: AgentDesk;
  readonly deskNotices: DeskNotices;
  readonly agentPins: AgentPins;
  /** Outbound campaigns and the do-not-call list. */
  readonly campaigns: Campaigns;
  /** Conversations recorded and their store; null when recordings.enabled is false. */
  readonly recordings: Recordings | null;
  /** Deletes, once a day, the records older than their retention. */
  readonly retention: RetentionJob;
  /** What-if runs of routing and staffing changes, one at a time. */
  readonly whatif: WhatIfJobs;
  readonly sessions = new Set<Promise<SessionEnd>>();
  /** Aborted when stop() begins: callers waiting in a queue are left to their recovery. */
  private readonly stopping = new AbortController();
  private http: FastifyInstance | null = null;
  /** Every new caller, in our app or in a dead instance's app held after a takeover. */
  private readonly onIncoming: (call: Call) => void;
  private readonly clock: Clock;
  private readonly now: () => number;

  constructor(options: HotlineServiceOptions) {
    const { config } = options;
    this.config = config;
    this.clock = options.clock ?? systemClock;
    this.redis = createRedis(config.redis, 'service', { lazyConnect: true });
    // Every part logs through this logger: a Redis outage is one line when it
    // starts and one when it ends, not an error per connection and retry.
    this.redisOutage = new RedisOutage({ redis: this.redis, logger: options.logger.child({ component: 'redis' }), timers: this.clock });
    const logger = this.redisOutage.quiet(options.logger);
    this.logger = logger;
    this.now = () => this.clock.now();
    // Stable across restarts: the ACD recovers the calls an instance owned by this id.
    this.instanceId = config.instance.id ?? `${hostname()}-${config.ari.app}`.replace(/[^A-Za-z0-9_.-]/g, '-');

    this.manifest = loadPromptManifest(config.prompts.manifest);
    this.flows = validateFlows(applyMenuOrder([...allFlows, ...dialogueFlows], config.ivr.menuOrder), this.manifest);
    const validate = (candidate: RoutingSnapshot) => checkPolicyReferences(candidate, this.flows, this.manifest);
    this.policy = new RoutingPolicy({ routing: config.routing, queues: config.queues }, { validate });

    const prefix = config.redis.keyPrefix;
    this.recorder = new CallRecordLog({ redis: this.redis, keyPrefix: prefix, clock: this.clock, maxEvents: config.callRecords.maxEvents });

    const source = config.customers.source;
    this.customers = source.backend === 'http'
      ? new HttpCustomerBackend({ baseUrl: source.baseUrl, ...(source.token ? { token: source.token } : {}), timeoutMs: source.timeoutMs, retries: source.retries, circuit: source.circuit, clock: this.clock })
      : new RedisCustomerStore(this.redis, prefix);
    this.passwords = new PasswordGuard({
      redis: this.redis, keyPrefix: prefix, customers: this.customers,
      maxAttempts: config.customers.password.maxAttempts, lockMinutes: config.customers.password.lockMinutes,
    });

    const several = config.ari.servers.length > 0;
    const connections = new Map<string, { ari: AriConnection; callControl: AriCallControl }>();
    for (const id of config.ari.serve) {
      const sw = config.ari.switches.find((s) => s.id === id)!;
      const switchLogger = several ? logger.child({ switch: id }) : logger;
      const ari = this.connectTo(sw, sw.app, switchLogger.child({ component: 'ari' }), {
        // Never steal our app from a survivor finishing the calls it took over from us.
        mayTakeBack: async () => !(await this.instances.ownAppHeld()),
        takeBack: config.ari.takeBack,
      });
      const callControl = new AriCallControl(ari, { logger: switchLogger.child({ component: 'call-control' }), ...(several ? { switchId: id } : {}) });
      connections.set(id, { ari, callControl });
    }
    this.switchConnections = connections;
    const first = connections.get(config.ari.serve[0]!)!;
    this.ari = first.ari;
    this.callControl = first.callControl;
    this.switches = new AcdSwitches(
      [...connections].map(([id, c]) => ({ id, callControl: c.callControl })),
      new SwitchDial({ switches: config.ari.switches.map((s) => s.id), crossSwitchDial: config.acd.crossSwitchDial }),
    );

    this.acd = new Acd({
      redis: this.redis,
      keyPrefix: prefix,
      callControl: this.callControl,
      switches: this.switches,
      queues: () => this.policy.snapshot().queues,
      recorder: this.recorder,
      logger: logger.child({ component: 'acd' }),
      instanceId: this.instanceId,
      clock: this.clock,
      allowedDialStrings: config.acd.allowedDialStrings,
      // The recordings are built further down (they need the audit trail and the complaint tickets).
      conversationRecorder: { bridged: (segment, bridge, callControl) => this.recordings?.bridged(segment, bridge, callControl) },
    });

    this.instances = new InstanceTakeover({
      registry: new InstanceRegistry(this.redis, prefix),
      instanceId: this.instanceId,
      info: {
        app: config.ari.app, ariUrl: config.ari.url,
        ...(several ? { switches: Object.fromEntries(config.ari.serve.map((id) => { const s = config.ari.switches.find((x) => x.id === id)!; return [id, { app: s.app, url: s.url }]; })) } : {}),
      },
      ...config.acd.instances,
      adopt: (from, callIds, callControl) => this.acd.takeOver(from, callIds, callControl),
      openApp: (app, switchId) => this.holdApp(app, switchId),
      onTakeover: (from, calls) => this.metrics.tookOver(from, calls),
      logger,
    });

    this.callbacks = new CallbackService({
      // A copy: the module's types take plain (not readonly) settings; the frozen config is never written.
      config: structuredClone(config.callbacks) as CallbacksConfig, redis: this.redis, redisUrl: config.redis.url, redisSentinel: config.redis, keyPrefix: prefix, acd: this.acd,
      callControl: this.switches.all, policy: this.policy, recorder: this.recorder, logger: logger.child({ component: 'callbacks' }), clock: this.clock,
    });
    this.callbackDesk = new CallbackDesk(this.callbacks, this.acd);
    this.followUps = new FollowUps({
      config: structuredClone(config.care) as CareConfig, outbound: structuredClone(config.callbacks.outbound) as CallbacksConfig['outbound'], redis: this.redis, redisUrl: config.redis.url, redisSentinel: config.redis, keyPrefix: prefix,
      // Surveys are dialled on the first switch served (the composite originates there).
      acd: this.acd, callControl: this.switches.all, policy: this.policy, recorder: this.recorder, callbacks: this.callbacks,
      logger: logger.child({ component: 'follow-ups' }), clock: this.clock, flows: this.flows, timeScale: options.timeScale ?? 1,
    });
    const tickets = new ComplaintTickets(this.redis, prefix, config.care.timeZone);
    this.complaintDesk = new ComplaintDesk(tickets, this.recorder, this.clock);
    this.retention = new RetentionJob({
      purge: new RetentionPurge({
        surveys: this.followUps.store, complaints: tickets, callRecords: this.recorder, clock: this.clock, logger: logger.child({ component: 'retention' }),
        policy: { surveyMonths: config.care.survey.retentionMonths, closedComplaintMonths: config.care.complaints.closedRetentionMonths, callRecordMonths: config.callRecords.retentionMonths },
      }),
      redisUrl: config.redis.url, redisSentinel: config.redis, keyPrefix: prefix, schedule: config.retention, logger: logger.child({ component: 'retention' }),
    });
    this.whatif = new WhatIfJobs({
      redisUrl: config.redis.url, redisSentinel: config.redis, keyPrefix: prefix, settings: config.whatif,
      snapshot: () => this.policy.snapshot(),
      agents: () => this.acd.agents.list(),
      callRecords: (from, to) => this.recorder.range(from, to),
      shortAbandonSec: config.stats.shortAbandonSec,
      clock: this.clock, logger: logger.child({ component: 'whatif' }),
    });
    const complaints = createComplaintIntake({ tickets, policy: this.policy, recorder: this.recorder, queue: config.care.complaints.queue, clock: this.clock });

    this.keys = new ApiKeyStore({ redis: this.redis, keyPrefix: prefix, clock: this.clock, sessionTtlMs: config.desk.signIn.sessionHours * 3600_000 });
    this.agentPins = new AgentPins({ redis: this.redis, keyPrefix: prefix, maxAttempts: config.desk.signIn.maxAttempts, lockMinutes: config.desk.signIn.lockMinutes, clock: this.clock });
    this.audit = new AuditLog({ redis: this.redis, keyPrefix: prefix });
    this.recordings = config.recordings.enabled
      ? new Recordings({
        // A copy: the module's types take plain (not readonly) settings; the frozen config is never written.
        config: structuredClone(config.recordings) as RecordingsConfig, redis: this.redis, redisUrl: config.redis.url, redisSentinel: config.redis, keyPrefix: prefix,
        store: createRecordingStore(config.recordings.store, process.env),
        switchControl: (id) => this.switches.control(id),
        openComplaintCalls: openComplaintCalls(tickets),
        audit: this.audit, clock: this.clock, logger: logger.child({ component: 'recordings' }),
      })
      : null;
    this.sync = new PolicySync({ redis: this.redis, keyPrefix: prefix, policy: this.policy, audit: this.audit, validate, logger: logger.child({ component: 'routing-sync' }), clock: this.clock });
    this.stats = new StatsAggregator({ redis: this.redis, streamKey: this.recorder.key, settings: config.stats, clock: this.clock });
    this.events = new SupervisorEventHub((err) => logger.warn({ err }, 'supervisor event listener failed'));
    this.metrics = new HotlineMetrics();
    this.acd.onEvent((event) => this.events.publishAcd(event));
    this.policy.onChange((change) => this.events.publishRouting(change));
    this.events.subscribe((event) => this.metrics.observe(event));
    let reconnectsSeen = 0;
    for (const { ari } of connections.values()) {
      ari.on('ready', () => {
        while (reconnectsSeen < this.reconnects()) { reconnectsSeen += 1; this.metrics.ariReconnected(); }
      });
    }
    const queueSkills = () => Object.fromEntries(Object.entries(this.policy.snapshot().queues).map(([id, q]) => [id, q.skill]));
    this.realtime = new RealtimeStats({
      aggregator: this.stats,
      live: new AcdLiveStats(this.acd, queueSkills, new CareStats(this.callbackDesk, this.followUps.results, this.clock)),
      snapshot: () => this.policy.snapshot(),
      timeZone: config.stats.timeZone,
      clock: this.clock,
    });

    const handOffDeps = {
      stopping: this.stopping.signal,
      policy: this.policy,
      queue: this.acd,
      recorder: this.recorder,
      complaints,
      hold: createHoldExperience({ policy: this.policy, recorder: this.recorder, callbacks: this.callbacks, flows: this.flows, clock: this.clock, timeScale: options.timeScale ?? 1 }),
    };
    const handOff = createHandOff(handOffDeps);
    const queueAtOnce = createQueueAtOnce(handOffDeps);
    const recognition = new CustomerRecognition(this.customers, config.customers.cacheTtlMs, this.clock);
    this.transfers = new TransferDesk({
      acd: this.acd, redis: this.redis, keyPrefix: prefix,
      queues: () => this.policy.snapshot().queues,
      resume: (release, toQueue, by, reason) => this.track(resumeTransferred(release, toQueue, by, {
        handOff, recognition, recorder: this.recorder, logger, defaultLanguage: config.sounds.language, clock: this.clock,
      }, reason)),
      logger: logger.child({ component: 'transfers' }),
    });
    this.deskNotices = new DeskNotices(this.redis, prefix, logger.child({ component: 'desk' }));
    this.desk = new AgentDesk({
      agents: this.acd.agents, calls: this.acd, store: new DeskStore(this.redis, prefix, config.desk.recentCalls), notices: this.deskNotices,
      customers: this.customers, complaints: tickets, policy: this.policy, recorder: this.recorder, transfers: this.transfers, callbacks: this.callbacks,
      // A copy: the module's types take plain (not readonly) settings; the frozen config is never written.
      config: structuredClone(config.desk) as DeskConfig, timeZone: config.stats.timeZone, language: config.sounds.language,
      clock: this.clock, logger: logger.child({ component: 'desk' }),
    });
    this.acd.onEvent((event) => this.desk.observe(event));
    const handler = createIncomingCallHandler({
      flows: this.flows,
      services: { customers: this.customers, passwords: this.passwords, recorder: this.recorder, handOff, queueAtOnce, now: this.now,
        recordingNotice: (tier) => (mayRecordTier(config.recordings, tier) ? RECORDING_NOTICE_PROMPT : null), timeScale: options.timeScale ?? 1 },
      recognition,
      policy: this.policy,
      recorder: this.recorder,
      logger,
      defaultLanguage: config.sounds.language,
      instanceId: this.instanceId,
      now: this.now,
      ...(options.onSessionEnd ? { onSessionEnd: options.onSessionEnd } : {}),
    });
    this.campaigns = new Campaigns({
      // A copy: the module's types take plain (not readonly) settings; the frozen config is never written.
      config: structuredClone(config.campaigns) as CampaignsConfig, outbound: structuredClone(config.callbacks.outbound) as CallbacksConfig['outbound'],
      redis: this.redis, redisUrl: config.redis.url, redisSentinel: config.redis, keyPrefix: prefix,
      // Campaign calls are dialled on the first switch served (the composite originates there).
      callControl: this.switches.all, customers: this.customers, policy: this.policy, flows: this.flows, prompts: this.manifest,
      virtual: this.acd.virtual,
      handOff: createCampaignHandOff({
        handOff, recognition, policy: this.policy, recorder: this.recorder, logger, instanceId: this.instanceId, now: this.now,
        recordingNotice: (tier) => (mayRecordTier(config.recordings, tier) ? RECORDING_NOTICE_PROMPT : null),
        ...(options.onSessionEnd ? { onSessionEnd: options.onSessionEnd } : {}),
      }),
      logger, clock: this.clock, timeScale: options.timeScale ?? 1,
    });
    this.campaigns.onChange((id) => void this.campaigns.desk.view(id)
      .then((view) => this.events.publishCampaign(view))
      .catch((err: unknown) => logger.debug({ err, campaign: id }, 'campaign progress not published')));
    this.onIncoming = (call) => {
      // An agent's or customer's leg we dialled, answering after a restart lost its originate: not a caller.
      if (isOutboundLeg(call)) {
        void call.hangup();
        return;
      }
      this.track(handler(call));
    };
    for (const { callControl } of connections.values()) callControl.onIncomingCall(this.onIncoming);
  }

  /** Reconnections of every switch connection, together. */
  private reconnects(): number {
    let n = 0;
    for (const { ari } of this.switchConnections.values()) n += ari.reconnects;
    return n;
  }

  /** Whether every switch connection is up with its app registered. */
  private ariReady(): boolean {
    return [...this.switchConnections.values()].every((c) => c.ari.ready);
  }

  /** Why ARI is not ready: the first switch connection that is not, named when there are several. */
  private ariNotReadyReason(): string | null {
    for (const [id, { ari }] of this.switchConnections) {
      if (!ari.ready) return this.switchConnections.size > 1 ? `switch ${id}: ${ari.notReadyReason ?? 'not ready'}` : ari.notReadyReason;
    }
    return null;
  }

  /** An ARI connection to one switch, for one app, with the section's timings. */
  private connectTo(sw: AriSwitch, app: string, logger: Logger, options: Pick<ConstructorParameters<typeof AriConnection>[0], 'mayTakeBack' | 'takeBack'>): AriConnection {
    const { ari } = this.config;
    return new AriConnection({
      url: sw.url, user: sw.user, password: sw.password, app,
      requestTimeoutMs: ari.requestTimeoutMs, reconnect: ari.reconnect, ...options,
      rest: {
        originateTimeoutMs: ari.originateTimeoutMs, channelCommandTimeoutMs: ari.channelCommandTimeoutMs,
        keepAliveMs: ari.keepAliveMs, serverKeepAliveMs: ari.serverKeepAliveMs,
        connections: ari.connections, channelConnections: ari.channelConnections,
      },
      logger,
    });
  }

  /**
   * Registers a dead instance's Stasis app on a second events connection to
   * our switch: its channels are adopted through it, and callers the
   * dialplan still sends there run through our IVR as our own. It never takes
   * the app back from another client (the owner came back).
   */
  private async holdApp(app: string, switchId?: string): Promise<HeldApp> {
    const { ari } = this.config;
    const id = switchId ?? ari.serve[0]!;
    const own = this.switchConnections.get(id);
    const sw = ari.switches.find((s) => s.id === id);
    if (!own || !sw) throw new Error(`switch "${id}" is not one this instance serves`);
    const logger = this.logger.child({ component: 'ari', heldApp: app, ...(switchId ? { switch: switchId } : {}) });
    const connection = this.connectTo(sw, app, logger, { mayTakeBack: () => false });
    const callControl = new AriCallControl(connection, { logger: logger.child({ component: 'call-control' }), ...(switchId ? { switchId } : {}) });
    const unlink = own.callControl.linkPeer(callControl);
    callControl.onIncomingCall(this.onIncoming);
    const close = async () => {
      callControl.close();
      unlink();
      await connection.stop();
    };
    connection.start();
    try {
      await connection.waitUntilReady(Math.max(ari.requestTimeoutMs, 5000));
    } catch (err) {
      await close();
      throw err;
    }
    return { callControl, calls: () => callControl.resources().calls, close };
  }

  /** Keeps a running session so stop() can wait for it. */
  private track(session: Promise<SessionEnd>): void {
    this.sessions.add(session);
    void session
      .catch((err: unknown) => this.logger.error({ err }, 'call session failed'))
      .finally(() => this.sessions.delete(session));
  }

  /**
   * Starts Redis, the ACD, the HTTP server and then the ARI connection;
   * resolves once listening (ARI may still be connecting: /readyz says so).
   *
   * The HTTP port is bound before the events WebSocket is opened. Opening it
   * registers our Stasis app, and Asterisk silently takes the app from
   * whichever client held it (ApplicationReplaced): a second instance started
   * by mistake with the same app name and port would take the running
   * instance's calls and then die on the busy port. Bound first, it dies
   * before it has touched the switch. On any start-up failure what was
   * started is stopped again and start() rejects.
   */
  async start(): Promise<{ url: string }> {
    try {
      return await this.startParts();
    } catch (err) {
      await this.stop().catch((stopErr: unknown) => this.logger.warn({ err: stopErr }, 'stopping after a failed start-up failed'));
      throw err;
    }
  }

  private async startParts(): Promise<{ url: string }> {
    await this.redis.connect();
    // The routing stored by supervisors (if newer than the files) is in force before the first call.
    await this.sync.start();
    await this.acd.agents.seed(this.config.agents);
    // Calls a previous run left are recovered, and dial jobs taken, once ARI is ready.
    await this.acd.start();
    await this.transfers.start();
    await this.callbacks.start();
    await this.followUps.start();
    await this.campaigns.start();
    await this.retention.start();
    this.whatif.start();
    await this.recordings?.start();
    await this.stats.refresh();
    const prefix = this.config.redis.keyPrefix;
    this.http = await createServer({
      logger: this.logger,
      dependencyRetryAfterSec: this.redisOutage.retryAfterSec,
      supervisor: {
        settings: this.config.api, statsSettings: this.config.stats, redis: this.redis, keyPrefix: prefix,
        keys: this.keys, audit: this.audit, policy: this.policy, sync: this.sync, stats: this.stats,
        realtime: this.realtime, agents: this.acd.agents, events: this.events, metrics: this.metrics, clock: this.clock,
        transfers: this.transfers,
        campaigns: this.campaigns.desk, campaignUploadLimitBytes: this.config.campaigns.uploadLimitBytes,
        care: { callbacks: this.callbackDesk, complaints: this.complaintDesk, surveys: this.followUps.results },
        ...(this.recordings ? { recordings: this.recordings } : {}),
        desk: { desk: this.desk, notices: this.deskNotices, pins: this.agentPins, callRecords: this.recorder },
        whatif: this.whatif,
      },
      health: {
        ariReady: () => this.ariReady(),
        ariNotReadyReason: () => this.ariNotReadyReason(),
        redisReady: async () => {
          try {
            return (await Promise.race([this.redis.ping(), new Promise((r) => setTimeout(() => r('timeout'), 1000))])) === 'PONG';
          } catch {
            return false;
          }
        },
      },
    });
    const { host, port } = this.config.server;
    let address: string;
    try {
      address = await this.http.listen({ host, port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, port, this.config.ari.app);
      throw err;
    }
    // Alive from here on (after the port: a second instance started by mistake
    // stops before it touches the first one's lease): no survivor starts taking
    // our calls over, and our calls are recovered only once ARI is up, below.
    await this.instances.start();
    if (await this.instances.ownAppHeld()) {
      // A survivor still finishes calls it took over in our app: registering it would take them from it.
      this.logger.warn({ instance: this.instanceId, app: this.config.ari.app }, 'another instance holds our Stasis app after a takeover; connecting to ARI once it hands it back');
      void this.instances.ownAppFree().then((free) => {
        if (free) for (const { ari } of this.switchConnections.values()) ari.start();
      });
    } else {
      for (const { ari } of this.switchConnections.values()) ari.start();
    }
    this.logger.info({ address, instance: this.instanceId, app: this.config.ari.app }, 'hotline service listening; connecting to ARI');
    return { url: address };
  }

  get port(): number {
    const addr = this.http?.server.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  /** Stops every part, each even if another fails, the HTTP server first and ARI after the ACD. */
  /**
   * Waits for the IVR sessions to end, at most `graceMs`: a caller in a menu
   * whose keys no longer reach us (the events connection is closed) would
   * otherwise hold the stop up until the menu gives up. What is left is the
   * switch's and the next instance's to deal with; the call is logged.
   */
  private async sessionsEnded(graceMs: number): Promise<void> {
    const running = [...this.sessions];
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs); });
    const done = await Promise.race([Promise.allSettled(running).then(() => 'done' as const), grace]);
    clearTimeout(timer);
    if (done === 'late') this.logger.warn({ sessions: this.sessions.size, graceMs }, 'stopped with IVR sessions still running');
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    const parts: [string, () => Promise<unknown>][] = [
      ['http', async () => this.http?.close()],
      ['routing-sync', () => this.sync.stop()],
      ['transfers', () => this.transfers.stop()],
      ['follow-ups', () => this.followUps.stop()],
      ['campaigns', () => this.campaigns.stop()],
      ['retention', () => this.retention.stop()],
      ['whatif', () => this.whatif.stop()],
      ['callbacks', () => this.callbacks.stop()],
      ['recordings', async () => this.recordings?.stop()],
      ['acd', () => this.acd.stop()],
      ['instances', () => this.instances.stop()],
      ['ari', () => Promise.all([...this.switchConnections.values()].map((c) => c.ari.stop()))],
      ['sessions', () => this.sessionsEnded(SESSIONS_STOP_GRACE_MS)],
    ];
    for (const [part, stop] of parts) {
      try {
        await stop();
      } catch (err) {
        this.logger.warn({ err, part }, 'stopping a part of the service failed');
      }
    }
    this.redisOutage.close();
    this.redis.disconnect();
  }
}
