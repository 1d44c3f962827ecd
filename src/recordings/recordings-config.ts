import { z } from 'zod';
import { boolField, intField } from '../routing/config-fields.js';

/** The operator's rule: recordings of customer calls are kept at least three months. */
export const MIN_RETENTION_DAYS = 90;

const directoryStoreSchema = z.object({
  kind: z.literal('directory'),
  /** Relative paths are taken from the service's working directory. */
  dir: z.string().min(1).default('recordings'),
}).strict();

/**
 * An S3-compatible object store (AWS S3, MinIO, ...). The keys come from the
 * environment (RECORDINGS_S3_ACCESS_KEY_ID, RECORDINGS_S3_SECRET_ACCESS_KEY)
 * so they stay out of the files; without them the SDK's own chain applies.
 */
const s3StoreSchema = z.object({
  kind: z.literal('s3'),
  bucket: z.string().min(1),
  region: z.string().min(1).default('us-east-1'),
  /** A store other than AWS: its URL, e.g. http://minio:9000. */
  endpoint: z.url().optional(),
  /** Bucket in the path rather than the host name: what MinIO and most self-hosted stores need. */
  forcePathStyle: boolField.default(false),
  /** Put in front of every object's key, e.g. `hotline/`. */
  prefix: z.string().default(''),
}).strict();

/**
 * The `recordings:` section: agent conversations are recorded from the moment
 * the caller and the agent are bridged, copied from the switch into the store,
 * and deleted from the store `retentionDays` after they started unless a
 * legal hold (or an open complaint about the call) keeps them.
 */
export const recordingsSectionSchema = z.object({
  /** Off: nothing is recorded anywhere (the tiers' and queues' switches no longer matter). */
  enabled: boolField.default(true),
  /** Days a recording is kept; never fewer than 90. */
  retentionDays: intField(1, 3650).refine((d) => d >= MIN_RETENTION_DAYS, {
    message: `must be at least ${MIN_RETENTION_DAYS}: recordings of customer calls are kept at least three months`,
  }).default(92),
  store: z.discriminatedUnion('kind', [directoryStoreSchema, s3StoreSchema]).default({ kind: 'directory', dir: 'recordings' }),
  /**
   * Per tier and per queue: `false` turns recording off for conversations of
   * that tier or in that queue (both must allow it). Tiers and queues not
   * listed are recorded.
   */
  recordCalls: z.object({
    tiers: z.record(z.string(), boolField).default({}),
    queues: z.record(z.string(), boolField).default({}),
  }).strict().prefault({}),
  /** Copying a finished recording from the switch: tries, and the first wait (doubled each time). */
  copy: z.object({
    attempts: intField(1, 100).default(12),
    backoffMs: intField(100, 3_600_000).default(5000),
    /** Copies in progress at once on one instance. */
    concurrency: intField(1, 100).default(4),
  }).strict().prefault({}),
  /**
   * A recording still `recording` this long after it started was left by an
   * instance that stopped mid-conversation: the sweep hands it to a copy job
   * (the switch finished the file when the bridge ended). Keep it above the
   * longest conversation.
   */
  orphanAfterMs: intField(60_000, 7 * 86_400_000).default(6 * 3_600_000),
  /** How often the retention sweep looks for recordings past their retention (and left ones). */
  sweepEveryMs: intField(60_000, 86_400_000).default(3_600_000),
}).strict();

export type RecordingsConfig = z.infer<typeof recordingsSectionSchema>;
export type RecordingStoreConfig = RecordingsConfig['store'];

/** Whether a conversation of this tier in this queue is recorded. */
export function recordsCalls(config: Pick<RecordingsConfig, 'enabled' | 'recordCalls'>, tier: string, queue: string): boolean {
  return config.enabled && config.recordCalls.tiers[tier] !== false && config.recordCalls.queues[queue] !== false;
}

/**
 * Whether any conversation of this tier may be recorded (whatever its queue):
 * where the greeting says that calls may be recorded.
 */
export function mayRecordTier(config: Pick<RecordingsConfig, 'enabled' | 'recordCalls'>, tier: string): boolean {
  return config.enabled && config.recordCalls.tiers[tier] !== false;
}
