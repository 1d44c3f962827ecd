import type { RecordingStoreConfig } from './recordings-config.js';
import { DirectoryStore, type RecordingStore } from './recording-store.js';
import { s3CredentialsFromEnv, S3Store } from './s3-store.js';

/** The store the configuration names; the S3 keys come from `env` (see s3CredentialsFromEnv). */
export function createRecordingStore(config: RecordingStoreConfig, env: Record<string, string | undefined>): RecordingStore {
  if (config.kind === 'directory') return new DirectoryStore(config.dir);
  return new S3Store({
    bucket: config.bucket, region: config.region, endpoint: config.endpoint, forcePathStyle: config.forcePathStyle,
    prefix: config.prefix, credentials: s3CredentialsFromEnv(env),
  });
}
