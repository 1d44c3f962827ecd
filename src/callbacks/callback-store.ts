import type { Redis } from 'ioredis';
import type { Lang } from '../prompts/spoken.js';
import { callerContextOrNull, serializeCallerContext } from '../routing/stored-caller-context.js';
import type { CallerContext, OverflowPlan, TierId } from '../routing/types.js';
import type { Callback, CallbackAttempt, CallbackState, DialResult, ScheduledBecause } from './callback.js';

/**
 * Callbacks in Redis, under one hash-tagged base key (`<prefix>:{cb}`) so the
 * scripts below are atomic on one cluster slot:
 *
 *   B:cb:<id>                  hash: the callback (fields as in encode below)
 *   B:open                     open callbacks, score = deadline (pending and overdue lists)
 *   B:closed                   final callbacks, score = when closed (kept keepClosedSec)
 *   B:dedup:<queue>:<number>   the open callback of a number in a queue: a second request merges into it
 *   B:claim:<id>:<offeredAt>   the attempt number dialled for one ACD offer: set once, before the
 *                              customer is dialled, so a re-run of the same offer never dials again
 *   B:attempt:<id>:<n>         hash: one customer dial (legs, stage, result)
 *
 * Every change is a compare-and-set on the callback's state (and, for
 * timers, its generation), so two instances, or a job re-run after a crash,
 * never both act on one step.
 */
export class CallbackStore {
  readonly base: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly attemptTtlSec: number,
    /** Told about a stored caller context that cannot be read back (the callback goes on without it). */
    private readonly onMalformedContext: (id: string, problem: string) => void = () => {},
  ) {
    this.base = `${keyPrefix}:{cb}`;
    defineScripts(redis);
  }

  /** Creates the callback, or returns the open one of the same number in the same queue (merged). */
  async create(cb: Callback): Promise<{ status: 'created' | 'merged' | 'exists'; id: string }> {
    const raw = await this.script('cbCreate', cb.id, dedupMember(cb.queue, cb.number), JSON.stringify(encode(cb)), String(cb.deadline));
    return JSON.parse(raw) as { status: 'created' | 'merged' | 'exists'; id: string };
  }

  async get(id: string): Promise<Callback | null> {
    const h = await this.redis.hgetall(this.key('cb', id));
    return Object.keys(h).length ? this.decode(h) : null;
  }

  async getMany(ids: readonly string[]): Promise<Callback[]> {
    if (!ids.length) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.key('cb', id));
    const rows = (await pipe.exec()) ?? [];
    return rows.map(([, h]) => h as Record<string, string>).filter((h) => h && Object.keys(h).length).map((h) => this.decode(h));
  }

  /** Open callbacks (scheduled, waiting, dialling), earliest deadline first. */
  async openIds(): Promise<string[]> {
    return this.redis.zrange(this.key('open'), 0, -1);
  }

  /** Open callbacks whose deadline is before `at`. */
  async overdueIds(at: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.key('open'), '-inf', `(${at}`);
  }

  /** Final callbacks closed since `since`, newest first; forgets those older than `forgetBefore`. */
  async closedIds(since: number, forgetBefore: number, limit: number): Promise<string[]> {
    await this.redis.zremrangebyscore(this.key('closed'), '-inf', `(${forgetBefore}`);
    return this.redis.zrevrangebyscore(this.key('closed'), '+inf', String(since), 'LIMIT', 0, limit);
  }

  /**
   * Changes a callback if it is in one of `expect` states (and at timer
   * generation `gen` when given). `close` makes it final: out of the open
   * list and the merge index, kept `ttlSec` for the listings.
   */
  async transition(id: string, change: Transition): Promise<TransitionResult> {
    const args = {
      expect: change.expect ?? null,
      gen: change.gen ?? null,
      set: stringify(change.set ?? {}),
      bumpGen: change.bumpGen ?? false,
      deadline: change.deadline ?? null,
      close: change.close ?? null,
    };
    return JSON.parse(await this.script('cbTransition', id, JSON.stringify(args))) as TransitionResult;
  }

  /**
   * Claims the next customer dial for the ACD offer made at `offeredAt`. Only
   * a waiting callback with tries left can be claimed, and only once per
   * offer: a second claim of the same offer (a re-run after a crash) gets
   * `exists` with the attempt already made, and must not dial.
   */
  async claim(id: string, offeredAt: number, now: number, agent: string, agentLeg: string): Promise<ClaimResult> {
    const raw = await this.script('cbClaim', id, String(offeredAt), String(now), agent, agentLeg, customerLegPrefix(id), String(this.attemptTtlSec));
    return JSON.parse(raw) as ClaimResult;
  }

  /** The attempt made for an offer, if one was claimed. */
  async claimOf(id: string, offeredAt: number): Promise<number | null> {
    const v = await this.redis.get(this.key('claim', id, String(offeredAt)));
    return v === null ? null : Number(v);
  }

  async attempt(id: string, n: number): Promise<CallbackAttempt | null> {
    const h = await this.redis.hgetall(this.key('attempt', id, String(n)));
    if (!Object.keys(h).length) return null;
    return {
      callbackId: id,
      attempt: n,
      offeredAt: Number(h.offeredAt ?? 0),
      agent: h.agent ?? '',
      agentLeg: h.agentLeg ?? '',
      customerLeg: h.customerLeg ?? '',
      startedAt: Number(h.startedAt ?? 0),
      stage: (h.stage || 'dialling') as CallbackAttempt['stage'],
      result: (h.result || null) as CallbackAttempt['result'],
    };
  }

  async updateAttempt(id: string, n: number, fields: Partial<Pick<CallbackAttempt, 'stage' | 'result'>> & { endedAt?: number }): Promise<void> {
    const k = this.key('attempt', id, String(n));
    const flat = stringify(fields as Record<string, string | number | null>);
    if (Object.keys(flat).length) await this.redis.hset(k, flat);
  }

  private key(...parts: string[]): string {
    return [this.base, ...parts].join(':');
  }

  private decode(h: Record<string, string>): Callback {
    const context = callerContextOrNull(h.context, (problem) => this.onMalformedContext(h.id ?? '', problem));
    return decode(h, context);
  }

  private async script(name: keyof typeof SCRIPTS, ...args: string[]): Promise<string> {
    const fn = (this.redis as unknown as Record<string, (...a: string[]) => Promise<string>>)[name]!;
    return fn.call(this.redis, this.base, ...args);
  }
}

