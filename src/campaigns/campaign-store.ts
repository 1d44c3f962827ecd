import type { Redis } from 'ioredis';
import { luaScripts } from '../infra/lua-scripts.js';
import type { Campaign, CampaignProgress, CampaignStatus, Rejection, Target, TargetResult } from './campaign.js';

const readLua = luaScripts('campaigns/lua');
const defined = new WeakSet<Redis>();

/** Targets written by one command when a campaign is created. */
const WRITE_BATCH = 1000;

export type ControlAction = 'start' | 'pause' | 'resume' | 'stop';
export type ClaimStatus = 'claimed' | 'claimed-before' | 'not-dialling' | 'do-not-call' | 'lease-lost';
/** requeue: a try never dialled goes back among the due numbers and is not counted as one of the number's attempts. */
export type SettleOutcome = 'answered' | 'retry' | 'unreached' | 'failed' | 'skipped' | 'requeue';

/** A dial started by `take`: the number and which try it is. */
export interface StartedDial {
  campaignId: string;
  number: string;
  attempt: number;
}

/**
 * Campaigns in Redis (`<prefix>:{cmp}`, one hash tag: every script stays on one slot):
 *
 *   B:campaign:<id>          hash: the campaign
 *   B:campaigns              every campaign, score = created
 *   B:running                the campaigns whose dials may start
 *   B:target:<id>            hash number → the target (JSON): what its message needs
 *   B:due:<id>               numbers waiting for their (next) dial, score = when due
 *   B:tries:<id>             hash number → dials started
 *   B:active:<id>            numbers being dialled now, score = started
 *   B:active                 "<id>|<number>|<attempt>" of every campaign being dialled now (the total limit)
 *   B:result:<id>            hash number → where the number stands (JSON)
 *   B:count:<id>             hash: the targets counted by state, kept by the scripts
 *   B:rejected:<id>          list: the rows refused at creation (JSON), in line order
 *   B:claim:<id>:<n>:<try>   set once before a number is dialled: a re-run never dials it again
 *   B:answered:<id>:<n>      the try whose customer answered (a run taking over knows the call was made)
 *   B:called:<number>        "<id>|<until>": the campaign that called the number in the current period
 *   B:dnc                    hash number → when and why it was put on the do-not-call list (JSON)
 */
export class CampaignStore {
  readonly base: string;

  constructor(private readonly redis: Redis, keyPrefix: string) {
    this.base = `${keyPrefix}:{cmp}`;
    if (!defined.has(redis)) {
      for (const [name, file] of [['campaignTake', 'take.lua'], ['campaignClaim', 'claim.lua'], ['campaignSettle', 'settle.lua'], ['campaignControl', 'control.lua']] as const) {
        redis.defineCommand(name, { numberOfKeys: 1, lua: readLua(file) });
      }
      defined.add(redis);
    }
  }

  key(...parts: string[]): string {
    return [this.base, ...parts].join(':');
  }

  /**
   * Writes a new campaign in draft: its targets first, the campaign last, so
   * a creation cut short leaves nothing anyone can see or start.
   */
  async create(campaign: Campaign, targets: readonly Target[], rejected: readonly Rejection[]): Promise<void> {
    const { id } = campaign;
    for (let i = 0; i < targets.length; i += WRITE_BATCH) {
      const batch = targets.slice(i, i + WRITE_BATCH);
      const tx = this.redis.multi();
      tx.hset(this.key('target', id), Object.fromEntries(batch.map((t) => [t.number, JSON.stringify(t)])));
      tx.zadd(this.key('due', id), ...batch.flatMap((t) => [String(campaign.startAt), t.number]));
      tx.hset(this.key('result', id), Object.fromEntries(batch.map((t) => [t.number, JSON.stringify({ state: 'pending', attempts: 0 })])));
      await tx.exec();
    }
    for (let i = 0; i < rejected.length; i += WRITE_BATCH) {
      await this.redis.rpush(this.key('rejected', id), ...rejected.slice(i, i + WRITE_BATCH).map((r) => JSON.stringify(r)));
    }
    await this.redis.multi()
      .hset(this.key('count', id), { pending: targets.length, dialling: 0, rejected: rejected.length })
      .hset(this.key('campaign', id), encode(campaign))
      .zadd(this.key('campaigns'), String(campaign.createdAt), id)
      .exec();
  }

  async get(id: string): Promise<Campaign | null> {
    const h = await this.redis.hgetall(this.key('campaign', id));
    return h.id ? decode(h) : null;
  }

  /** Campaigns, newest first. */
  async list(limit: number): Promise<Campaign[]> {
    const ids = await this.redis.zrevrange(this.key('campaigns'), 0, limit - 1);
    return (await Promise.all(ids.map((id) => this.get(id)))).filter((c): c is Campaign => c !== null);
  }

  async running(): Promise<string[]> {
    return this.redis.smembers(this.key('running'));
  }

  async control(id: string, action: ControlAction, now: number, reason = ''): Promise<{ result: 'ok' | 'refused' | 'missing'; status: CampaignStatus }> {
    const [result, status] = await this.run<[string, string]>('campaignControl', id, action, String(now), reason);
    return { result: result as 'ok' | 'refused' | 'missing', status: status as CampaignStatus };
  }

