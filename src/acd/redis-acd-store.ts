import type { Redis } from 'ioredis';
import type { TierId } from '../customers/customer.js';
import { luaScripts } from '../infra/lua-scripts.js';
import type { OverflowPlan } from '../routing/types.js';
import type { Agent, AgentState, PendingChange } from './agent.js';
import { MAX_SKILL_LEVEL } from './agent.js';
import type { AgentChoice } from './choose-agent.js';
import { callIdOfMember } from './waiting-score.js';

/** A queued call as stored in Redis (`B:call:<id>`). */
export interface QueuedCallRecord {
  id: string;
  queue: string;
  skill: string;
  minLevel: number;
  priority: number;
  preferHighestLevel: boolean;
  overflow: OverflowPlan | null;
  /** The overflow time was reached: overflow agents qualify too. */
  overflowed: boolean;
  enqueuedAt: number;
  arrivedAt: number;
  state: QueuedCallState;
  agent: string | null;
  /** Instance whose Stasis app holds the caller; it alone rings agents for the call. */
  owner: string;
  member: string;
  tier: TierId;
  callerNumber: string;
  /** The caller's context in its stored form (see stored-caller-context.ts): for the agent's desk and channel variables. */
  context: string;
  /** Why routing sent the call here (RouteDecision.reason). */
  reason: string;
  /** Channel id of the agent leg being rung or talking. */
  leg: string | null;
  bridge: string | null;
  offeredAt: number | null;
  answeredAt: number | null;
  /**
   * A virtual call: a place kept in the queue for a caller who is not on the
   * line (a callback). Owned by VIRTUAL_OWNER; see lua/lib.lua.
   */
  virtual: boolean;
}

/** Owner of every virtual call: no instance's Stasis app holds its caller. */
export const VIRTUAL_OWNER = '@virtual';

export type QueuedCallState = 'waiting' | 'reserved' | 'ringing' | 'bridged';

/** An agent reserved for a call by a script, to be rung by this instance. */
export interface Reservation {
  call: string;
  agent: string;
  dial: string;
  /** The agent's switch (absent: the first switch). */
  switch?: string;
  /** The agent's version after the reservation. */
  version: number;
}

/** Work for the instance that owns a call, done by whichever instance ran the script. */
export type OwnerNotice = { kind: 'assigned'; call: string; agent: string } | { kind: 'overflowed'; call: string };

export interface ScriptResult {
  status: string;
  /** Earliest entry of the shared timetable (ms), or false when empty. */
  due: number | false;
  reservations?: Reservation[];
  notices?: OwnerNotice[];
  position?: number;
  waiting?: number;
  version?: number;
  callState?: QueuedCallState;
  callAgent?: string;
  /** due: agent timers that fell due (w:<agent> wrap-up over, u:<agent> busy pause over). */
  agents?: string[];
}

export type CallOperation =
  | { op: 'ring'; call: string; expect: QueuedCallState[]; agent: string; leg: string }
  | { op: 'answer'; call: string; expect: QueuedCallState[]; agent: string; bridge: string }
  | { op: 'requeue'; call: string; expect: QueuedCallState[]; agent?: string }
  | { op: 'remove'; call: string; expect: QueuedCallState[]; agent?: string; handleMs?: number }
  | { op: 'prioritize'; call: string; expect: QueuedCallState[]; priority: number };

export interface AgentWrite {
  id: string;
  /** Version the new fields were computed from; -1 to create the agent. */
  expectedVersion: number;
  /** The agent's new definition and status; null deletes the agent. */
  next: Omit<Agent, 'version'> | null;
  /** A timer for the agent in the shared timetable (end of wrap-up, end of a busy pause). */
  timer?: { member: string; at: number } | null;
}

export interface RedisAcdStoreOptions {
  redis: Redis;
  keyPrefix: string;
  instanceId: string;
  now: () => number;
  /** Aging rate of each queue now (queue settings are read at decision time). */
  rates: () => Record<string, number>;
  agentChoice: () => AgentChoice;
}

type ScriptFn = (...args: (string | number)[]) => Promise<string>;

const SCRIPTS = { acdEnqueue: 'enqueue.lua', acdApply: 'apply.lua', acdDue: 'due.lua' } as const;

/**
 * The ACD's state in Redis: agents, queued calls, the indexes the assignment
 * decisions read and the shared timetable, all under one hash-tagged base key
 * (`<prefix>:{acd}`) so the Lua scripts are atomic on one cluster slot. See
 * lua/lib.lua for the key layout and the scoring.
 */
export class RedisAcdStore {
  readonly base: string;
  readonly instanceId: string;
  private readonly redis: Redis;
  private readonly options: RedisAcdStoreOptions;

  constructor(options: RedisAcdStoreOptions) {
    this.options = options;
    this.redis = options.redis;
    this.instanceId = options.instanceId;
    this.base = `${options.keyPrefix}:{acd}`;
    defineScripts(this.redis);
  }

  key(...parts: string[]): string {
    return [this.base, ...parts].join(':');
  }

