import type { Redis } from 'ioredis';
import { RECORDING_STATUSES, type RecordingFilter, type RecordingMeta, type RecordingStatus } from './recording-meta.js';

/**
 * Recordings' metadata in Redis, under one hash tag (`<prefix>:{rec}`):
 *
 *   B:rec:<id>            hash: the recording (RecordingMeta)
 *   B:by-time             every recording, score = started
 *   B:by-call:<callId>    a call's recordings (its segments), score = started
 *   B:by-agent:<agent>    an agent's recordings, score = started
 *   B:status:<status>     the recordings in that status, score = started
 *   B:due                 stored recordings, score = retain until (the retention sweep's index)
 *   B:start-failed        recordings that never started (the switch refused), a counter
 *
 * A status change moves the id between the status sets in one MULTI, so a
 * listing by status never shows a recording twice or misses it.
 */
export class RecordingIndex {
  readonly base: string;

  constructor(private readonly redis: Redis, keyPrefix: string) {
    this.base = `${keyPrefix}:{rec}`;
  }

  private key(id: string): string {
    return `${this.base}:rec:${id}`;
  }

  async create(meta: RecordingMeta): Promise<void> {
    await this.redis.multi()
      .hset(this.key(meta.id), encode(meta))
      .zadd(`${this.base}:by-time`, meta.startedAt, meta.id)
      .zadd(`${this.base}:by-call:${meta.callId}`, meta.startedAt, meta.id)
      .zadd(`${this.base}:by-agent:${meta.agent}`, meta.startedAt, meta.id)
      .zadd(`${this.base}:status:${meta.status}`, meta.startedAt, meta.id)
      .exec();
  }

  async get(id: string): Promise<RecordingMeta | null> {
    const h = await this.redis.hgetall(this.key(id));
    return Object.keys(h).length ? decode(h) : null;
  }

  async getMany(ids: readonly string[]): Promise<RecordingMeta[]> {
    if (!ids.length) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.key(id));
    const rows = (await pipe.exec()) ?? [];
    return rows.map(([, h]) => h as Record<string, string>).filter((h) => h && Object.keys(h).length).map(decode);
  }

  /**
   * Updates fields and, with `status`, moves it to that status's set. With
   * `due` the retention index is set (a number) or left (null).
   */
  async update(id: string, fields: Partial<RecordingMeta>, due?: number | null): Promise<RecordingMeta | null> {
    const current = await this.get(id);
    if (!current) return null;
    const multi = this.redis.multi();
    const encoded = encode(fields);
    if (Object.keys(encoded).length) multi.hset(this.key(id), encoded);
    if (fields.status && fields.status !== current.status) {
      for (const s of RECORDING_STATUSES) if (s !== fields.status) multi.zrem(`${this.base}:status:${s}`, id);
      multi.zadd(`${this.base}:status:${fields.status}`, current.startedAt, id);
    }
    if (due === null) multi.zrem(`${this.base}:due`, id);
    else if (due !== undefined) multi.zadd(`${this.base}:due`, due, id);
    await multi.exec();
    return { ...current, ...fields };
  }

  /** Newest first, by the most selective index the filter allows. */
  async list(filter: RecordingFilter): Promise<RecordingMeta[]> {
    const limit = Math.max(1, Math.min(filter.limit ?? 100, 1000));
    const index = filter.callId !== undefined ? `${this.base}:by-call:${filter.callId}`
      : filter.agent !== undefined ? `${this.base}:by-agent:${filter.agent}`
        : filter.status !== undefined ? `${this.base}:status:${filter.status}`
          : `${this.base}:by-time`;
    const max = filter.to !== undefined ? String(filter.to) : '+inf';
    const min = filter.from !== undefined ? String(filter.from) : '-inf';
    const out: RecordingMeta[] = [];
    // Pages through the index until enough match the rest of the filter.
    const page = Math.max(limit, 100);
    for (let offset = 0; out.length < limit; offset += page) {
      const ids = await this.redis.zrevrangebyscore(index, max, min, 'LIMIT', offset, page);
      for (const meta of await this.getMany(ids)) {
        if (filter.callId !== undefined && meta.callId !== filter.callId) continue;
        if (filter.agent !== undefined && meta.agent !== filter.agent) continue;
        if (filter.status !== undefined && meta.status !== filter.status) continue;
        out.push(meta);
        if (out.length === limit) break;
      }
      if (ids.length < page) break;
    }
    return out;
  }

  /** Recordings in `status` that started at or before `at`, oldest first. */
  async inStatusSince(status: RecordingStatus, at: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(`${this.base}:status:${status}`, '-inf', String(at), 'LIMIT', 0, limit);
  }

  /** Stored recordings whose retention ended at or before `at`, oldest first. */
  async dueBy(at: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(`${this.base}:due`, '-inf', String(at), 'LIMIT', 0, limit);
  }

  /** Takes a recording out of the retention index (no longer stored, or its metadata gone). */
  async dropDue(id: string): Promise<void> {
    await this.redis.zrem(`${this.base}:due`, id);
  }

  async countStatus(status: RecordingStatus): Promise<number> {
    return this.redis.zcard(`${this.base}:status:${status}`);
  }

  async countStartFailed(): Promise<number> {
    return Number((await this.redis.get(`${this.base}:start-failed`)) ?? 0);
  }

  async startFailed(): Promise<void> {
    await this.redis.incr(`${this.base}:start-failed`);
  }
}

function encode(meta: Partial<RecordingMeta>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (v === undefined) continue;
    out[k] = v === null ? '' : String(v);
  }
  return out;
}

function decode(h: Record<string, string>): RecordingMeta {
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  return {
    id: h.id ?? '',
    callId: h.callId ?? '',
    segment: Number(h.segment ?? 1),
    kind: h.kind === 'callback' ? 'callback' : 'live',
    agent: h.agent ?? '',
    queue: h.queue ?? '',
    tier: h.tier ?? '',
    switchId: h.switchId ?? '',
    startedAt: Number(h.startedAt ?? 0),
    durationMs: num(h.durationMs),
    size: num(h.size),
    sha256: h.sha256 || null,
    retainUntil: Number(h.retainUntil ?? 0),
    legalHold: h.legalHold || null,
    status: (RECORDING_STATUSES as readonly string[]).includes(h.status ?? '') ? (h.status as RecordingStatus) : 'failed',
    failure: h.failure || null,
    callerNumber: h.callerNumber ?? '',
    legalHoldBy: h.legalHoldBy || null,
    deletedAt: num(h.deletedAt),
  };
}
