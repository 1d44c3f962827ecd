import type { Redis } from 'ioredis';
import { luaScripts } from '../infra/lua-scripts.js';
import type { Lang } from '../prompts/spoken.js';
import { callerContextOrNull, serializeCallerContext } from '../routing/stored-caller-context.js';
import type { CallerContext, OverflowPlan, TierId } from '../routing/types.js';
import type { Callback, CallbackAttempt, CallbackState, DialResult, ScheduledBecause } from './callback.js';

/**
 * Callbacks in Redis, under one hash-tagged base key (`<prefix>:{cb}`) so the
 * scripts in lua/ are atomic on one cluster slot:
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
   * `exists` with the attempt already made, and must not dial. Only the run
   * holding the offer's lease (`lease`, see TryLeases) may claim.
   */
  async claim(id: string, offeredAt: number, now: number, agent: string, agentLeg: string, lease: { key: string; token: string }): Promise<ClaimResult> {
    const raw = await this.script('cbClaim', id, String(offeredAt), String(now), agent, agentLeg, customerLegPrefix(id), String(this.attemptTtlSec), lease.key, lease.token);
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
      endedAt: h.endedAt ? Number(h.endedAt) : null,
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
  | { status: 'exhausted'; attempts: number }
  /** The run asking no longer holds the offer's lease: another run took the offer over. */
  | { status: 'lease-lost' };

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

const SCRIPTS = { cbCreate: 'create.lua', cbTransition: 'transition.lua', cbClaim: 'claim.lua' } as const;

const readLua = luaScripts('callbacks/lua');

const defined = new WeakSet<Redis>();

function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const [name, file] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 1, lua: readLua(file) });
  defined.add(redis);
}