export interface Transition {
  expect?: CallbackState[];
  gen?: number;
  set?: Record<string, string | number | boolean | null>;
  /** Start a new timer generation (the pending timer job becomes stale). */
  bumpGen?: boolean;
  /** A new deadline (re-sorts the open list). */
  deadline?: number;
  close?: { at: number; ttlSec: number };
}

export type TransitionResult =
  | { status: 'ok'; state: CallbackState; gen: number }
  | { status: 'changed'; state: CallbackState; gen: number }
  | { status: 'missing' };

export type ClaimResult =
  | { status: 'claimed'; attempt: number; customerLeg: string }
  | { status: 'exists'; attempt: number }
  | { status: 'changed'; state: CallbackState }
  | { status: 'exhausted'; attempts: number };

/** Channel id of a customer's leg for attempt n: chosen before dialling, so a re-run can find it. */
export function customerLegPrefix(id: string): string {
  return `${id}-c`;
}

function dedupMember(queue: string, number: string): string {
  return `${queue}:${number}`;
}

function stringify(fields: Record<string, string | number | boolean | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out[k] = v === null ? '' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  }
  return out;
}

function encode(cb: Callback): Record<string, string> {
  return stringify({
    id: cb.id,
    callId: cb.callId,
    queue: cb.queue,
    skill: cb.skill,
    lvl: cb.minAgentLevel,
    pri: cb.priority,
    prefer: cb.preferHighestLevel,
    overflow: cb.overflow ? JSON.stringify(cb.overflow) : null,
    tier: cb.tier,
    number: cb.number,
    context: serializeCallerContext(cb.context),
    reason: cb.reason,
    lang: cb.lang,
    requestedAt: cb.requestedAt,
    enqueuedAt: cb.enqueuedAt,
    arrivedAt: cb.arrivedAt,
    deadline: cb.deadline,
    promoteAt: cb.promoteAt,
    promoted: cb.promoted,
    expiresAt: cb.expiresAt,
    state: cb.state,
    scheduledBecause: cb.scheduledBecause,
    notBefore: cb.notBefore,
    attempts: cb.attempts,
    maxAttempts: cb.maxAttempts,
    firstDialledAt: cb.firstDialledAt,
    lastDialledAt: cb.lastDialledAt,
    lastResult: cb.lastResult,
    merged: cb.merged,
    closedAt: cb.closedAt,
    closedBy: cb.closedBy,
    closeReason: cb.closeReason,
    gen: cb.gen,
    wakeAt: cb.wakeAt,
  });
}

