import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ConversationRecorder } from '../acd/conversation-recorder.js';
import { createRedis, type RedisSentinelSettings } from '../infra/redis-connection.js';
import type { Logger } from '../log/logger.js';
import { systemClock, type Clock } from '../time/clock.js';
import { copyRecording, type CopyJob } from './copy-recording.js';
import { RecordingIndex } from './recording-index.js';
import type { RecordingFilter, RecordingMeta, RecordingStatus } from './recording-meta.js';
import type { ByteRange, RecordingStore } from './recording-store.js';
import { recordsCalls, type RecordingsConfig } from './recordings-config.js';
import { sweepRetention, type RetentionSweepDeps, type SweepCounts } from './retention-sweep.js';
import type { ConversationSegment, RecordableBridge, RecordingSwitch } from './switch-side.js';

const DAY_MS = 86_400_000;

export interface RecordingsOptions {
  config: RecordingsConfig;
  redis: Redis;
  /** BullMQ gets connections of its own to the same Redis. */
  redisUrl: string;
  redisSentinel?: RedisSentinelSettings;
  keyPrefix: string;
  store: RecordingStore;
  /** The call control of a switch this instance serves (copies fetch the file from the switch that recorded it). */
  switchControl: (switchId: string) => RecordingSwitch | null;
  /** The caller's number of a call, when the segment does not carry it. */
  callerNumberOf?: (callId: string) => Promise<string | null>;
  /** The calls with an open complaint ticket (see openComplaintCalls): their recordings outlive their retention. */
  openComplaintCalls?: () => Promise<ReadonlySet<string>>;
  audit?: RetentionSweepDeps['audit'];
  clock?: Clock;
  logger: Logger;
}

/** What /metrics shows of the recordings. */
export interface RecordingCounts {
  recording: number;
  copying: number;
  stored: number;
  failed: number;
  deleted: number;
  /** Recordings the switch refused to start (the conversation went on unrecorded). */
  startFailed: number;
}

/** Job scheduler of the retention sweep: every instance upserts the same one. */
const SWEEP_SCHEDULER = 'recordings-retention';

/**
 * Agent conversations recorded, archived and kept for their retention.
 *
 * - `bridged` (the ACD's ConversationRecorder hook): when the tier and queue
 *   are recorded, starts the bridge's recording under a new id, writes its
 *   metadata, and once the switch has finished the file adds a copy job. It
 *   never throws and never delays the call: a recording the switch refuses is
 *   logged and counted, and the conversation goes on.
 * - The copy job (BullMQ queue `recording-copies`, one job per recording, by
 *   its id) fetches the file from the switch, checks it, puts it in the store
 *   and deletes the switch's copy; a switch fault is retried with backoff
 *   (`recordings.copy`), and after the last try the recording is `failed`
 *   with the reason.
 * - The retention sweep (BullMQ job scheduler, every `sweepEveryMs`, on one
 *   instance) deletes the recordings past their retention (sweepRetention),
 *   on the service's clock.
 * - The catalog the API reads: list, get, open (ranges), legal hold.
 */
export class Recordings implements ConversationRecorder {
  readonly index: RecordingIndex;
  readonly copies: Queue<CopyJob>;
  readonly retention: Queue;
  private readonly bull: Redis;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private workers: Worker[] = [];
  private stopped = false;
  /** Recordings this instance is recording now (not orphans, however long they last). */
  private readonly recordingNow = new Set<string>();

