import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, type RedisSentinelSettings } from '../infra/redis-connection.js';
import type { Logger } from 'pino';
import type { RetentionConfig } from './retention-config.js';
import type { PurgeCounts, RetentionPurge } from './retention-purge.js';

export interface RetentionJobOptions {
  purge: RetentionPurge;
  redisUrl: string;
  /** With Sentinel, how the job's connection finds the master (none: the URL's server). */
  redisSentinel?: RedisSentinelSettings;
  keyPrefix: string;
  schedule: Pick<RetentionConfig, 'runAt' | 'timeZone'>;
  logger: Logger;
}

/** One scheduler for the whole deployment: every instance upserts the same one. */
const SCHEDULER_ID = 'daily-purge';

/**
 * The daily retention run, a BullMQ job scheduler: every instance registers
 * the same scheduler (an upsert, so there is one), BullMQ hands each day's
 * job to one worker, and a job lost with its instance is taken over by
 * another. The purge reads the time from the service's Clock, so the same job
 * deletes by age in virtual time in tests.
 */
export class RetentionJob {
  readonly queue: Queue;
  private readonly bull: Redis;
  private worker: Worker | null = null;

  constructor(private readonly options: RetentionJobOptions) {
    // BullMQ needs a connection that retries for ever; the service's own gives up after a while.
    this.bull = createRedis({ ...options.redisSentinel, url: options.redisUrl }, 'jobs', { lazyConnect: true });
    this.bull.on('error', (err: Error) => options.logger.warn({ err: err.message }, 'retention job redis error'));
    this.queue = new Queue('retention', {
      connection: this.bull,
      prefix: `${options.keyPrefix}:{bull}`,
      defaultJobOptions: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 }, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
    });
    this.queue.on('error', (err) => options.logger.warn({ err }, 'retention queue connection error'));
  }

  async start(): Promise<void> {
    const [hour, minute] = this.options.schedule.runAt.split(':').map(Number);
    await this.queue.waitUntilReady();
    await this.queue.upsertJobScheduler(SCHEDULER_ID, { pattern: `${minute} ${hour} * * *`, tz: this.options.schedule.timeZone }, { name: 'purge' });
    const worker = new Worker<unknown, PurgeCounts>('retention', () => this.options.purge.run(), {
      connection: this.bull,
      prefix: `${this.options.keyPrefix}:{bull}`,
      concurrency: 1,
    });
    worker.on('error', (err) => this.options.logger.warn({ err }, 'retention worker error'));
    worker.on('failed', (job, err) => this.options.logger.error({ err, jobId: job?.id, attempts: job?.attemptsMade }, 'retention purge failed'));
    this.worker = worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    // Not waiting for a purge in progress: it is idempotent, and after Redis came back a graceful close can wait for ever.
    await worker?.close(true).catch((err: unknown) => this.options.logger.warn({ err }, 'closing the retention worker failed'));
    await this.queue.close().catch((err: unknown) => this.options.logger.warn({ err }, 'closing the retention queue failed'));
    await this.bull.quit().catch(() => this.bull.disconnect());
  }
}
