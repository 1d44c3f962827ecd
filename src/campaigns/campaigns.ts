import type { Redis } from 'ioredis';
import type { CallControl } from '../call-control/call-control.js';
import type { CustomerData } from '../customers/customer-data.js';
import type { FlowSet, PromptCatalog } from '../flows/validate-flows.js';
import { createRedis, type RedisSentinelSettings } from '../infra/redis-connection.js';
import type { Logger } from '../log/logger.js';
import type { OutboundConfig } from '../outbound/outbound-config.js';
import { Postpone, TimedJobs, type TimedJobData } from '../outbound/timed-jobs.js';
import { TryLeases } from '../outbound/try-lease.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import { systemClock, type Clock } from '../time/clock.js';
import { QuietHours } from '../time/quiet-hours.js';
import type { VirtualCalls } from '../acd/virtual-calls.js';
import { VirtualReservationPump } from '../acd/virtual-reservation-pump.js';
import { ASSISTED_KIND, assistedCallId, assistedEntry, dialAssisted, dialOfAssisted, heldBack, type AssistedDeps } from './assisted-dial.js';
import type { Campaign } from './campaign.js';
import type { CampaignAgentHandOff } from './campaign-caller.js';
import { dialOnce } from './campaign-dialer.js';
import { CampaignDesk } from './campaign-desk.js';
import { CampaignFlows } from './campaign-flows-check.js';
import { CampaignStore, type SettleOutcome, type StartedDial } from './campaign-store.js';
import type { CampaignsConfig } from './campaigns-config.js';
import { DoNotCallList } from './do-not-call.js';
import { DIAL_JOB_OPTIONS } from '../outbound/job-worker-settings.js';

export interface CampaignsOptions {
  config: CampaignsConfig;
  /** How customers are called (callbacks.outbound): dial string, caller id, ring time, quiet hours. */
  outbound: OutboundConfig;
  redis: Redis;
  /** BullMQ gets a connection of its own to the same Redis. */
  redisUrl: string;
  redisSentinel?: RedisSentinelSettings;
  keyPrefix: string;
  callControl: CallControl;
  customers: CustomerData;
  policy: RoutingPolicy;
  /** Every flow validated at start-up (the shipped campaign flows among them). */
  flows: FlowSet;
  prompts: PromptCatalog;
  /** The ACD's virtual calls: an agent-assisted campaign's tries wait there for an agent of its skill. */
  virtual: VirtualCalls;
  /** Takes a customer who pressed 0 to an agent (the IVR); without it, 0 ends the call. */
  handOff?: CampaignAgentHandOff;
  logger: Logger;
  clock?: Clock;
  /** Multiplies the customer's key timeouts (tests against a time-compressed simulator). */
  timeScale?: number;
}

interface DialJob extends TimedJobData, StartedDial {
  /** An agent-assisted try: when the ACD reserved its agent (the job works that reservation). */
  offeredAt?: number;
}

const JOB_OPTIONS = DIAL_JOB_OPTIONS;

/**
 * Outbound campaigns on one instance: every `tickMs` (and after every try)
 * the dispatcher starts the dials the limits allow, for every running
 * campaign — the slot, the do-not-call check and the period check are taken
 * in one Redis step (take.lua), so instances sharing the campaigns never
 * exceed the limits together — and each dial is a BullMQ job (`cd-<campaign>-
 * <number>-<try>`) worked by whichever instance takes it. A dial started but
 * whose job is missing (the instance died in between) gets its job back at
 * the next tick of any instance.
 */
