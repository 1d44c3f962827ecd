import type { Redis } from 'ioredis';
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
      redis.defineCommand('careSurveySchedule', { numberOfKeys: 1, lua: SCHEDULE });
      redis.defineCommand('careSurveyClaim', { numberOfKeys: 1, lua: CLAIM });
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

// ARGV: id, number, now, period end, fields JSON, due
const SCHEDULE = `
local B = KEYS[1]
local gate = B .. ':surveyed:' .. ARGV[2]
local taken = redis.call('GET', gate)
if taken then
  local till = tonumber(string.match(taken, '|(%d+)$'))
  if till and till > tonumber(ARGV[3]) then return 0 end
end
redis.call('SET', gate, ARGV[1] .. '|' .. ARGV[4], 'PX', math.max(1, tonumber(ARGV[4]) - tonumber(ARGV[3])))
local fields = cjson.decode(ARGV[5])
local args = {}
for f, v in pairs(fields) do
  args[#args + 1] = f
  args[#args + 1] = v
end
redis.call('HSET', B .. ':survey:' .. ARGV[1], unpack(args))
redis.call('ZADD', B .. ':surveys-pending', ARGV[6], ARGV[1])
return 1`;

// ARGV: id, attempt, ttl (s)
const CLAIM = `
local B = KEYS[1]
local k = B .. ':survey:' .. ARGV[1]
if not redis.call('SET', B .. ':survey-dial:' .. ARGV[1] .. ':' .. ARGV[2], '1', 'NX', 'EX', ARGV[3]) then return 'claimed-before' end
if redis.call('HGET', k, 'state') ~= 'scheduled' then return 'not-scheduled' end
redis.call('HSET', k, 'state', 'dialling', 'attempts', ARGV[2])
return 'claimed'`;

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