  /** Channel on which this (or another) instance is told about work waiting in its inbox. */
  wakeChannel(instanceId: string = this.instanceId): string {
    return this.key('wake', instanceId);
  }

  async enqueue(call: QueuedCallRecord, maxWaiting: number): Promise<ScriptResult> {
    return this.run('acdEnqueue', JSON.stringify(encodeCall(call)), String(maxWaiting));
  }

  async apply(agent: AgentWrite | null, call: CallOperation | null = null): Promise<ScriptResult> {
    return this.run(
      'acdApply',
      agent?.id ?? '',
      String(agent?.expectedVersion ?? -1),
      agent?.next ? JSON.stringify(encodeAgent(agent.next)) : '',
      agent?.timer ? JSON.stringify({ member: agent.timer.member, at: String(agent.timer.at) }) : '',
      call ? JSON.stringify(call) : '',
    );
  }

  async due(limit: number, today: string, nextDayStart: number, leaseMs: number): Promise<ScriptResult> {
    return this.run('acdDue', String(limit), today, String(nextDayStart), String(leaseMs));
  }

  /** Puts the day rollover in the timetable unless it is there already. */
  async scheduleDayRollover(at: number): Promise<void> {
    await this.redis.zadd(this.key('due'), 'NX', String(at), 'd:');
  }

  /** Removes an entry of the timetable (an agent timer with nothing left to do). */
  async dropTimer(member: string): Promise<void> {
    await this.redis.zrem(this.key('due'), member);
  }

  async getAgent(id: string): Promise<Agent | null> {
    const h = await this.redis.hgetall(this.key('agent', id));
    return Object.keys(h).length ? decodeAgent(h) : null;
  }

  async listAgents(): Promise<Agent[]> {
    const ids = (await this.redis.smembers(this.key('agents'))).sort();
    if (!ids.length) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.key('agent', id));
    const rows = (await pipe.exec()) ?? [];
    return rows.map(([, h]) => h as Record<string, string>).filter((h) => Object.keys(h).length).map(decodeAgent);
  }

  async getCall(id: string): Promise<QueuedCallRecord | null> {
    const h = await this.redis.hgetall(this.key('call', id));
    return Object.keys(h).length ? decodeCall(h) : null;
  }

  async getCalls(ids: string[]): Promise<QueuedCallRecord[]> {
    if (!ids.length) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.key('call', id));
    const rows = (await pipe.exec()) ?? [];
    return rows.map(([, h]) => h as Record<string, string>).filter((h) => Object.keys(h).length).map(decodeCall);
  }

  /** Calls an instance owns (their callers are in its Stasis app). */
  async ownedCalls(instanceId: string = this.instanceId): Promise<string[]> {
    return this.redis.smembers(this.key('owned', instanceId));
  }

  /** Waiting call ids of a queue, first served first. */
  async waitingIds(queue: string): Promise<string[]> {
    return (await this.redis.zrange(this.key('q', queue), 0, -1)).map(callIdOfMember);
  }

  /** Figures for a waiting call's position and estimated wait, in one round trip. */
  async waitFigures(call: QueuedCallRecord, samples: number): Promise<{ rank: number | null; waiting: number; staffed: number; handleTimes: number[] }> {
    const pipe = this.redis.pipeline();
    pipe.zrank(this.key('q', call.queue), call.member);
    pipe.zcard(this.key('q', call.queue));
    const staffedKeys: string[] = [];
    for (let level = call.minLevel; level <= MAX_SKILL_LEVEL; level++) staffedKeys.push(this.key('st', call.skill, String(level)));
    if (call.overflowed && call.overflow) {
      for (let level = call.overflow.minAgentLevel; level <= MAX_SKILL_LEVEL; level++) {
        staffedKeys.push(this.key('st', call.overflow.skill, String(level)));
      }
    }
    pipe.sunion(...staffedKeys);
    pipe.lrange(this.key('aht', call.queue), 0, samples - 1);
    const [rank, card, union, aht] = ((await pipe.exec()) ?? []).map(([, v]) => v);
    return {
      rank: rank === null || rank === undefined ? null : Number(rank),
      waiting: Number(card ?? 0),
      staffed: Array.isArray(union) ? union.length : 0,
      handleTimes: Array.isArray(aht) ? aht.map(Number).filter(Number.isFinite) : [],
    };
  }

  /** Virtual calls that were given an agent and wait for the virtual-call connector, oldest first. */
  async virtualReservations(limit: number): Promise<{ call: string; offeredAt: number }[]> {
    const flat = await this.redis.zrange(this.key('vres'), 0, limit - 1, 'WITHSCORES');
    const out: { call: string; offeredAt: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ call: flat[i]!, offeredAt: Number(flat[i + 1]) });
    return out;
  }

  /** The connector has taken the reservation made at `offeredAt` (a later one for the same call stays). */
  async ackVirtualReservation(call: string, offeredAt: number): Promise<void> {
    await (this.redis as unknown as Record<string, ScriptFn>).acdAckVirtual!.call(this.redis, this.key('vres'), call, String(offeredAt));
  }

  /** Takes every entry of an instance's inbox (work other instances did for its calls). */
  async drainInbox(instanceId: string = this.instanceId): Promise<string[]> {
    const key = this.key('inbox', instanceId);
    const result = await this.redis.multi().lrange(key, 0, -1).del(key).exec();
    const first = result?.[0]?.[1];
    return Array.isArray(first) ? (first as string[]) : [];
  }

  async ackInbox(text: string, instanceId: string = this.instanceId): Promise<void> {
    await this.redis.lrem(this.key('inbox', instanceId), 1, text);
  }

  private async run(name: keyof typeof SCRIPTS, ...args: string[]): Promise<ScriptResult> {
    const fn = (this.redis as unknown as Record<string, ScriptFn>)[name]!;
    const raw = await fn.call(
      this.redis,
      this.base,
      String(this.options.now()),
      this.instanceId,
      JSON.stringify(this.options.rates()),
      this.options.agentChoice(),
      ...args,
    );
    return JSON.parse(raw) as ScriptResult;
  }
}

