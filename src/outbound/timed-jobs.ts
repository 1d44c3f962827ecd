import { DelayedError, Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';

/** Every timed job says when it is due, on the service's clock. */
export interface TimedJobData {
  dueAt: number;
}

export interface TimedJobsOptions {
  /** BullMQ queue name. */
  name: string;
  /** An ioredis connection with maxRetriesPerRequest: null (BullMQ's requirement); not closed here. */
  connection: Redis;
  /** Key prefix of the BullMQ queues, e.g. `hotline:{bull}` (one hash tag: one cluster slot). */
  prefix: string;
  clock: Clock;
  logger: Logger;
  /** Defaults for every job added (attempts and backoff for failures, retention). */
  jobOptions?: JobsOptions;
}

/** What a processor returns to have its job run again later (e.g. after quiet hours). */
export class Postpone {
  constructor(readonly until: number) {}
}

export interface TimedWorkerOptions {
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

/**
 * A BullMQ queue whose jobs are due at a time on the service's clock.
 *
 * BullMQ keeps the jobs durably in Redis and delays them in real time; the
 * clock decides whether a job is due. With the wall clock the two agree. With
 * a virtual clock (tests, what-if runs) a job that BullMQ hands over before
 * the clock says it is due is put back for the time left, and `catchUp()`
 * hands over at once the delayed jobs the clock says are due (called after
 * moving a virtual clock, and harmless on the wall clock).
 *
 * Job ids are deterministic (given by the caller): adding a job whose id
 * exists — waiting, delayed, active or kept after completion — does nothing,
 * so a step repeated after a crash never creates a second job.
 */
export class TimedJobs<D extends TimedJobData> {
  readonly queue: Queue;
  private worker: Worker | null = null;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: TimedJobsOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.queue = new Queue(options.name, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: options.jobOptions ?? {},
    });
    this.queue.on('error', (err) => this.logger.warn({ err, queue: options.name }, 'job queue connection error'));
  }

  /** Adds the job `jobId` due at `at` (now or in the past: at once). */
  async at(name: string, jobId: string, data: Omit<D, 'dueAt'>, at: number, options: JobsOptions = {}): Promise<void> {
    const delay = Math.max(0, Math.ceil(at - this.clock.now()));
    await this.queue.add(name, { ...data, dueAt: at } as D, { ...options, jobId, delay });
  }

  async get(jobId: string): Promise<Job<D> | undefined> {
    return (await this.queue.getJob(jobId)) as Job<D> | undefined;
  }

  /**
   * Starts processing jobs on this instance. A processor returning a
   * Postpone has its job put back, due at that time.
   */
  work(processor: (job: Job<D>) => Promise<unknown>, options: TimedWorkerOptions): Worker {
    if (this.worker) throw new Error(`a worker already runs for ${this.options.name}`);
    const worker = new Worker<D>(this.options.name, async (job, token) => {
      const early = job.data.dueAt - this.clock.now();
      if (early > 0) {
        // Handed over before its time on our clock: back to the delayed set for the rest.
        await job.moveToDelayed(Date.now() + early, token);
        throw new DelayedError();
      }
      const result = await processor(job);
      if (!(result instanceof Postpone)) return result;
      await job.updateData({ ...job.data, dueAt: result.until });
      await job.moveToDelayed(Date.now() + Math.max(0, result.until - this.clock.now()), token);
      throw new DelayedError();
    }, {
      connection: this.options.connection,
      prefix: this.options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount,
    });
    worker.on('error', (err) => this.logger.warn({ err, queue: this.options.name }, 'job worker error'));
    worker.on('failed', (job, err) => {
      if (job) this.logger.error({ err, queue: this.options.name, jobId: job.id, attempts: job.attemptsMade }, 'job failed');
    });
    this.worker = worker;
    return worker;
  }

  /** Hands over now the delayed jobs that the clock says are due; returns how many. */
  async catchUp(): Promise<number> {
    const now = this.clock.now();
    const due = ((await this.queue.getDelayed(0, -1)) as Job<D>[]).filter((job) => job && job.data.dueAt <= now);
    let promoted = 0;
    for (const job of due) {
      try {
        await job.promote();
        promoted++;
      } catch (err) {
        // Promoted or removed meanwhile by another instance: nothing to do.
        this.logger.debug({ err, jobId: job.id }, 'delayed job not promoted');
      }
    }
    return promoted;
  }

  /**
   * Stops the worker without waiting for jobs in progress (a callback attempt
   * can last a whole conversation): they stay active in Redis and are taken
   * over once their lock lapses, by this instance restarted or another.
   */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.close(true).catch((err: unknown) => this.logger.warn({ err }, 'closing a job worker failed'));
    await this.queue.close().catch((err: unknown) => this.logger.warn({ err }, 'closing a job queue failed'));
  }
}
