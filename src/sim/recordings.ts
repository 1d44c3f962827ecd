import { rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { LiveRecording, StoredRecording } from '../ari/models.js';
import { AriHttpError, badRequest } from './ari-http-error.js';
import type { SimBridge } from './sim-bridge.js';
import type { SimSwitch } from './sim-switch.js';
import { silentWav, WAV_HEADER_BYTES } from '../media/silent-wav.js';

/** Formats this switch can write; Asterisk answers 422 for a format no module provides. */
const FORMATS = new Set(['wav']);
const TERMINATE_ON = new Set(['', 'none', 'any', '#', '*']);
const IF_EXISTS = new Set(['', 'fail', 'overwrite', 'append']);
/** 8 kHz mono 16-bit signed linear: what Asterisk writes for `wav`. */
const SAMPLE_RATE = 8000;
const BYTES_PER_SAMPLE = 2;

export interface BridgeRecordRequest {
  name: string;
  format: string;
  maxDurationSeconds: number;
  maxSilenceSeconds: number;
  ifExists: string;
  terminateOn: string;
}

class SimRecording {
  state: LiveRecording['state'] = 'queued';
  startedAt = 0;
  durationSec: number | null = null;
  cancelTimer: () => void = () => {};
  /** Audio already in the file when an `append` recording started (ms). */
  priorMs = 0;

  constructor(readonly name: string, readonly format: string, readonly bridge: SimBridge) {}

  toJson(): LiveRecording {
    return {
      name: this.name,
      format: this.format,
      state: this.state,
      target_uri: `bridge:${this.bridge.id}`,
      ...(this.durationSec === null ? {} : { duration: this.durationSec }),
    };
  }
}

/**
 * Bridge recordings as res_stasis_recording runs them (POST /bridges/{id}/record):
 * a Recorder channel joins the bridge, the recording is `queued`, then
 * `recording` (RecordingStarted), and ends `done` (RecordingFinished with its
 * duration in whole seconds) when stopped, at maxDurationSeconds, when the
 * bridge is destroyed, or when no channel but the recorder is left in it (the
 * recorder joins with the LONELY flag: one party leaving a two-party bridge
 * does not end it). A cancelled one (DELETE /recordings/live/{name}) ends
 * `canceled` and its file is deleted. Events go to the apps watching the
 * bridge. The file, 8 kHz mono 16-bit silence of the recording's length in
 * simulated time, is a stored recording under `dir` from then on.
 */
export class RecordingEngine {
  private readonly live = new Map<string, SimRecording>();

  constructor(private readonly sw: SimSwitch, readonly dir: string) {}

  async start(bridge: SimBridge, req: BridgeRecordRequest): Promise<LiveRecording> {
    // The order of Asterisk's checks (res/ari/resource_bridges.c, res_stasis_recording.c).
    if (!FORMATS.has(req.format)) {
      throw new AriHttpError(422, 'recording-format-unknown', 'specified format is unknown on this system', { format: req.format });
    }
    if (!TERMINATE_ON.has(req.terminateOn.toLowerCase())) throw badRequest('terminateOn invalid');
    if (!IF_EXISTS.has(req.ifExists.toLowerCase())) throw badRequest('ifExists invalid');
    if (!req.name || req.maxDurationSeconds < 0 || req.maxSilenceSeconds < 0) {
      throw new AriHttpError(500, 'recording-request-invalid', 'Error parsing request');
    }
    const file = this.fileOf(req.name, req.format);
    if (file === null) throw badRequest('Recording name invalid');
    const ifExists = req.ifExists.toLowerCase() || 'fail';
    const existing = await sizeOf(file);
    if ((ifExists === 'fail' && existing !== null) || this.live.has(req.name)) {
      throw new AriHttpError(409, 'recording-exists', `Recording '${req.name}' already exists and can not be overwritten`, { name: req.name });
    }
    const recording = new SimRecording(req.name, req.format, bridge);
    if (ifExists === 'append' && existing !== null) recording.priorMs = bytesToMs(existing - WAV_HEADER_BYTES);
    this.live.set(req.name, recording);
    await mkdir(resolve(file, '..'), { recursive: true });
    if (ifExists !== 'append' || existing === null) await writeFile(file, wav(0));
    // The recorder channel answers and starts on its own thread, after the 201.
    setImmediate(() => {
      if (recording.state !== 'queued') return;
      recording.state = 'recording';
      recording.startedAt = Date.now();
      this.publish(recording, 'RecordingStarted');
      if (req.maxDurationSeconds > 0) {
        recording.cancelTimer = this.sw.clock.after(req.maxDurationSeconds * 1000, () => this.finish(recording, 'done'));
      }
    });
    this.sw.log(`recording ${req.name} of bridge ${bridge.id} queued`);
    return recording.toJson();
  }

  get(name: string): LiveRecording {
    return this.require(name).toJson();
  }

  /** POST /recordings/live/{name}/stop: 409 "Recording not in session" unless queued, recording or paused. */
  stop(name: string): void {
    const recording = this.require(name);
    if (recording.state === 'queued') {
      recording.state = 'canceled';
      this.finish(recording, 'canceled');
      return;
    }
    if (recording.state !== 'recording') throw notInSession(name);
    this.finish(recording, 'done');
  }

  /** DELETE /recordings/live/{name}: the recording ends `canceled` and its file is gone. */
  cancel(name: string): void {
    const recording = this.require(name);
    if (recording.state !== 'queued' && recording.state !== 'recording') throw notInSession(name);
    this.finish(recording, 'canceled');
  }

  /** The bridge is being destroyed, or only the recorder is left in it: its recordings end. */
  bridgeEnded(bridge: SimBridge): void {
    for (const recording of [...this.live.values()]) {
      if (recording.bridge === bridge) this.finish(recording, 'done');
    }
  }

  async listStored(): Promise<StoredRecording[]> {
    const out: StoredRecording[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else {
          const rel = relative(this.dir, path).split(sep).join('/');
          const dot = rel.lastIndexOf('.');
          if (dot > 0) out.push({ name: rel.slice(0, dot), format: rel.slice(dot + 1) });
        }
      }
    };
    await walk(this.dir);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async getStored(name: string): Promise<StoredRecording> {
    await this.storedFile(name);
    return { name, format: 'wav' };
  }

  async readStored(name: string): Promise<Buffer> {
    return readFile(await this.storedFile(name));
  }

  async deleteStored(name: string): Promise<void> {
    await rm(await this.storedFile(name));
  }

  /** Like an Asterisk restart: recordings in progress stop where they are, without events. */
  reset(): void {
    for (const recording of this.live.values()) recording.cancelTimer();
    this.live.clear();
  }

  private async storedFile(name: string): Promise<string> {
    const file = this.fileOf(name, 'wav');
    if (file === null || (await sizeOf(file)) === null) {
      throw new AriHttpError(404, 'recording-not-found', 'Recording not found', { name });
    }
    return file;
  }

  private require(name: string): SimRecording {
    const recording = this.live.get(name);
    if (!recording) throw new AriHttpError(404, 'recording-not-found', 'Recording not found', { name });
    return recording;
  }

  /** Synchronous, so RecordingFinished leaves before a BridgeDestroyed that ended it (apps stop watching the bridge then). */
  private finish(recording: SimRecording, state: 'done' | 'canceled'): void {
    if (this.live.get(recording.name) !== recording) return;
    this.live.delete(recording.name);
    recording.cancelTimer();
    const recordedMs = recording.startedAt ? (Date.now() - recording.startedAt) * this.sw.clock.speed : 0;
    const file = this.fileOf(recording.name, recording.format) ?? '';
    recording.state = state;
    if (state === 'canceled') {
      rmSync(file, { force: true });
    } else {
      const totalMs = recording.priorMs + recordedMs;
      recording.durationSec = Math.round(totalMs / 1000);
      writeFileSync(file, wav(totalMs));
    }
    this.sw.log(`recording ${recording.name} ${state}`);
    this.publish(recording, 'RecordingFinished');
  }

  /** The file of a recording name, or null for a name that would leave the recordings directory. */
  private fileOf(name: string, format: string): string | null {
    if (!name || name.startsWith('/') || name.split('/').includes('..')) return null;
    const file = resolve(this.dir, `${name}.${format}`);
    return file.startsWith(resolve(this.dir) + sep) ? file : null;
  }

  private publish(recording: SimRecording, type: string): void {
    this.sw.hub.publish({ bridgeIds: [recording.bridge.id] }, type, { recording: recording.toJson() });
  }
}

const notInSession = (name: string) => new AriHttpError(409, 'recording-not-in-session', 'Recording not in session', { name });

/** A WAV file of `ms` of silence. */
export function wav(ms: number): Buffer {
  return silentWav(ms, SAMPLE_RATE);
}

function bytesToMs(bytes: number): number {
  return (Math.max(0, bytes) / BYTES_PER_SAMPLE / SAMPLE_RATE) * 1000;
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}
