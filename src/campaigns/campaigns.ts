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
import type { CampaignAgentHandOff } from './campaign-caller.js';
import { dialOnce, type DialerDeps } from './campaign-dialer.js';
import { CampaignDesk } from './campaign-desk.js';
import { CampaignFlows } from './campaign-flows-check.js';
import { CampaignStore, type SettleOutcome, type StartedDial } from './campaign-store.js';
import type { CampaignsConfig } from './campaigns-config.js';
import { DoNotCallList } from './do-not-call.js';

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
  /** Takes a customer who pressed 0 to an agent (the IVR); without it, 0 ends the call. */
  handOff?: CampaignAgentHandOff;
  logger: Logger;
  clock?: Clock;
  /** Multiplies the customer's key timeouts (tests against a time-compressed simulator). */
  timeScale?: number;
}

interface DialJob extends TimedJobData, StartedDial {}

const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

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
  private readonly dialer: DialerDeps;
  private readonly listeners = new Set<(campaignId: string) => void>();
  private timer: NodeJS.Timeout | null = null;
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
      store: this.store, dnc: this.dnc, callControl: options.callControl, outbound: options.outbound, quiet: this.quiet,
      flowsOf: (c) => flows.of(c), handOff: options.handOff ?? null, defaultLanguage: options.config.language,
      clock: this.clock, logger: this.logger, timeScale: options.timeScale ?? 1,
      settled: (dial: StartedDial, outcome: SettleOutcome, detail: string) => {
        this.logger.info({ campaign: dial.campaignId, attempt: dial.attempt, outcome, detail }, 'campaign try ended');
        this.changed(dial.campaignId);
        this.kick();
      },
    };
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
    this.timer = setInterval(() => this.kick(), this.options.config.tickMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => {});
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
      for (const dial of dials) await this.addJob(dial, now);
      if (dials.length) this.changed(id);
    }
    await this.reconcile();
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
    for (const dial of await this.store.activeDials()) {
      if (now - dial.startedAt < RECONCILE_AFTER_MS) continue;
      const job = await this.jobs.get(jobIdOf(dial));
      if (!job) await this.addJob(dial, now);
      else if ((await job.getState()) === 'failed') await job.retry('failed').catch((err: unknown) => this.logger.debug({ err, jobId: job.id }, 'failed dial job not retried (retried meanwhile)'));
    }
  }

  private addJob(dial: StartedDial, at: number): Promise<void> {
    return this.jobs.at('dial', jobIdOf(dial), { campaignId: dial.campaignId, number: dial.number, attempt: dial.attempt }, at);
  }

  private async run(job: DialJob): Promise<Postpone | string> {
    const taken = await this.leases.takeOver(`cmp:${job.campaignId}:${job.number}:${job.attempt}`);
    if ('heldForMs' in taken) return new Postpone(this.clock.now() + taken.heldForMs + 1);
    try {
      const now = this.clock.now();
      // A try started before quiet hours whose job comes in them (it was lost and given back): it waits for their end.
      // One already claimed goes on, to end what its dead run left.
      if (this.quiet.isQuiet(now) && !(await this.store.claimed(job))) return new Postpone(this.quiet.nextAllowed(now));
      return await dialOnce(this.dialer, { campaignId: job.campaignId, number: job.number, attempt: job.attempt }, taken.lease);
    } finally {
      await taken.lease.release();
    }
  }
}

/** The job of a try: fixed by the try, so adding it twice adds it once. */
function jobIdOf(dial: StartedDial): string {
  return `cd-${dial.campaignId}-${dial.number}-${dial.attempt}`;
}

/** A dial in progress this long without its job being seen is given its job again. */
const RECONCILE_AFTER_MS = 2000;
