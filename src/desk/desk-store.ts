import type { Redis } from 'ioredis';
import type { CallFacts, ScreenPop } from './screen-pop.js';

/** One of an agent's recent calls, as the desk lists it: no customer, no number. */
export interface RecentCall {
  callId: string;
  queue: string;
  tier: string;
  kind: ScreenPop['kind'];
  rungAt: number;
  answeredAt: number | null;
  /** The code saved from the desk; null until one is. */
  disposition: string | null;
  /** The queue the agent transferred the caller to. */
  transferredTo: string | null;
  complaintId: string | null;
  callbackId: string | null;
}

export interface CurrentCall {
  pop: ScreenPop;
  facts: CallFacts;
}

/** Long enough for any call and its wrap-up; the entry is removed before in every normal case. */
const CURRENT_TTL_MS = 12 * 3600_000;
/** Recent calls are the desk's working list, not the record (the call record stream is). */
const RECENT_TTL_MS = 7 * 24 * 3600_000;

// Replaces a field of a recent call only if the call is still listed; returns the call after the change, or false.
const PATCH_RECENT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local call = cjson.decode(raw)
local patch = cjson.decode(ARGV[2])
for k, v in pairs(patch) do call[k] = v end
local out = cjson.encode(call)
redis.call('HSET', KEYS[1], ARGV[1], out)
return out`;

// Removes the agent's current call only if it is still the call named (a newer one is kept).
const CLEAR_CURRENT = `
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).pop.callId == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

/**
 * What the desk keeps per agent, shared by every instance:
 *
 *   <prefix>:desk:current:<agent>   the call ringing or talking to the agent, or in their wrap-up (pop and facts)
 *   <prefix>:desk:recent:<agent>    their recent calls by id (hash) ...
 *   <prefix>:desk:recent-order:<agent>  ... and in order (sorted set by ring time)
 *
 * The current call is removed when the agent leaves wrap-up (or the offer
 * ends): the customer's data is then gone from Redis as from the page.
 */
export class DeskStore {
  private readonly base: string;

  constructor(private readonly redis: Redis, keyPrefix: string, private readonly keepRecent: number) {
    this.base = `${keyPrefix}:desk`;
  }

  async setCurrent(agent: string, current: CurrentCall): Promise<void> {
    await this.redis.set(this.currentKey(agent), JSON.stringify(current), 'PX', CURRENT_TTL_MS);
  }

  /** Replaces the pop of the current call if it is still that call (the account looked up after the first pop). */
  async updateCurrent(agent: string, current: CurrentCall): Promise<boolean> {
    const before = await this.current(agent);
    if (before?.pop.callId !== current.pop.callId) return false;
    await this.setCurrent(agent, current);
    return true;
  }

  async current(agent: string): Promise<CurrentCall | null> {
    const raw = await this.redis.get(this.currentKey(agent));
    return raw ? (JSON.parse(raw) as CurrentCall) : null;
  }

  /** Removes the current call if it is `callId` (any call when null); true when one was removed. */
  async clearCurrent(agent: string, callId: string | null): Promise<boolean> {
    if (callId === null) return (await this.redis.del(this.currentKey(agent))) === 1;
    return (await this.redis.eval(CLEAR_CURRENT, 1, this.currentKey(agent), callId)) === 1;
  }

  async addRecent(agent: string, call: RecentCall): Promise<void> {
    const order = this.orderKey(agent);
    const calls = this.recentKey(agent);
    await this.redis.multi()
      .hset(calls, call.callId, JSON.stringify(call))
      .zadd(order, call.rungAt, call.callId)
      .pexpire(calls, RECENT_TTL_MS)
      .pexpire(order, RECENT_TTL_MS)
      .exec();
    const stale = await this.redis.zrange(order, 0, -(this.keepRecent + 1));
    if (stale.length) await this.redis.multi().zrem(order, ...stale).hdel(calls, ...stale).exec();
  }

  async recentCall(agent: string, callId: string): Promise<RecentCall | null> {
    const raw = await this.redis.hget(this.recentKey(agent), callId);
    return raw ? (JSON.parse(raw) as RecentCall) : null;
  }

  /** Newest first. */
  async recent(agent: string): Promise<RecentCall[]> {
    const ids = await this.redis.zrevrange(this.orderKey(agent), 0, this.keepRecent - 1);
    if (!ids.length) return [];
    const raws = await this.redis.hmget(this.recentKey(agent), ...ids);
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as RecentCall);
  }

  async patchRecent(agent: string, callId: string, patch: Partial<RecentCall>): Promise<RecentCall | null> {
    const out = await this.redis.eval(PATCH_RECENT, 1, this.recentKey(agent), callId, JSON.stringify(patch)) as string | null;
    return out ? (JSON.parse(out) as RecentCall) : null;
  }

  private currentKey(agent: string): string {
    return `${this.base}:current:${agent}`;
  }

  private recentKey(agent: string): string {
    return `${this.base}:recent:${agent}`;
  }

  private orderKey(agent: string): string {
    return `${this.base}:recent-order:${agent}`;
  }
}