  async take(id: string, now: number, limits: { perCampaign: number; total: number; periodEnd: number; most: number }): Promise<StartedDial[]> {
    const flat = await this.run<(string | number)[]>('campaignTake', id, String(now), String(limits.perCampaign), String(limits.total), String(limits.periodEnd), String(limits.most));
    const out: StartedDial[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ campaignId: id, number: String(flat[i]), attempt: Number(flat[i + 1]) });
    return out;
  }

  claim(dial: StartedDial, ttlSec: number, lease: { key: string; token: string }): Promise<ClaimStatus> {
    return this.run<ClaimStatus>('campaignClaim', dial.campaignId, dial.number, String(dial.attempt), String(ttlSec), lease.key, lease.token);
  }

  /** Ends a try; false when it was ended before (by another run). */
  async settle(dial: StartedDial, now: number, outcome: SettleOutcome, detail: string, extra: { keys?: string; listened?: boolean; retryAt?: number } = {}): Promise<boolean> {
    const done = await this.run<number>('campaignSettle', dial.campaignId, dial.number, String(dial.attempt), String(now), outcome, detail,
      extra.keys ?? '', extra.listened ? '1' : '0', String(extra.retryAt ?? now));
    return done === 1;
  }

  /** Whether the try was claimed (its number dialled, or about to be). */
  async claimed(dial: StartedDial): Promise<boolean> {
    return (await this.redis.exists(this.key('claim', dial.campaignId, dial.number, String(dial.attempt)))) === 1;
  }

  /** Notes that the try's customer answered, before the message: a run taking over after a crash knows the call was made. */
  async markAnswered(dial: StartedDial): Promise<void> {
    await this.redis.set(this.key('answered', dial.campaignId, dial.number), String(dial.attempt), 'EX', 30 * 86_400);
  }

  async answeredTry(dial: StartedDial): Promise<boolean> {
    return (await this.redis.get(this.key('answered', dial.campaignId, dial.number))) === String(dial.attempt);
  }

  async target(id: string, number: string): Promise<Target | null> {
    const raw = await this.redis.hget(this.key('target', id), number);
    return raw ? (JSON.parse(raw) as Target) : null;
  }

  /** Every dial in progress of every campaign, with when it was started. */
  async activeDials(): Promise<(StartedDial & { startedAt: number })[]> {
    const flat = await this.redis.zrange(this.key('active'), 0, -1, 'WITHSCORES');
    const out: (StartedDial & { startedAt: number })[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const m = /^(.*)\|([^|]+)\|(\d+)$/.exec(flat[i]!);
      if (m) out.push({ campaignId: m[1]!, number: m[2]!, attempt: Number(m[3]), startedAt: Number(flat[i + 1]) });
    }
    return out;
  }

  async progress(id: string): Promise<CampaignProgress> {
    const [counts, targets] = await Promise.all([this.redis.hgetall(this.key('count', id)), this.redis.hlen(this.key('target', id))]);
    const n = (f: string) => Number(counts[f] ?? 0);
    return {
      targets, pending: n('pending'), dialling: n('dialling'), answered: n('answered'), listened: n('listened'),
      pressed: { '0': n('k0'), '1': n('k1'), '2': n('k2'), '9': n('k9') },
      unreached: n('unreached'), failed: n('failed'), skipped: n('skipped'), rejected: n('rejected'),
    };
  }

  /** Every target's result, in number order (the results CSV). */
  async results(id: string): Promise<TargetResult[]> {
    const h = await this.redis.hgetall(this.key('result', id));
    return Object.entries(h).sort(([a], [b]) => a.localeCompare(b)).map(([number, raw]) => {
      const r = JSON.parse(raw) as Partial<TargetResult> & { state: TargetResult['state'] };
      return { number, state: r.state, attempts: r.attempts ?? 0, detail: r.detail ?? null, keys: r.keys ?? '', listened: r.listened === true, at: r.at ?? null };
    });
  }

  async rejections(id: string): Promise<Rejection[]> {
    return (await this.redis.lrange(this.key('rejected', id), 0, -1)).map((raw) => JSON.parse(raw) as Rejection);
  }

  private run<T>(command: string, ...args: string[]): Promise<T> {
    return (this.redis as unknown as Record<string, (...a: string[]) => Promise<T>>)[command]!.call(this.redis, this.base, ...args);
  }
}

function encode(c: Campaign): Record<string, string> {
  return {
    id: c.id, name: c.name, kind: c.kind, flowId: c.flowId, ownFlow: c.ownFlow ?? '', status: c.status,
    startAt: String(c.startAt), endAt: String(c.endAt), limits: JSON.stringify(c.limits), pacing: JSON.stringify(c.pacing),
    createdAt: String(c.createdAt), createdBy: c.createdBy, startedAt: c.startedAt === null ? '' : String(c.startedAt),
    endedAt: c.endedAt === null ? '' : String(c.endedAt), stopReason: c.stopReason ?? '', targets: String(c.targets), rejected: String(c.rejected),
  };
}

function decode(h: Record<string, string>): Campaign {
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  return {
    id: h.id!, name: h.name ?? '', kind: h.kind === 'notice' ? 'notice' : 'reminder', flowId: h.flowId ?? '', ownFlow: h.ownFlow || null,
    status: (h.status ?? 'draft') as CampaignStatus, startAt: Number(h.startAt ?? 0), endAt: Number(h.endAt ?? 0),
    limits: JSON.parse(h.limits ?? '{}') as Campaign['limits'],
    pacing: h.pacing ? (JSON.parse(h.pacing) as Campaign['pacing']) : { mode: 'limits' }, createdAt: Number(h.createdAt ?? 0), createdBy: h.createdBy ?? '',
    startedAt: num(h.startedAt), endedAt: num(h.endedAt), stopReason: h.stopReason || null,
    targets: Number(h.targets ?? 0), rejected: Number(h.rejected ?? 0),
  };
}
