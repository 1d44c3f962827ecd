import type { ChainableCommander, Redis } from 'ioredis';
import { luaScripts } from '../infra/lua-scripts.js';
import type { TierId } from '../routing/types.js';

/** answered: a score or a comment; unreached: no dial answered; no-response: answered, nothing pressed. */
export type SurveyState = 'scheduled' | 'dialling' | 'answered' | 'unreached' | 'no-response';

/** One satisfaction follow-up of a handled call. */
export interface Survey {
  id: string;
  /** The handled call it follows up (its call record gets `survey-answered`). */
  callId: string;
  number: string;
  tier: TierId;
  queue: string;
  agent: string;
  scheduledAt: number;
  dueAt: number;
  state: SurveyState;
  attempts: number;
  /** 1–5; null without a score. */
  score: number | null;
  comment: boolean;
  callbackId: string | null;
  answeredAt: number | null;
}

/**
 * Surveys in Redis (`<prefix>:{care}`):
 *
 *   B:survey:<id>                 hash: the survey
 *   B:surveys-pending             surveys not yet done, score = due time
 *   B:surveys-by-time             every survey, score = when it was scheduled (retention)
 *   B:surveyed:<number>           "<survey id>|<end of its period>": the number's survey of the current period
 *   B:survey-dial:<id>:<attempt>  set once, before the customer is dialled: a re-run never dials again
 */
export class SurveyStore {
  readonly base: string;

  constructor(private readonly redis: Redis, keyPrefix: string) {
    this.base = `${keyPrefix}:{care}`;
    if (!defined.has(redis)) {
      redis.defineCommand('careSurveySchedule', { numberOfKeys: 1, lua: readLua('survey-schedule.lua') });
      redis.defineCommand('careSurveyClaim', { numberOfKeys: 1, lua: readLua('survey-claim.lua') });
      redis.defineCommand('careSurveyPurge', { numberOfKeys: 1, lua: readLua('survey-purge.lua') });
      defined.add(redis);
    }
  }

  /**
   * Creates the survey unless the number already has one whose period runs
   * past `now`; this one's period runs until `until`. False when the number
   * is taken. (The period is compared on the service's clock; Redis expiry
   * only clears keys after it.)
   */
  async schedule(survey: Survey, now: number, until: number): Promise<boolean> {
    const fn = (this.redis as unknown as Record<string, (...a: string[]) => Promise<number>>).careSurveySchedule!;
    const created = await fn.call(this.redis, this.base, survey.id, survey.number, String(now), String(until), JSON.stringify(encode(survey)), String(survey.dueAt));
    return created === 1;
  }

  async get(id: string): Promise<Survey | null> {
    const h = await this.redis.hgetall(this.key('survey', id));
    return Object.keys(h).length ? decode(h) : null;
  }

  async pendingIds(): Promise<string[]> {
    return this.redis.zrange(this.key('surveys-pending'), 0, -1);
  }

  /**
   * Claims dial `attempt` of a scheduled survey, for the run holding the
   * dial's lease: `claimed-before` for a re-run, `not-scheduled`, or
   * `lease-lost` when the run asking no longer holds the lease.
   */
  async claim(id: string, attempt: number, ttlSec: number, lease: { key: string; token: string }): Promise<'claimed' | 'claimed-before' | 'not-scheduled' | 'lease-lost'> {
    const fn = (this.redis as unknown as Record<string, (...a: string[]) => Promise<string>>).careSurveyClaim!;
    return (await fn.call(this.redis, this.base, id, String(attempt), String(ttlSec), lease.key, lease.token)) as 'claimed' | 'claimed-before' | 'not-scheduled' | 'lease-lost';
  }

  async update(id: string, fields: Partial<Omit<Survey, 'id'>>, done = false): Promise<void> {
    const pipe = this.redis.multi();
    this.updateTo(pipe, id, fields, done);
    await pipe.exec();
  }

  /** The same change, added to a transaction of the caller's. */
  updateTo(pipe: ChainableCommander, id: string, fields: Partial<Omit<Survey, 'id'>>, done = false): void {
    pipe.hset(this.key('survey', id), encode(fields));
    if (done) pipe.zrem(this.key('surveys-pending'), id);
    else if (fields.dueAt !== undefined) pipe.zadd(this.key('surveys-pending'), String(fields.dueAt), id);
  }

  /**
   * Deletes the surveys scheduled before `cutoff` (ms), in batches through
   * `surveys-by-time`; returns how many. Surveys stored before that index
   * existed are added to it first, by one scan, once per deployment.
   */
  async purgeScheduledBefore(cutoff: number): Promise<number> {
    await this.indexUnindexed();
    const fn = (this.redis as unknown as Record<string, (...a: string[]) => Promise<number>>).careSurveyPurge!;
    let total = 0;
    for (;;) {
      const deleted = await fn.call(this.redis, this.base, String(cutoff), String(PURGE_BATCH));
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
    }
  }

  /** Adds the surveys missing from `surveys-by-time` (written before it was kept), once. */
  private async indexUnindexed(): Promise<void> {
    const done = this.key('surveys-by-time-complete');
    if (await this.redis.exists(done)) return;
    const match = `${this.base.replace(/[*?[\]\\]/g, '\\$&')}:survey:*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      if (!keys.length) continue;
      const read = this.redis.pipeline();
      for (const k of keys) read.hmget(k, 'scheduledAt', 'dueAt');
      const rows = (await read.exec()) ?? [];
      const write = this.redis.pipeline();
      keys.forEach((k, i) => {
        const [scheduledAt, dueAt] = (rows[i]?.[1] ?? []) as (string | null)[];
        write.zadd(this.key('surveys-by-time'), 'NX', String(Number(scheduledAt || dueAt || 0)), k.slice(this.key('survey').length + 1));
      });
      await write.exec();
    } while (cursor !== '0');
    await this.redis.set(done, '1');
  }

  private key(...parts: string[]): string {
    return [this.base, ...parts].join(':');
  }
}

const defined = new WeakSet<Redis>();

/** Records deleted by one script run: short enough not to hold Redis up. */
const PURGE_BATCH = 500;

// survey-schedule.lua ARGV: id, number, now, period end, fields JSON, due
// survey-claim.lua ARGV: id, attempt, ttl (s)
// survey-purge.lua ARGV: cutoff (ms), batch size
const readLua = luaScripts('care/lua');

function encode(s: Partial<Survey>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) continue;
    out[k] = v === null ? '' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  }
  return out;
}

function decode(h: Record<string, string>): Survey {
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  return {
    id: h.id ?? '',
    callId: h.callId ?? '',
    number: h.number ?? '',
    tier: (h.tier ?? 'standard') as TierId,
    queue: h.queue ?? '',
    agent: h.agent ?? '',
    scheduledAt: Number(h.scheduledAt ?? 0),
    dueAt: Number(h.dueAt ?? 0),
    state: (h.state ?? 'scheduled') as SurveyState,
    attempts: Number(h.attempts ?? 0),
    score: num(h.score),
    comment: h.comment === '1',
    callbackId: h.callbackId || null,
    answeredAt: num(h.answeredAt),
  };
}
