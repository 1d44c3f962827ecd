import { z } from 'zod';
import { DEFAULT_TIMING, keepAliveProblem } from '../ari/ari-timing.js';
import { DEFAULT_FAILOVER_WAIT_MS } from '../infra/redis-connection.js';

/** Sections owned by the foundations (server, Redis, ARI, logs, sounds). */
export const serverSchema = z.object({
  host: z.string().default('0.0.0.0'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
}).strict();

/** `host:port` of one sentinel; an IPv6 address goes in brackets (`[::1]:26379`). */
const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/;

const sentinelAddress = z.string().trim().transform((text, ctx) => {
  const m = HOST_PORT.exec(text);
  const port = m ? Number(m[3]) : 0;
  if (!m || port < 1 || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not host:port (e.g. sentinel-1:26379)` });
    return z.NEVER;
  }
  return { host: (m[1] ?? m[2])!, port };
});

export const redisSchema = z.object({
  /** The Redis to use; with Sentinel, only its password, user, db and rediss:// (TLS) count: the sentinels name the master. */
  url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  /** Prefix of every key this service writes, so several deployments can share a Redis. */
  keyPrefix: z.string().min(1).default('hotline'),
  /**
   * Sentinels that watch the master, as a list or one comma-separated string
   * (REDIS_SENTINELS="s1:26379,s2:26379"). Every connection of the service,
   * BullMQ's included, then asks them where the master is and follows a failover.
   */
  sentinels: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(sentinelAddress),
  ).default([]),
  /** The master's name in the sentinels' configuration (`sentinel monitor <name> ...`). */
  masterName: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').optional(),
  /** The sentinels' own password (`requirepass` in their configuration), when they have one. */
  sentinelPassword: z.string().min(1).optional(),
  /** Reach the sentinels over TLS (the master's TLS follows the URL's rediss://). */
  sentinelTls: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean()).default(false),
  /**
   * With sentinels: how long a command waits for a master before it fails
   * (an ACD decision, an API request). Above the sentinels'
   * down-after-milliseconds plus their election, so a failover is waited out.
   */
  failoverWaitMs: z.coerce.number().int().min(100).default(DEFAULT_FAILOVER_WAIT_MS),
}).strict().superRefine((redis, ctx) => {
  if (redis.sentinels.length > 0 && !redis.masterName) {
    ctx.addIssue({ code: 'custom', path: ['masterName'], message: 'sentinels are set: name the master they watch (REDIS_MASTER_NAME)' });
  }
  if (redis.sentinels.length === 0 && redis.masterName) {
    ctx.addIssue({ code: 'custom', path: ['sentinels'], message: `masterName "${redis.masterName}" is set: list the sentinels that watch it (REDIS_SENTINELS)` });
  }
  if (redis.sentinels.length === 0 && (redis.sentinelPassword || redis.sentinelTls)) {
    ctx.addIssue({ code: 'custom', path: ['sentinels'], message: 'sentinelPassword or sentinelTls is set without sentinels' });
  }
});

const appName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only');

/** The id a configuration without `ari.servers` gives its one switch. */
export const SINGLE_SWITCH_ID = 'main';

/** One Asterisk server of `ari.servers`; user, password and app default to the section's. */
const ariServerSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, '1-32 letters, digits, _ -'),
  url: z.string().url(),
  user: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  app: appName.optional(),
}).strict();

/** A switch as the service connects to it: every field resolved. */
export interface AriSwitch {
  id: string;
  url: string;
  user: string;
  password: string;
  /** This instance's Stasis app on that switch. */
  app: string;
}

const ariFields = z.object({
  /** The one switch when `servers` is not set (ARI_URL); with `servers`, leave it out. */
  url: z.string().url().optional(),
  user: z.string().min(1).default('ivr'),
  password: z.string().min(1).default('ivr'),
  /** Stasis app name; give each service instance its own (Asterisk has one events connection per app). */
  app: appName.default('ivr'),
  /**
   * Several Asterisk servers: each with an id (agents name it as their
   * `switch`), its ARI URL and this instance's app on it. Empty: the one
   * switch of `url`, with the id "main".
   */
  servers: z.array(ariServerSchema).default([]),
  /** Ids of the servers this instance connects to; default: all of them. */
  serve: z.array(z.string().min(1)).min(1, 'name at least one switch, or leave serve out for all').optional(),
  /** Deadline of queries (GET) and quick commands (hang-up, play, stop a prompt, music on hold, bridges). */
  requestTimeoutMs: z.coerce.number().int().positive().default(DEFAULT_TIMING.requestTimeoutMs),
  /** Deadline of an originate: Asterisk allocates the channel and starts the dial before answering. */
  originateTimeoutMs: z.coerce.number().int().positive().default(DEFAULT_TIMING.originateTimeoutMs),
  /** Deadline of addChannel, variable set, answer: they run in the channel's queue, after what it is doing. */
  channelCommandTimeoutMs: z.coerce.number().int().positive().default(DEFAULT_TIMING.channelCommandTimeoutMs),
  /** Idle HTTP connections to Asterisk are closed after this, well before Asterisk closes them itself. */
  keepAliveMs: z.coerce.number().int().positive().default(DEFAULT_TIMING.keepAliveMs),
  /** Asterisk's http.conf session_keep_alive (default 15000): keepAliveMs must be at most half of it. */
  serverKeepAliveMs: z.coerce.number().int().positive().default(DEFAULT_TIMING.serverKeepAliveMs),
  /** Connections for queries and quick commands, and for channel commands (which may wait long). */
  connections: z.coerce.number().int().positive().default(DEFAULT_TIMING.connections),
  channelConnections: z.coerce.number().int().positive().default(DEFAULT_TIMING.channelConnections),
  reconnect: z.object({
    /** First retry comes quickly: while no client holds the app, Asterisk rejects new calls. */
    initialDelayMs: z.coerce.number().int().min(0).default(100),
    maxDelayMs: z.coerce.number().int().positive().default(5000),
    factor: z.coerce.number().min(1).default(2),
  }).strict().prefault({}),
  /** Taking the app back after another client took it over (ApplicationReplaced): slower, so two clients never flap fast. */
  takeBack: z.object({
    initialDelayMs: z.coerce.number().int().min(0).default(1000),
    maxDelayMs: z.coerce.number().int().positive().default(30_000),
    factor: z.coerce.number().min(1).default(2),
  }).strict().prefault({}),
}).strict();

export const ariSchema = ariFields.superRefine((ari, ctx) => {
  const problem = keepAliveProblem(ari.keepAliveMs, ari.serverKeepAliveMs);
  if (problem) ctx.addIssue({ code: 'custom', path: ['keepAliveMs'], message: problem });
  checkServers(ari, ctx);
}).transform((ari) => {
  const switches = resolveSwitches(ari);
  // The first switch served: its URL and app are the instance's own (its default id, its lease).
  const first = switches.find((s) => s.id === (ari.serve?.[0] ?? switches[0]!.id))!;
  return {
    ...ari,
    url: first.url,
    app: first.app,
    /** Every switch of the deployment, resolved (agents may be on any of them). */
    switches,
    /** The ids of the switches this instance connects to. */
    serve: ari.serve ? [...ari.serve] : switches.map((s) => s.id),
  };
});

type AriFields = z.infer<typeof ariFields>;

function resolveSwitches(ari: AriFields): AriSwitch[] {
  if (ari.servers.length === 0) {
    return [{ id: SINGLE_SWITCH_ID, url: ari.url ?? 'http://127.0.0.1:8088', user: ari.user, password: ari.password, app: ari.app }];
  }
  return ari.servers.map((s) => ({ id: s.id, url: s.url, user: s.user ?? ari.user, password: s.password ?? ari.password, app: s.app ?? ari.app }));
}

/** Duplicate ids, two servers that are one app on one switch, `serve` naming what is not listed. */
function checkServers(ari: AriFields, ctx: z.RefinementCtx): void {
  if (ari.servers.length > 0 && ari.url !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'ari.url (ARI_URL) and ari.servers are both set: with servers, give each its url there and leave ari.url out' });
  }
  const ids = new Map<string, number>();
  const apps = new Map<string, string>();
  ari.servers.forEach((server, i) => {
    const same = ids.get(server.id);
    if (same !== undefined) ctx.addIssue({ code: 'custom', path: ['servers', i, 'id'], message: `duplicate switch id "${server.id}" (also servers.${same})` });
    else ids.set(server.id, i);
    const app = server.app ?? ari.app;
    const where = `${normalUrl(server.url)} ${app}`;
    const other = apps.get(where);
    if (other !== undefined && other !== server.id) {
      ctx.addIssue({ code: 'custom', path: ['servers', i, 'app'], message: `switches "${other}" and "${server.id}" are the same Stasis app "${app}" on the same ARI URL: one app on one Asterisk has one events connection; give each its own app` });
    } else apps.set(where, server.id);
  });
  const known = ari.servers.length ? [...ids.keys()] : [SINGLE_SWITCH_ID];
  const seen = new Set<string>();
  (ari.serve ?? []).forEach((id, i) => {
    if (!known.includes(id)) ctx.addIssue({ code: 'custom', path: ['serve', i], message: `unknown switch "${id}" (ari.servers has ${known.map((k) => `"${k}"`).join(', ')})` });
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['serve', i], message: `switch "${id}" is named twice` });
    seen.add(id);
  });
}

function normalUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}

export const logSchema = z.object({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).strict();

export const soundsSchema = z.object({
  /** Where `npm run prompts` writes audio (sounds/<lang>/hotline/<id>.wav). */
  dir: z.string().default('sounds'),
  /** Language of prompts played to callers: zh first, en second. */
  language: z.enum(['zh', 'en']).default('zh'),
}).strict();

export const instanceSchema = z.object({
  /** Names this service instance in call records and logs (default: host name + pid). */
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').optional(),
}).strict();