export class Campaigns {
  readonly store: CampaignStore;
  readonly dnc: DoNotCallList;
  readonly desk: CampaignDesk;
  private readonly options: CampaignsOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly quiet: QuietHours;
  private readonly bull: Redis;
  private readonly jobs: TimedJobs<DialJob>;
  private readonly leases: TryLeases;
  private readonly dialer: AssistedDeps;
  private readonly listeners = new Set<(campaignId: string) => void>();
  private timer: NodeJS.Timeout | null = null;
  private offReservation: (() => void) | null = null;
  private readonly reservations: VirtualReservationPump;
  private ticking: Promise<void> | null = null;
  private again = false;
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(options: CampaignsOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'campaigns' });
    this.quiet = new QuietHours(options.outbound.quietHours);
    this.store = new CampaignStore(options.redis, options.keyPrefix);
    this.dnc = new DoNotCallList(options.redis, this.store.base);
    const flows = new CampaignFlows(options.flows, options.prompts);
    this.desk = new CampaignDesk({
      store: this.store, dnc: this.dnc, flows, customers: options.customers, policy: options.policy, config: options.config, clock: this.clock,
      changed: (id) => this.changed(id),
    });
    this.bull = createRedis({ ...options.redisSentinel, url: options.redisUrl }, 'jobs', { lazyConnect: true });
    this.bull.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'job queue redis error'));
    this.leases = new TryLeases(options.redis, this.store.base, options.config.workers.tryLeaseMs);
    this.jobs = new TimedJobs<DialJob>({
      name: 'campaign-dials', connection: this.bull, prefix: `${options.keyPrefix}:{bull}`, clock: this.clock, logger: this.logger, jobOptions: JOB_OPTIONS,
    });
    this.dialer = {
      store: this.store, dnc: this.dnc, callControl: options.callControl, virtual: options.virtual, outbound: options.outbound, quiet: this.quiet,
      flowsOf: (c) => flows.of(c), handOff: options.handOff ?? null, defaultLanguage: options.config.language,
      clock: this.clock, logger: this.logger, timeScale: options.timeScale ?? 1,
      settled: (dial: StartedDial, outcome: SettleOutcome, detail: string) => {
        this.logger.info({ campaign: dial.campaignId, attempt: dial.attempt, outcome, detail }, 'campaign try ended');
        this.changed(dial.campaignId);
        this.kick();
      },
    };
    // The ACD's reservations of agents for agent-assisted tries, each made a dial job before it is acknowledged (only this kind's: the callbacks take theirs).
    this.reservations = new VirtualReservationPump(options.virtual, ASSISTED_KIND, {
      active: () => this.state === 'started',
      handOver: async (r) => {
        const dial = dialOfAssisted(r.call);
        if (dial) await this.addJob(dial, this.clock.now(), r.offeredAt);
      },
      failed: (err) => this.logger.warn({ err }, 'handing agent reservations to campaign dials failed; the next tick looks again'),
    });
  }

  /** Told whenever a campaign's progress or status may have changed (stream, metrics). */
  onChange(listener: (campaignId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the campaigns were already ${this.state}`);
    this.state = 'started';
    await this.jobs.queue.waitUntilReady();
    const { workers } = this.options.config;
    this.jobs.work((job) => this.run(job.data), {
      concurrency: workers.concurrency, lockDurationMs: workers.lockDurationMs,
      stalledIntervalMs: workers.stalledIntervalMs, maxStalledCount: workers.maxStalledCount,
    });
    this.offReservation = this.options.virtual.onReservation(() => void this.reservations.pump());
    void this.reservations.pump();
    this.timer = setInterval(() => this.kick(), this.options.config.tickMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.offReservation?.();
    await this.ticking?.catch(() => {});
    await this.reservations.pump();
    await this.jobs.close();
    await this.bull.quit().catch(() => this.bull.disconnect());
  }

  /** Looks for dials to start now (after a change, or a virtual clock moved). */
  kick(): void {
    if (this.state !== 'started') return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: unknown) => this.logger.warn({ err }, 'campaign dispatch failed; trying again at the next tick'))
      .finally(() => {
        this.ticking = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** After moving a virtual clock: start what it made due, and run retries it made due. */
  async catchUp(): Promise<void> {
    this.kick();
    await this.ticking;
    await this.jobs.catchUp();
  }

  /** Dial jobs waiting or running (0 when all is quiet). */
  async pendingWork(): Promise<number> {
    const c = await this.jobs.queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
    return (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0);
  }

  private changed(campaignId: string): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(campaignId);
      } catch (err) {
        this.logger.warn({ err }, 'campaign listener failed');
      }
    }
  }

  private async tick(): Promise<void> {
    const { config } = this.options;
    for (const id of await this.store.running()) {
      const campaign = await this.store.get(id);
      if (campaign?.status !== 'running') continue;
      const now = this.clock.now();
      if (now >= campaign.endAt) {
        const stopped = await this.store.control(id, 'stop', now, 'window-ended');
        if (stopped.result === 'ok') {
          this.logger.info({ campaign: id }, 'campaign window ended: the numbers not yet called are not called');
          this.changed(id);
        }
        continue;
      }
      // Before its window, and in quiet hours, nobody is called: the numbers stay due.
      if (now < campaign.startAt || this.quiet.isQuiet(now)) continue;
      const dials = await this.store.take(id, now, {
        perCampaign: Math.min(campaign.limits.concurrent, config.maxDialsPerCampaign),
        total: config.maxDialsTotal,
        periodEnd: now + config.periodDays * 86_400_000,
        most: config.maxDialsPerCampaign,
      });
      for (const dial of dials) await this.begin(campaign, dial, now);
      if (dials.length) this.changed(id);
    }
    await this.reconcile();
  }

  /** A try started: dialled by a job now, or (agent-assisted) first queued for an agent of the campaign's skill. */
  private async begin(campaign: Campaign, dial: StartedDial, now: number): Promise<void> {
    if (campaign.pacing.mode !== 'assisted') return this.addJob(dial, now);
    await this.options.virtual.enqueue(assistedEntry(campaign, campaign.pacing, dial, await this.store.target(campaign.id, dial.number), now));
  }

  /**
   * Every dial in progress has a job that will end it: one started by an
   * instance that died before adding its job gets it (a no-op when it
   * exists); one whose job failed for good (Redis away longer than its
   * retries) has it run again — the claim tells that run whether the number
   * was dialled. Without this a slot would stay taken and the campaign never end.
   */
  private async reconcile(): Promise<void> {
    const now = this.clock.now();
    const campaigns = new Map<string, Campaign | null>();
    for (const dial of await this.store.activeDials()) {
      if (!campaigns.has(dial.campaignId)) campaigns.set(dial.campaignId, await this.store.get(dial.campaignId));
      const campaign = campaigns.get(dial.campaignId);
      if (campaign?.pacing.mode === 'assisted') {
        await this.reconcileAssisted(campaign, dial, now);
        continue;
      }
      if (now - dial.startedAt < RECONCILE_AFTER_MS) continue;
      const job = await this.jobs.get(jobIdOf(dial));
      if (!job) await this.addJob(dial, now);
      else if ((await job.getState()) === 'failed') await job.retry('failed').catch((err: unknown) => this.logger.debug({ err, jobId: job.id }, 'failed dial job not retried (retried meanwhile)'));
    }
  }

  /**
   * An agent-assisted try in progress. Waiting for an agent while it must not
   * be dialled (the campaign paused or stopped, its window over, quiet
   * hours): taken out of the queue and given back (settle.lua's requeue).
   * Given an agent: it has the job working that reservation. Lost from the
   * ACD (an instance died between starting it and queueing it): queued
   * again — or, claimed already, ended by a job that never dials it again.
   */
  private async reconcileAssisted(campaign: Campaign, dial: StartedDial & { startedAt: number }, now: number): Promise<void> {
    const place = await this.options.virtual.get(assistedCallId(dial));
    if (place?.state === 'waiting') {
      const held = heldBack(campaign, now, this.quiet);
      if (held && (await this.options.virtual.remove(place.id)) === 'removed') {
        const retryAt = held === 'quiet-hours' ? this.quiet.nextAllowed(now) : now;
        if (await this.store.settle(dial, now, 'requeue', held, { retryAt })) this.changed(campaign.id);
      }
      return;
    }
    if (now - dial.startedAt < RECONCILE_AFTER_MS) return;
    if (place) {
      const offeredAt = place.offeredAt ?? 0;
      const job = await this.jobs.get(jobIdOf(dial, offeredAt));
      if (!job) await this.addJob(dial, now, offeredAt);
      else if ((await job.getState()) === 'failed') await job.retry('failed').catch((err: unknown) => this.logger.debug({ err, jobId: job.id }, 'failed dial job not retried (retried meanwhile)'));
    } else if (await this.store.claimed(dial)) {
      await this.addJob(dial, now, 0);
    } else if (campaign.status === 'running' || campaign.status === 'paused') {
      await this.options.virtual.enqueue(assistedEntry(campaign, campaign.pacing as Extract<Campaign['pacing'], { mode: 'assisted' }>, dial, await this.store.target(campaign.id, dial.number), now));
    } else if (await this.store.settle(dial, now, 'requeue', campaign.status, { retryAt: now })) {
      this.changed(campaign.id);
    }
  }

  private addJob(dial: StartedDial, at: number, offeredAt?: number): Promise<void> {
    const data: Omit<DialJob, 'dueAt'> = { campaignId: dial.campaignId, number: dial.number, attempt: dial.attempt, ...(offeredAt === undefined ? {} : { offeredAt }) };
    return this.jobs.at('dial', jobIdOf(dial, offeredAt), data, at);
  }

  private async run(job: DialJob): Promise<Postpone | string> {
    const taken = await this.leases.takeOver(`cmp:${job.campaignId}:${job.number}:${job.attempt}`);
    if ('heldForMs' in taken) return new Postpone(this.clock.now() + taken.heldForMs + 1);
    try {
      const now = this.clock.now();
      // A try started before quiet hours whose job comes in them (it was lost and given back): it waits for their end.
      // One already claimed goes on, to end what its dead run left.
      // (An agent-assisted try gives its agent back instead: see dialAssisted.)
      if (job.offeredAt === undefined && this.quiet.isQuiet(now) && !(await this.store.claimed(job))) return new Postpone(this.quiet.nextAllowed(now));
      const dial = { campaignId: job.campaignId, number: job.number, attempt: job.attempt };
      if (job.offeredAt !== undefined) return await dialAssisted(this.dialer, { ...dial, offeredAt: job.offeredAt }, taken.lease);
      return await dialOnce(this.dialer, dial, taken.lease);
    } finally {
      await taken.lease.release();
    }
  }
}

/** The job of a try (an agent-assisted one: of one reservation of an agent for it): fixed by them, so adding it twice adds it once. */
function jobIdOf(dial: StartedDial, offeredAt?: number): string {
  return offeredAt === undefined ? `cd-${dial.campaignId}-${dial.number}-${dial.attempt}` : `ca-${dial.campaignId}-${dial.number}-${dial.attempt}-${offeredAt}`;
}

/** A dial in progress this long without its job being seen is given its job again. */
const RECONCILE_AFTER_MS = 2000;
