import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A byte range of a stored recording, both ends included (as in an HTTP Range). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where recordings are kept once copied from the switch. Objects are named by
 * the recording's id only (`rec-<uuid>`), never by anything about the caller.
 */
export interface RecordingStore {
  /** Stores the bytes under `id` (replacing any earlier copy) and says what was stored. */
  put(id: string, bytes: Buffer): Promise<{ size: number; sha256: string }>;
  /** The stored bytes, whole or a range; null when nothing is stored under `id`. */
  open(id: string, range?: ByteRange): Promise<{ stream: NodeJS.ReadableStream; size: number } | null>;
  /** Deletes the object; false when there was none. */
  delete(id: string): Promise<boolean>;
}

/** Recording ids as we make them: nothing else may become a file or object name. */
const ID = /^rec-[0-9a-f-]{36}$/;

export function checkRecordingId(id: string): string {
  if (!ID.test(id)) throw new Error(`not a recording id: ${JSON.stringify(id)}`);
  return id;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Recordings as files in one directory, `<dir>/<id>.wav`. A file is written
 * under a temporary name and renamed, so a reader never sees half of one and
 * a copy interrupted by a crash leaves no file under the recording's name.
 */
export class DirectoryStore implements RecordingStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  private path(id: string): string {
    return join(this.dir, `${checkRecordingId(id)}.wav`);
  }

  async put(id: string, bytes: Buffer): Promise<{ size: number; sha256: string }> {
    const path = this.path(id);
    await mkdir(this.dir, { recursive: true });
    const temp = join(this.dir, `.${id}.${randomUUID()}.part`);
    try {
      await writeFile(temp, bytes, { flag: 'wx' });
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { size: bytes.length, sha256: sha256Of(bytes) };
  }

  async open(id: string, range?: ByteRange): Promise<{ stream: NodeJS.ReadableStream; size: number } | null> {
    const path = this.path(id);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const stream = range ? createReadStream(path, { start: range.start, end: Math.min(range.end, size - 1) }) : createReadStream(path);
    return { stream, size };
  }

  async delete(id: string): Promise<boolean> {
    const path = this.path(id);
    try {
      await rm(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}
