import { UnrecoverableError } from 'bullmq';
import { parseWavHeader } from '../media/wav-duration.js';
import type { RecordingIndex } from './recording-index.js';
import type { RecordingStore } from './recording-store.js';
import type { RecordingSwitch } from './switch-side.js';

/** A RIFF/WAVE header with fmt and data chunks: a file no longer than this holds no audio. */
const WAV_HEADER_BYTES = 44;

/**
 * How far the file's duration may be from the one the switch reported: the
 * switch reports whole seconds (Asterisk's `duration`), so up to a second
 * either way, plus the frames in flight when it stopped.
 */
export const DURATION_TOLERANCE_MS = 1500;

export interface CopyJob {
  id: string;
  switchId: string;
  /** What the switch said the duration was (RecordingFinished), if it did. */
  reportedMs: number | null;
}

export interface CopyDeps {
  index: RecordingIndex;
  store: RecordingStore;
  switchControl: (switchId: string) => RecordingSwitch | null;
}

/**
 * Copies one finished recording from the switch into the store, then deletes
 * the switch's copy. Every step may be repeated after a crash or a retry:
 * the store's copy is replaced, and a recording already stored only has the
 * switch's copy deleted again. A fault of the switch throws (the job is tried
 * again with backoff); a switch that no longer has the file, or a file that is
 * not a usable WAV, cannot get better and ends the job at once.
 */
export async function copyRecording(job: CopyJob, deps: CopyDeps): Promise<'stored' | 'already-stored' | 'gone'> {
  const { index, store } = deps;
  const meta = await index.get(job.id);
  if (!meta || meta.status === 'deleted') return 'gone';
  const control = deps.switchControl(job.switchId);
  if (!control) throw new Error(`no call control for switch ${job.switchId} on this instance`);
  if (meta.status === 'stored') {
    await control.deleteStoredRecording(job.id);
    return 'already-stored';
  }
  const bytes = await control.storedRecording(job.id);
  if (bytes === null) throw new UnrecoverableError(`the switch ${job.switchId} has no recording ${job.id}`);
  if (bytes.length <= WAV_HEADER_BYTES) throw new UnrecoverableError(`the switch's file holds no audio (${bytes.length} bytes)`);
  let durationMs: number;
  try {
    durationMs = Math.round(parseWavHeader(bytes, bytes.length, job.id).durationMs);
  } catch (err) {
    throw new UnrecoverableError((err as Error).message);
  }
  if (job.reportedMs !== null && Math.abs(durationMs - job.reportedMs) > DURATION_TOLERANCE_MS) {
    // A file cut short in transfer: fetched again on the next try.
    throw new Error(`the file lasts ${durationMs} ms, the switch reported ${job.reportedMs} ms`);
  }
  const { size, sha256 } = await store.put(job.id, bytes);
  await index.update(job.id, { status: 'stored', size, sha256, durationMs, failure: null }, meta.retainUntil);
  await control.deleteStoredRecording(job.id);
  return 'stored';
}