function decode(h: Record<string, string>, context: CallerContext | null): Callback {
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  const json = <T>(v: string | undefined): T | null => {
    if (!v) return null;
    try {
      return JSON.parse(v) as T;
    } catch {
      return null;
    }
  };
  return {
    id: h.id ?? '',
    callId: h.callId ?? '',
    queue: h.queue ?? '',
    skill: h.skill ?? '',
    minAgentLevel: Number(h.lvl ?? 1),
    priority: Number(h.pri ?? 0),
    preferHighestLevel: h.prefer === '1',
    overflow: json<OverflowPlan>(h.overflow),
    tier: (h.tier ?? 'standard') as TierId,
    number: h.number ?? '',
    context,
    reason: h.reason ?? '',
    lang: (h.lang === 'en' ? 'en' : 'zh') as Lang,
    requestedAt: Number(h.requestedAt ?? 0),
    enqueuedAt: Number(h.enqueuedAt ?? 0),
    arrivedAt: Number(h.arrivedAt ?? 0),
    deadline: Number(h.deadline ?? 0),
    promoteAt: Number(h.promoteAt ?? 0),
    promoted: h.promoted === '1',
    expiresAt: Number(h.expiresAt ?? 0),
    state: (h.state ?? 'scheduled') as CallbackState,
    scheduledBecause: (h.scheduledBecause || null) as ScheduledBecause | null,
    notBefore: num(h.notBefore),
    attempts: Number(h.attempts ?? 0),
    maxAttempts: Number(h.maxAttempts ?? 1),
    firstDialledAt: num(h.firstDialledAt),
    lastDialledAt: num(h.lastDialledAt),
    lastResult: (h.lastResult || null) as DialResult | null,
    merged: Number(h.merged ?? 0),
    closedAt: num(h.closedAt),
    closedBy: h.closedBy || null,
    closeReason: h.closeReason || null,
    gen: Number(h.gen ?? 0),
    wakeAt: num(h.wakeAt),
  };
}

