import type { Redis } from 'ioredis';
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

  /** Claims dial `attempt` of a scheduled survey: false when it was claimed before (a re-run) or the survey is not scheduled. */
  async claim(id: string, attempt: number, ttlSec: number): Promise<'claimed' | 'claimed-before' | 'not-scheduled'> {
    const fn = (this.redis as unknown as Record<string, (...a: string[]) => Promise<string>>).careSurveyClaim!;
    return (await fn.call(this.redis, this.base, id, String(attempt), String(ttlSec))) as 'claimed' | 'claimed-before' | 'not-scheduled';
  }

  async update(id: string, fields: Partial<Omit<Survey, 'id'>>, done = false): Promise<void> {
    const pipe = this.redis.multi().hset(this.key('survey', id), encode(fields));
    if (done) pipe.zrem(this.key('surveys-pending'), id);
    else if (fields.dueAt !== undefined) pipe.zadd(this.key('surveys-pending'), String(fields.dueAt), id);
    await pipe.exec();
  }

  private key(...parts: string[]): string {
    return [this.base, ...parts].join(':');
  }
}

const defined = new WeakSet<Redis>();

// survey-schedule.lua ARGV: id, number, now, period end, fields JSON, due
// survey-claim.lua ARGV: id, attempt, ttl (s)
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
