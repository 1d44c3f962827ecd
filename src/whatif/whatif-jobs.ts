import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, type RedisSentinelSettings } from '../infra/redis-connection.js';
import type { RecordedCallEvent } from '../call-records/call-event.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import type { Clock } from '../time/clock.js';
import { planWhatIf, runWhatIf, type WhatIfResult, type WhatIfSources } from './run-whatif.js';
import type { WhatIfConfig } from './whatif-config.js';
import type { WhatIfRequest } from './whatif-request.js';

const QUEUE_NAME = 'whatif';

/** What a run keeps of the moment it was asked: the routing and agents then, so a change meanwhile does not alter it. */
interface WhatIfJobData {
  request: WhatIfRequest;
  snapshot: RoutingSnapshot;
  agents: { id: string; skills: Record<string, number>; state: string }[];
  requestedAt: number;
  requestedBy: string;
}

export interface WhatIfJobView {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** Runs waiting ahead of this one (queued only). */
  ahead: number | null;
  progressPercent: number;
  requestedAt: string;
  requestedBy: string;
  /** Why a failed run failed. */
  error: string | null;
  result: WhatIfResult | null;
}

export interface WhatIfJobsOptions {
  redisUrl: string;
  /** With Sentinel, how the jobs' connection finds the master (none: the URL's server). */
  redisSentinel?: RedisSentinelSettings;
  /** The deployment's key prefix; the queue lives under `<prefix>:{bull}`. */
  keyPrefix: string;
  settings: WhatIfConfig;
  /** The routing in force now. */
  snapshot(): RoutingSnapshot;
  agents(): Promise<readonly { id: string; skills: Record<string, number>; state: string }[]>;
  callRecords(from: number, to: number): Promise<RecordedCallEvent[]>;
  shortAbandonSec: number;
  clock: Clock;
  logger: Logger;
}

/**
 * What-if runs as BullMQ jobs: submitted at once (checked first, so a bad
 * request is a 400, not a failed job), run one at a time by this instance's
 * worker, the result kept for `resultsKeptHours`. A run yields to the event
 * loop between every step, so the instance keeps serving calls and requests
 * while it works; one at a time bounds the CPU it takes.
 */
export class WhatIfJobs {
  private readonly queue: Queue<WhatIfJobData, WhatIfResult>;
  private worker: Worker<WhatIfJobData, WhatIfResult> | null = null;
  private readonly bull: Redis;
  private readonly prefix: string;

  constructor(private readonly options: WhatIfJobsOptions) {
    const keepSec = options.settings.resultsKeptHours * 3600;
    // BullMQ needs a connection that retries for ever; the service's own gives up after a while.
    this.bull = createRedis({ ...options.redisSentinel, url: options.redisUrl }, 'jobs', { lazyConnect: true });
    this.bull.on('error', (err: Error) => options.logger.warn({ err: err.message }, 'what-if jobs redis error'));
    this.prefix = `${options.keyPrefix}:{bull}`;
    this.queue = new Queue(QUEUE_NAME, {
      connection: this.bull,
      prefix: this.prefix,
      defaultJobOptions: { attempts: 1, removeOnComplete: { age: keepSec }, removeOnFail: { age: keepSec } },
    });
  }

  /** Checks the request and queues the run; returns its id. */
  async submit(request: WhatIfRequest, requestedBy: string): Promise<{ id: string; ahead: number }> {
    const snapshot = this.options.snapshot();
    const agents = (await this.options.agents()).map((a) => ({ id: a.id, skills: { ...a.skills }, state: a.state }));
    const requestedAt = this.options.clock.now();
    await planWhatIf(request, this.sourcesOf({ request, snapshot, agents, requestedAt, requestedBy }));
    const ahead = await this.queue.getWaitingCount();
    if (ahead >= this.options.settings.maxQueued) {
      throw new AppError(429, 'whatif-queue-full', `${ahead} what-if runs are waiting already; try again when they are done`, { waiting: ahead });
    }
    const id = randomUUID();
    await this.queue.add('run', { request, snapshot, agents, requestedAt, requestedBy }, { jobId: id });
    return { id, ahead };
  }

  async get(id: string): Promise<WhatIfJobView | null> {
    const job = await this.queue.getJob(id);
    if (!job) return null;
    const state = await job.getState();
    const view: WhatIfJobView = {
      id,
      state: state === 'completed' ? 'done' : state === 'failed' ? 'failed' : state === 'active' ? 'running' : 'queued',
      ahead: null,
      progressPercent: typeof job.progress === 'number' ? job.progress : 0,
      requestedAt: new Date(job.data.requestedAt).toISOString(),
      requestedBy: job.data.requestedBy,
      error: state === 'failed' ? job.failedReason ?? 'failed' : null,
      result: state === 'completed' ? (job.returnvalue ?? null) : null,
    };
    if (view.state === 'done') view.progressPercent = 100;
    if (view.state === 'queued') {
      const waiting = await this.queue.getWaiting();
      const place = waiting.findIndex((j) => j.id === id);
      // getWaiting lists the oldest first: the next to run.
      view.ahead = Math.max(0, place);
    }
    return view;
  }

  /** Starts this instance's worker: one run at a time. */
  start(): void {
    if (this.worker) return;
    this.worker = new Worker<WhatIfJobData, WhatIfResult>(QUEUE_NAME, (job) => this.run(job), {
      connection: this.bull,
      prefix: this.prefix,
      concurrency: 1,
    });
    this.worker.on('error', (err) => this.options.logger.warn({ err }, 'what-if worker error'));
    this.worker.on('failed', (job, err) => this.options.logger.info({ err, id: job?.id }, 'what-if run failed'));
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    this.worker = null;
    await this.queue.close();
    this.bull.disconnect();
  }

  private async run(job: Job<WhatIfJobData, WhatIfResult>): Promise<WhatIfResult> {
    let reported = 0;
    return runWhatIf(job.data.request, this.sourcesOf(job.data), (fraction) => {
      const percent = Math.floor(fraction * 100);
      if (percent >= reported + 5) {
        reported = percent;
        void job.updateProgress(percent).catch(() => {});
      }
    });
  }

  private sourcesOf(data: WhatIfJobData): WhatIfSources {
    return {
      snapshot: data.snapshot,
      agents: async () => data.agents,
      callRecords: (from, to) => this.options.callRecords(from, to),
      now: () => data.requestedAt,
      shortAbandonSec: this.options.shortAbandonSec,
    };
  }
}
