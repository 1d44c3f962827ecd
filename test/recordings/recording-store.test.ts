import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingStore } from '../../src/recordings/create-store.js';
import { DirectoryStore, type RecordingStore, sha256Of } from '../../src/recordings/recording-store.js';
import { s3CredentialsFromEnv, S3Store } from '../../src/recordings/s3-store.js';
import { readAll, silenceWav } from './support/wav.js';

/**
 * Both stores behave the same: whole and ranged reads, replace, delete, and
 * nothing but the recording's id in a file or object name. The S3 store is
 * driven over real HTTP against s3rver, an S3-protocol server.
 */
const newId = () => `rec-${randomUUID()}`;
let dir: string;
let s3dir: string;
let s3rver: S3rver;
let s3: S3Store;
let s3url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rec-dir-'));
  s3dir = await mkdtemp(join(tmpdir(), 'rec-s3-'));
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3dir, configureBuckets: [{ name: 'recordings' }] });
  const { port } = await s3rver.run();
  s3url = `http://127.0.0.1:${port}`;
  s3 = new S3Store({
    bucket: 'recordings', region: 'us-east-1', endpoint: s3url, forcePathStyle: true, prefix: 'hotline/',
    credentials: s3CredentialsFromEnv({ RECORDINGS_S3_ACCESS_KEY_ID: 'S3RVER', RECORDINGS_S3_SECRET_ACCESS_KEY: 'S3RVER' }),
  });
});

afterAll(async () => {
  s3?.close();
  await s3rver?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(s3dir, { recursive: true, force: true });
});

const stores: [string, () => RecordingStore][] = [
  ['directory', () => new DirectoryStore(dir)],
  ['s3 (s3rver over HTTP)', () => s3],
];

describe.each(stores)('the %s store', (_name, store) => {
  it('stores a recording and reads it back whole, with its size and SHA-256', async () => {
    const id = newId();
    const wav = silenceWav(3000);
    expect(await store().put(id, wav)).toEqual({ size: wav.length, sha256: sha256Of(wav) });
    const opened = await store().open(id);
    expect(opened?.size).toBe(wav.length);
    expect((await readAll(opened!.stream)).equals(wav)).toBe(true);
  });

  it('reads a byte range, both ends included, and still says the whole size', async () => {
    const id = newId();
    const wav = silenceWav(2000);
    await store().put(id, wav);
    const opened = await store().open(id, { start: 1000, end: 1999 });
    expect(opened?.size).toBe(wav.length);
    expect((await readAll(opened!.stream)).equals(wav.subarray(1000, 2000))).toBe(true);
    const tail = await store().open(id, { start: wav.length - 10, end: wav.length - 1 });
    expect((await readAll(tail!.stream)).equals(wav.subarray(wav.length - 10))).toBe(true);
  });

  it('replaces an earlier copy, and deletes once', async () => {
    const id = newId();
    await store().put(id, silenceWav(500));
    const second = silenceWav(800);
    await store().put(id, second);
    expect((await readAll((await store().open(id))!.stream)).equals(second)).toBe(true);
    expect(await store().delete(id)).toBe(true);
    expect(await store().open(id)).toBeNull();
    expect(await store().delete(id)).toBe(false);
  });

  it('refuses a name that is not a recording id (no path, no number)', async () => {
    await expect(store().put('../13800000001', silenceWav(100))).rejects.toThrow(/not a recording id/);
    await expect(store().open('13800000001')).rejects.toThrow(/not a recording id/);
  });
});

describe('the directory store', () => {
  it('leaves only <id>.wav files: the temporary copy is renamed', async () => {
    const own = await mkdtemp(join(tmpdir(), 'rec-dir-'));
    try {
      const id = newId();
      await new DirectoryStore(own).put(id, silenceWav(100));
      expect(await readdir(own)).toEqual([`${id}.wav`]);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });
});

describe('the S3 keys from the environment', () => {
  it('both or neither', () => {
    expect(s3CredentialsFromEnv({})).toBeUndefined();
    expect(() => s3CredentialsFromEnv({ RECORDINGS_S3_ACCESS_KEY_ID: 'a' })).toThrow(/go together/);
  });

  it('the objects are named <prefix><id>.wav in the bucket', async () => {
    const id = newId();
    await s3.put(id, silenceWav(100));
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: 'recordings', Prefix: 'hotline/' }));
    expect(listed.Contents?.map((o) => o.Key)).toContain(`hotline/${id}.wav`);
    const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'recordings', Key: `hotline/${id}.wav` }));
    expect(head).toMatchObject({ ContentType: 'audio/wav', Metadata: { sha256: sha256Of(silenceWav(100)) } });
  });
});

describe('the store the configuration names', () => {
  it('a directory, or an S3 bucket with the keys from the environment', async () => {
    expect(createRecordingStore({ kind: 'directory', dir }, {})).toBeInstanceOf(DirectoryStore);
    const store = createRecordingStore(
      { kind: 's3', bucket: 'recordings', region: 'us-east-1', endpoint: s3url, forcePathStyle: true, prefix: 'env/' },
      { RECORDINGS_S3_ACCESS_KEY_ID: 'S3RVER', RECORDINGS_S3_SECRET_ACCESS_KEY: 'S3RVER' },
    );
    expect(store).toBeInstanceOf(S3Store);
    const id = newId();
    await store.put(id, silenceWav(100));
    expect(await s3.open(id)).toBeNull();
    expect((await store.open(id))?.size).toBe(silenceWav(100).length);
    (store as S3Store).close();
  });
});
