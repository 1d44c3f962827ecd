import { type PassThrough, Readable } from 'node:stream';
import type { RecordingCatalog, RecordingCounts, RecordingFilter, RecordingMeta } from '../../src/api/recording-catalog.js';

/**
 * The recordings as the API sees them, in memory: metadata and audio bytes
 * given by the test, filters applied as the catalog's contract says, and
 * every call remembered so a test can see what the API asked for.
 */
export class FakeRecordingCatalog implements RecordingCatalog {
  readonly metas = new Map<string, RecordingMeta>();
  readonly audio = new Map<string, Buffer>();
  readonly filters: RecordingFilter[] = [];
  readonly opened: { id: string; range: { start: number; end: number } | undefined }[] = [];
  /** Streams handed out, to see that none is left open. */
  readonly streams: Readable[] = [];
  /** When set, open() hands out this stream instead of the stored bytes (a slow store). */
  nextStream: PassThrough | null = null;

  add(meta: RecordingMeta, audio?: Buffer): void {
    this.metas.set(meta.id, meta);
    if (audio) this.audio.set(meta.id, audio);
  }

  async list(filter: RecordingFilter): Promise<RecordingMeta[]> {
    this.filters.push(filter);
    return [...this.metas.values()]
      .filter((m) => filter.callId === undefined || m.callId === filter.callId)
      .filter((m) => filter.agent === undefined || m.agent === filter.agent)
      .filter((m) => filter.from === undefined || m.startedAt >= filter.from)
      .filter((m) => filter.to === undefined || m.startedAt <= filter.to)
      .filter((m) => filter.status === undefined || m.status === filter.status)
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, filter.limit ?? Number.MAX_SAFE_INTEGER);
  }

  async get(id: string): Promise<RecordingMeta | null> {
    return this.metas.get(id) ?? null;
  }

  async open(id: string, range?: { start: number; end: number }) {
    this.opened.push({ id, range });
    const bytes = this.audio.get(id);
    if (this.metas.get(id)?.status !== 'stored' || !bytes) return null;
    const stream = this.nextStream ?? Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes]);
    this.nextStream = null;
    this.streams.push(stream);
    return { stream, size: bytes.length, contentType: 'audio/wav' as const };
  }

  async setLegalHold(id: string, reason: string | null, by: string): Promise<RecordingMeta> {
    const meta = this.metas.get(id);
    if (!meta) throw new Error(`no recording ${id}`);
    const held = { ...meta, legalHold: reason, legalHoldBy: reason === null ? null : by };
    this.metas.set(id, held);
    return held;
  }

  async counts(): Promise<RecordingCounts> {
    const of = (status: RecordingMeta['status']) => [...this.metas.values()].filter((m) => m.status === status).length;
    return { recording: of('recording'), copying: of('copying'), stored: of('stored'), failed: of('failed'), deleted: of('deleted'), startFailed: this.startFailed };
  }

  startFailed = 0;
}

/** A recording's metadata with the fields a test does not care about filled in. */
export function recordingMeta(overrides: Partial<RecordingMeta> & { id: string }): RecordingMeta {
  return {
    callId: 'call-1', segment: 1, kind: 'live', agent: '1001', queue: 'billing', tier: 'gold', switchId: 'main',
    startedAt: Date.parse('2026-12-01T02:00:00Z'), durationMs: 62_000, size: null, sha256: null,
    retainUntil: Date.parse('2027-03-03T02:00:00Z'), legalHold: null, legalHoldBy: null, status: 'stored', failure: null,
    callerNumber: '13800000001', deletedAt: null,
    ...overrides,
  };
}
