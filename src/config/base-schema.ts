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

export const ariSchema = z.object({
  url: z.string().url().default('http://127.0.0.1:8088'),
  user: z.string().min(1).default('ivr'),
  password: z.string().min(1).default('ivr'),
  /** Stasis app name; give each service instance its own (Asterisk has one events connection per app). */
  app: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('ivr'),
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
}).strict().superRefine((ari, ctx) => {
  const problem = keepAliveProblem(ari.keepAliveMs, ari.serverKeepAliveMs);
  if (problem) ctx.addIssue({ code: 'custom', path: ['keepAliveMs'], message: problem });
});

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