const SCRIPTS = {
  // ARGV: id, dedup member, fields JSON, deadline
  cbCreate: `
local B = KEYS[1]
local dedup = B .. ':dedup:' .. ARGV[2]
local existing = redis.call('GET', dedup)
if existing then
  local k = B .. ':cb:' .. existing
  local st = redis.call('HGET', k, 'state')
  if st == 'scheduled' or st == 'waiting' or st == 'dialling' then
    redis.call('HINCRBY', k, 'merged', 1)
    return cjson.encode({ status = 'merged', id = existing })
  end
end
local k = B .. ':cb:' .. ARGV[1]
if redis.call('EXISTS', k) == 1 then return cjson.encode({ status = 'exists', id = ARGV[1] }) end
local fields = cjson.decode(ARGV[3])
local args = {}
for f, v in pairs(fields) do
  args[#args + 1] = f
  args[#args + 1] = v
end
redis.call('HSET', k, unpack(args))
redis.call('SET', dedup, ARGV[1])
redis.call('ZADD', B .. ':open', ARGV[4], ARGV[1])
return cjson.encode({ status = 'created', id = ARGV[1] })`,

  // ARGV: id, change JSON {expect, gen, set, bumpGen, deadline, close = {at, ttlSec}}
  cbTransition: `
local B = KEYS[1]
local id = ARGV[1]
local a = cjson.decode(ARGV[2])
local k = B .. ':cb:' .. id
local h = redis.call('HMGET', k, 'state', 'gen', 'queue', 'number')
if not h[1] then return cjson.encode({ status = 'missing' }) end
local gen = tonumber(h[2]) or 0
if a.expect ~= cjson.null then
  local allowed = false
  for _, s in ipairs(a.expect) do
    if s == h[1] then allowed = true end
  end
  if not allowed then return cjson.encode({ status = 'changed', state = h[1], gen = gen }) end
end
if a.gen ~= cjson.null and tonumber(a.gen) ~= gen then
  return cjson.encode({ status = 'changed', state = h[1], gen = gen })
end
local args = {}
for f, v in pairs(a.set) do
  args[#args + 1] = f
  args[#args + 1] = v
end
if #args > 0 then redis.call('HSET', k, unpack(args)) end
if a.bumpGen then gen = redis.call('HINCRBY', k, 'gen', 1) end
if a.deadline ~= cjson.null then redis.call('ZADD', B .. ':open', a.deadline, id) end
if a.close ~= cjson.null then
  redis.call('ZREM', B .. ':open', id)
  local dedup = B .. ':dedup:' .. h[3] .. ':' .. h[4]
  if redis.call('GET', dedup) == id then redis.call('DEL', dedup) end
  redis.call('ZADD', B .. ':closed', a.close.at, id)
  redis.call('EXPIRE', k, a.close.ttlSec)
end
return cjson.encode({ status = 'ok', state = redis.call('HGET', k, 'state'), gen = gen })`,

  // ARGV: id, offeredAt, now, agent, agentLeg, customer leg prefix, ttl (s)
  cbClaim: `
local B = KEYS[1]
local id = ARGV[1]
local k = B .. ':cb:' .. id
local claim = B .. ':claim:' .. id .. ':' .. ARGV[2]
local prev = redis.call('GET', claim)
if prev then return cjson.encode({ status = 'exists', attempt = tonumber(prev) }) end
local h = redis.call('HMGET', k, 'state', 'attempts', 'maxAttempts', 'firstDialledAt')
if not h[1] then return cjson.encode({ status = 'changed', state = 'missing' }) end
if h[1] ~= 'waiting' then return cjson.encode({ status = 'changed', state = h[1] }) end
local attempts = tonumber(h[2]) or 0
if attempts >= (tonumber(h[3]) or 1) then return cjson.encode({ status = 'exhausted', attempts = attempts }) end
local n = attempts + 1
local leg = ARGV[6] .. n
redis.call('SET', claim, n, 'EX', ARGV[7])
redis.call('HSET', k, 'state', 'dialling', 'attempts', n, 'lastDialledAt', ARGV[3])
if not h[4] or h[4] == '' then redis.call('HSET', k, 'firstDialledAt', ARGV[3]) end
local ak = B .. ':attempt:' .. id .. ':' .. n
redis.call('HSET', ak, 'offeredAt', ARGV[2], 'agent', ARGV[4], 'agentLeg', ARGV[5], 'customerLeg', leg,
  'startedAt', ARGV[3], 'stage', 'dialling', 'result', '')
redis.call('EXPIRE', ak, ARGV[7])
return cjson.encode({ status = 'claimed', attempt = n, customerLeg = leg })`,
} as const;

const defined = new WeakSet<Redis>();

function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  defined.add(redis);
}