  constructor(private readonly options: RecordingsOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'recordings' });
    this.index = new RecordingIndex(options.redis, options.keyPrefix);
    this.bull = createRedis({ ...options.redisSentinel, url: options.redisUrl }, 'jobs', { lazyConnect: true });
    this.bull.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'recordings job redis error'));
    const prefix = `${options.keyPrefix}:{bull}`;
    const { attempts, backoffMs } = options.config.copy;
    this.copies = new Queue<CopyJob>('recording-copies', {
      connection: this.bull, prefix,
      defaultJobOptions: { attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } },
    });
    this.retention = new Queue('recording-retention', {
      connection: this.bull, prefix,
      defaultJobOptions: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 }, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
    });
    for (const q of [this.copies, this.retention]) q.on('error', (err) => this.logger.warn({ err }, 'recordings queue connection error'));
  }

  async start(): Promise<void> {
    await this.copies.waitUntilReady();
    await this.retention.upsertJobScheduler(SWEEP_SCHEDULER, { every: this.options.config.sweepEveryMs }, { name: 'sweep' });
    const prefix = `${this.options.keyPrefix}:{bull}`;
    const copier = new Worker<CopyJob>('recording-copies', (job) => this.runCopy(job), {
      connection: this.bull, prefix, concurrency: this.options.config.copy.concurrency,
    });
    const sweeper = new Worker('recording-retention', () => this.sweep(), { connection: this.bull, prefix, concurrency: 1 });
    for (const w of [copier, sweeper]) w.on('error', (err) => this.logger.warn({ err }, 'recordings worker error'));
    this.workers = [copier, sweeper];
  }

  async stop(): Promise<void> {
    // Conversations still recorded are not waited for (one can last an hour): their metadata stays
    // `recording` and the sweep of whichever instance runs next copies them (rescueOrphans).
    this.stopped = true;
    const workers = this.workers;
    this.workers = [];
    // A copy in progress is repeated by whoever picks it up next: every step of it may be.
    await Promise.all(workers.map((w) => w.close(true).catch((err: unknown) => this.logger.warn({ err }, 'closing a recordings worker failed'))));
    for (const q of [this.copies, this.retention]) await q.close().catch((err: unknown) => this.logger.warn({ err }, 'closing a recordings queue failed'));
    await this.bull.quit().catch(() => this.bull.disconnect());
  }

  /** Whether conversations of this tier in this queue are recorded. */
  records(tier: string, queue: string): boolean {
    return recordsCalls(this.options.config, tier, queue);
  }

  /** The ACD's hook: the caller and the agent are in the bridge. */
  bridged(segment: ConversationSegment, bridge: RecordableBridge, _callControl?: unknown): void {
    if (!this.records(segment.tier, segment.queue)) return;
    this.record(segment, bridge)
      .catch((err: unknown) => this.logger.error({ err, callId: segment.callId, segment: segment.segment }, 'recording the conversation failed'));
  }

  /** Records one segment to its end and hands the file to a copy job; resolves with its id (null: not started). */
  async record(segment: ConversationSegment, bridge: RecordableBridge): Promise<string | null> {
    if (this.stopped) return null;
    const id = `rec-${randomUUID()}`;
    const log = this.logger.child({ callId: segment.callId, segment: segment.segment, recording: id });
    let recording;
    try {
      recording = await bridge.record(id);
    } catch (err) {
      log.warn({ err }, 'the switch did not start the recording: the conversation goes on unrecorded');
      await this.index.startFailed();
      return null;
    }
    const callerNumber = segment.callerNumber ?? (await this.options.callerNumberOf?.(segment.callId).catch(() => null)) ?? '';
    const meta: RecordingMeta = {
      id, callId: segment.callId, segment: segment.segment, kind: segment.kind, agent: segment.agent, queue: segment.queue,
      tier: segment.tier, switchId: segment.switchId, startedAt: recording.startedAt, durationMs: null, size: null, sha256: null,
      retainUntil: recording.startedAt + this.options.config.retentionDays * DAY_MS, legalHold: null, status: 'recording',
      failure: null, callerNumber, legalHoldBy: null, deletedAt: null,
    };
    this.recordingNow.add(id);
    try {
      await this.index.create(meta);
      log.info('recording the conversation');
      const end = await recording.finished;
      const reportedMs = end.kind === 'finished' ? end.durationMs : null;
      if (end.kind === 'failed') log.warn({ reason: end.reason }, 'the switch says the recording failed: copying what it kept');
      if (this.stopped) {
        log.info('the recording ended after this instance stopped: left for the next sweep');
        return id;
      }
      await this.toCopy(id, segment.switchId, reportedMs);
    } finally {
      this.recordingNow.delete(id);
    }
    return id;
  }

  /** Hands a finished recording to its copy job (one per recording: adding it again does nothing). */
  private async toCopy(id: string, switchId: string, reportedMs: number | null): Promise<void> {
    await this.index.update(id, { status: 'copying', durationMs: reportedMs });
    await this.copies.add('copy', { id, switchId, reportedMs }, { jobId: id });
  }

  /**
   * Recordings left `recording` by an instance that stopped mid-conversation
   * (their copy job was never added): handed to a copy job once older than
   * `orphanAfterMs`. Returns how many.
   */
  async rescueOrphans(): Promise<number> {
    const before = this.clock.now() - this.options.config.orphanAfterMs;
    let rescued = 0;
    for (const meta of await this.index.getMany(await this.index.inStatusSince('recording', before, 500))) {
      if (this.recordingNow.has(meta.id) || meta.status !== 'recording') continue;
      this.logger.warn({ recording: meta.id, callId: meta.callId }, 'a recording left by a stopped instance: copying it');
      await this.toCopy(meta.id, meta.switchId, null);
      rescued++;
    }
    return rescued;
  }

  private async runCopy(job: Job<CopyJob>): Promise<string> {
    try {
      const outcome = await copyRecording(job.data, { index: this.index, store: this.options.store, switchControl: this.options.switchControl });
      this.logger.info({ recording: job.data.id, outcome, attempt: job.attemptsMade + 1 }, 'recording copied from the switch');
      return outcome;
    } catch (err) {
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const reason = (err as Error).message;
      if (last) {
        await this.index.update(job.data.id, { status: 'failed', failure: reason });
        this.logger.error({ recording: job.data.id, attempts: job.attemptsMade + 1, reason }, 'recording could not be copied: failed');
      } else {
        this.logger.warn({ recording: job.data.id, attempt: job.attemptsMade + 1, reason }, 'copying the recording failed: tried again later');
      }
      throw err;
    }
  }

  /** Deletes the recordings past their retention, and copies the ones left behind (the scheduled job runs this). */
  async sweep(): Promise<SweepCounts & { rescued: number }> {
    const rescued = await this.rescueOrphans();
    const counts = await sweepRetention({
      index: this.index, store: this.options.store, clock: this.clock, logger: this.logger,
      openComplaintCalls: this.options.openComplaintCalls ?? (async () => new Set<string>()),
      audit: this.options.audit,
    });
    return { ...counts, rescued };
  }

  // The catalog the API reads.

  list(filter: RecordingFilter): Promise<RecordingMeta[]> {
    return this.index.list(filter);
  }

  get(id: string): Promise<RecordingMeta | null> {
    return this.index.get(id);
  }

  async open(id: string, range?: ByteRange): Promise<{ stream: NodeJS.ReadableStream; size: number; contentType: 'audio/wav' } | null> {
    const meta = await this.index.get(id);
    if (meta?.status !== 'stored') return null;
    const opened = await this.options.store.open(id, range);
    return opened && { ...opened, contentType: 'audio/wav' };
  }

  /** Sets (a reason) or lifts (null) the legal hold; a recording held is not deleted past its retention. */
  async setLegalHold(id: string, reason: string | null, by: string): Promise<RecordingMeta> {
    const updated = await this.index.update(id, { legalHold: reason, legalHoldBy: reason === null ? null : by });
    if (!updated) throw new Error(`no recording ${id}`);
    this.logger.info({ recording: id, hold: reason, by }, reason === null ? 'legal hold lifted' : 'legal hold set');
    return updated;
  }

  async counts(): Promise<RecordingCounts> {
    const statuses: RecordingStatus[] = ['recording', 'copying', 'stored', 'failed', 'deleted'];
    const [recording, copying, stored, failed, deleted] = await Promise.all(statuses.map((s) => this.index.countStatus(s)));
    return { recording: recording!, copying: copying!, stored: stored!, failed: failed!, deleted: deleted!, startFailed: await this.index.countStartFailed() };
  }
}
