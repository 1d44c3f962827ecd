import type { Redis } from 'ioredis';
import { luaScripts } from '../infra/lua-scripts.js';

/** What an instance tells the others about itself, with its lease. */
export interface InstanceInfo {
  /** Its Stasis app: what a survivor registers to serve its callers. */
  app: string;
  /** The ARI server it talks to: only an instance on the same switch can take its calls over. */
  ariUrl: string;
  /**
   * Several switches: each switch it serves (`ari.servers` id) with its app
   * there and the switch's ARI URL. A survivor takes it over only when it
   * serves every one of them.
   */
  switches?: Record<string, { app: string; url: string }>;
  /** Instances whose takeover it holds: their apps are its to give back, or to pass on if it dies. */
  held?: string[];
}

export type ClaimResult = 'claimed' | 'alive' | 'held' | 'nothing';
export type MoveResult = { kind: 'moved'; calls: string[] } | { kind: 'lost' } | { kind: 'alive' };

type ScriptFn = (...args: (string | number)[]) => Promise<string | number>;

const SCRIPTS = {
  acdTakeoverClaim: 'takeover-claim.lua',
  acdTakeoverInherit: 'takeover-inherit.lua',
  acdTakeoverMove: 'takeover-move.lua',
  acdTakeoverHold: 'takeover-hold.lua',
} as const;
const readLua = luaScripts('acd/lua');
const defined = new WeakSet<Redis>();

/**
 * Instances' leases, the registry of known instances and the takeover holds,
 * under the ACD's hash tag (`<prefix>:{acd}`) so the takeover scripts touch
 * them and the calls' ownership in one step:
 *
 * - `:instance:<id>` the lease (its InstanceInfo as JSON, expiring unless renewed);
 * - `:instances` every instance that ever held a lease (id → InstanceInfo);
 * - `:takeover:<id>` the survivor holding a dead instance's takeover (its id, expiring unless renewed).
 */
export class InstanceRegistry {
  readonly base: string;

  constructor(private readonly redis: Redis, keyPrefix: string) {
    this.base = `${keyPrefix}:{acd}`;
    if (!defined.has(redis)) {
      for (const [name, file] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 1, lua: readLua(file) });
      defined.add(redis);
    }
  }

  /** Writes or renews an instance's lease, and lists it among the known instances. */
  async holdLease(id: string, info: InstanceInfo, leaseMs: number): Promise<void> {
    const text = JSON.stringify(info);
    await this.redis.multi().set(this.key('instance', id), text, 'PX', leaseMs).hset(this.key('instances'), id, text).exec();
  }

  async dropLease(id: string): Promise<void> {
    await this.redis.del(this.key('instance', id));
  }

  async leaseAlive(id: string): Promise<boolean> {
    return (await this.redis.exists(this.key('instance', id))) === 1;
  }

  /** Every instance that ever held a lease, with what it said of itself. */
  async known(): Promise<Map<string, InstanceInfo>> {
    const all = await this.redis.hgetall(this.key('instances'));
    const out = new Map<string, InstanceInfo>();
    for (const [id, text] of Object.entries(all)) {
      try {
        out.set(id, JSON.parse(text) as InstanceInfo);
      } catch {
        // A malformed entry names no app to take over; skipped.
      }
    }
    return out;
  }

  /** The instance holding another's takeover, or null. */
  async holder(id: string): Promise<string | null> {
    return this.redis.get(this.key('takeover', id));
  }

  /** See lua/takeover-claim.lua. */
  async claim(dead: string, me: string, holdMs: number): Promise<ClaimResult> {
    return (await this.script('acdTakeoverClaim', dead, me, String(holdMs))) as ClaimResult;
  }

  /** See lua/takeover-inherit.lua: the holds a claimed dead survivor kept, now ours. */
  async inherit(dead: string, me: string, holdMs: number, held: readonly string[]): Promise<string[]> {
    if (!held.length) return [];
    const parsed = JSON.parse(String(await this.script('acdTakeoverInherit', dead, me, String(holdMs), ...held))) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  }

  /** See lua/takeover-move.lua. */
  async move(dead: string, me: string): Promise<MoveResult> {
    const raw = String(await this.script('acdTakeoverMove', dead, me));
    if (raw === 'lost' || raw === 'alive') return { kind: raw };
    const parsed = JSON.parse(raw) as unknown;
    // Lua's cjson writes an empty list as {}.
    return { kind: 'moved', calls: Array.isArray(parsed) ? parsed.map(String) : [] };
  }

  /** Renews our hold on a takeover; false when it is no longer ours. */
  async renewHold(dead: string, me: string, holdMs: number): Promise<boolean> {
    return Number(await this.script('acdTakeoverHold', dead, me, String(holdMs))) === 1;
  }

  async dropHold(dead: string, me: string): Promise<void> {
    await this.script('acdTakeoverHold', dead, me, '0');
  }

  private key(...parts: string[]): string {
    return [this.base, ...parts].join(':');
  }

  private script(name: keyof typeof SCRIPTS, ...args: string[]): Promise<string | number> {
    const fn = (this.redis as unknown as Record<string, ScriptFn>)[name]!;
    return fn.call(this.redis, this.base, ...args);
  }
}