const defined = new WeakSet<Redis>();

function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  const lib = readLua('lib.lua');
  for (const [name, file] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys: 1, lua: `${lib}\n${readLua(file)}` });
  }
  redis.defineCommand('acdAckVirtual', { numberOfKeys: 1, lua: readLua('ack-virtual.lua') });
  defined.add(redis);
}

const readLua = luaScripts('acd/lua');

function encodeAgent(a: Omit<Agent, 'version'>): Record<string, string> {
  return {
    name: a.name,
    dial: a.dial,
    sw: a.switch ?? '',
    skills: JSON.stringify(a.skills),
    state: a.state,
    reason: a.pauseReason ?? '',
    since: String(a.stateSince),
    idle: String(a.idleSince),
    calls: String(a.callsToday),
    talk: String(a.talkMsToday),
    day: a.day,
    call: a.callId ?? '',
    pending: a.pending ? JSON.stringify(a.pending) : '',
  };
}

function decodeAgent(h: Record<string, string>): Agent {
  return {
    id: h.id ?? '',
    name: h.name ?? '',
    dial: h.dial ?? '',
    ...(h.sw ? { switch: h.sw } : {}),
    skills: JSON.parse(h.skills ?? '{}') as Record<string, number>,
    state: (h.state ?? 'offline') as AgentState,
    pauseReason: h.reason || null,
    stateSince: Number(h.since ?? 0),
    idleSince: Number(h.idle ?? 0),
    callsToday: Number(h.calls ?? 0),
    talkMsToday: Number(h.talk ?? 0),
    day: h.day ?? '',
    callId: h.call || null,
    pending: h.pending ? (JSON.parse(h.pending) as PendingChange) : null,
    version: Number(h.v ?? 0),
  };
}

function encodeCall(c: QueuedCallRecord): Record<string, string> {
  return {
    id: c.id,
    queue: c.queue,
    skill: c.skill,
    lvl: String(c.minLevel),
    pri: String(c.priority),
    prefer: c.preferHighestLevel ? '1' : '0',
    oskill: c.overflow?.skill ?? '',
    olvl: c.overflow ? String(c.overflow.minAgentLevel) : '',
    oafter: c.overflow ? String(c.overflow.afterMs) : '',
    stage: c.overflowed ? '1' : '0',
    enq: String(c.enqueuedAt),
    arr: String(c.arrivedAt),
    state: c.state,
    agent: c.agent ?? '',
    owner: c.owner,
    mem: c.member,
    tier: c.tier,
    num: c.callerNumber,
    ctx: c.context,
    why: c.reason,
    leg: c.leg ?? '',
    bridge: c.bridge ?? '',
    offeredAt: c.offeredAt === null ? '' : String(c.offeredAt),
    answeredAt: c.answeredAt === null ? '' : String(c.answeredAt),
    virt: c.virtual ? '1' : '',
  };
}

function decodeCall(h: Record<string, string>): QueuedCallRecord {
  const optionalNumber = (v: string | undefined) => (v ? Number(v) : null);
  return {
    id: h.id ?? '',
    queue: h.queue ?? '',
    skill: h.skill ?? '',
    minLevel: Number(h.lvl ?? 1),
    priority: Number(h.pri ?? 0),
    preferHighestLevel: h.prefer === '1',
    overflow: h.oafter ? { afterMs: Number(h.oafter), skill: h.oskill ?? '', minAgentLevel: Number(h.olvl) } : null,
    overflowed: h.stage === '1',
    enqueuedAt: Number(h.enq ?? 0),
    arrivedAt: Number(h.arr ?? h.enq ?? 0),
    state: (h.state ?? 'waiting') as QueuedCallState,
    agent: h.agent || null,
    owner: h.owner ?? '',
    member: h.mem ?? '',
    tier: (h.tier ?? 'standard') as TierId,
    callerNumber: h.num ?? '',
    context: h.ctx ?? '',
    reason: h.why ?? '',
    leg: h.leg || null,
    bridge: h.bridge || null,
    offeredAt: optionalNumber(h.offeredAt),
    answeredAt: optionalNumber(h.answeredAt),
    virtual: h.virt === '1',
  };
}
