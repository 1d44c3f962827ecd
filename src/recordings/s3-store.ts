import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { type ByteRange, checkRecordingId, type RecordingStore, sha256Of } from './recording-store.js';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  forcePathStyle?: boolean;
  prefix?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/**
 * The store's keys from the environment: RECORDINGS_S3_ACCESS_KEY_ID and
 * RECORDINGS_S3_SECRET_ACCESS_KEY, both or neither (then the SDK's own chain:
 * AWS_ACCESS_KEY_ID, an instance role, ...).
 */
export function s3CredentialsFromEnv(env: Record<string, string | undefined>): S3StoreOptions['credentials'] {
  const accessKeyId = env.RECORDINGS_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.RECORDINGS_S3_SECRET_ACCESS_KEY;
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) throw new Error('RECORDINGS_S3_ACCESS_KEY_ID and RECORDINGS_S3_SECRET_ACCESS_KEY go together: one is set without the other');
  return { accessKeyId, secretAccessKey };
}

/**
 * Recordings as objects `<prefix><id>.wav` in an S3-compatible bucket, through
 * the AWS SDK v3 client (AWS S3, MinIO and the like). Each object carries
 * its SHA-256 in its metadata (`x-amz-meta-sha256`), and its size is read
 * back after the upload: a short object fails the put (the copy is tried again).
 */
export class S3Store implements RecordingStore {
  readonly client: S3Client;

  constructor(private readonly options: S3StoreOptions) {
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Checksums only where the API requires them: several S3-compatible stores refuse the SDK's newer default trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private key(id: string): string {
    return `${this.options.prefix ?? ''}${checkRecordingId(id)}.wav`;
  }

  async put(id: string, bytes: Buffer): Promise<{ size: number; sha256: string }> {
    const sha256 = sha256Of(bytes);
    await this.client.send(new PutObjectCommand({
      Bucket: this.options.bucket, Key: this.key(id), Body: bytes, ContentType: 'audio/wav', ContentLength: bytes.length,
      Metadata: { sha256 },
    }));
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(id) }));
    if (head.ContentLength !== bytes.length) throw new Error(`the store kept ${head.ContentLength} bytes of ${bytes.length} for ${id}`);
    return { size: bytes.length, sha256 };
  }

  async open(id: string, range?: ByteRange): Promise<{ stream: NodeJS.ReadableStream; size: number } | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({
        Bucket: this.options.bucket, Key: this.key(id), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }));
      const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
      const size = total !== undefined ? Number(total) : (out.ContentLength ?? 0);
      return { stream: out.Body as Readable, size };
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  }

  async delete(id: string): Promise<boolean> {
    // S3 deletes answer the same whether or not the object was there: ask first.
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(id) }));
    } catch (err) {
      if (notFound(err)) return false;
      throw err;
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(id) }));
    return true;
  }

  close(): void {
    this.client.destroy();
  }
}

function notFound(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404);
}
