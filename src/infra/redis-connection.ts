import { Redis, type RedisOptions } from 'ioredis';

/** Where the service's Redis is: its URL, and with Sentinel the sentinels that name its master. */
export interface RedisSettings {
  /** Password, user, db and rediss:// (TLS) of the master; its host and port count only without sentinels. */
  readonly url: string;
  readonly sentinels?: readonly { readonly host: string; readonly port: number }[];
  readonly masterName?: string | undefined;
  readonly sentinelPassword?: string | undefined;
  readonly sentinelTls?: boolean;
  /** With sentinels: how long a command waits for a master (a failover) before it fails. */
  readonly failoverWaitMs?: number;
}

/** The Sentinel side of RedisSettings, for parts handed the URL on its own. */
export type RedisSentinelSettings = Omit<RedisSettings, 'url'>;

/**
 * What a connection is for, which decides how long its commands wait when
 * Redis cannot be reached:
 * - `service`: the service's commands (ACD, call records, API). Without
 *   Sentinel they fail after two reconnects, so the API answers 503 at once
 *   (src/infra/redis-outage.ts). With Sentinel they wait up to
 *   `failoverWaitMs` for the new master: a failover is seconds, and an ACD
 *   decision that waits is better than one that fails.
 * - `jobs`: BullMQ's connections, whose commands never give up (BullMQ
 *   requires maxRetriesPerRequest: null and retries its own work).
 * - `tool`: command-line tools, which should say at once that Redis is gone.
 */
export type RedisPurpose = 'service' | 'jobs' | 'tool';

/** Default of `failoverWaitMs`: above a sentinel's usual down-after-milliseconds (a few seconds) plus its election. */
export const DEFAULT_FAILOVER_WAIT_MS = 15_000;

/** Between two reconnects while the master is away; with Sentinel, each reconnect asks the sentinels again. */
const SENTINEL_RECONNECT_MS = 100;

/**
 * Every Redis connection of the service is made here, so Sentinel applies to
 * all of them, BullMQ's included (pub/sub connections are duplicates of the
 * service's one and inherit its settings).
 *
 * With sentinels, ioredis asks them for the master, checks that the server it
 * reached is a master (role), and on a lost connection asks again, so it
 * follows a failover: a dead master's connections drop, and a demoted one
 * closes its clients' connections itself. ioredis' `failoverDetector` (a
 * reconnect on the sentinels' +switch-master) stays off: in ioredis 5 that
 * announcement, arriving while a connection is reconnecting, ends the
 * connection for good ("Connection is closed.", a third of 60 connections
 * in test/infra/redis-failover-writes.test.ts). A master that answers
 * writes with READONLY (demoted) or NOREPLICAS (its replica promoted, with
 * min-replicas-to-write) makes the connection reconnect and send the command
 * again, within the same failoverWaitMs.
 */
export function createRedis(settings: RedisSettings, purpose: RedisPurpose, extra: RedisOptions = {}): Redis {
  const sentinel = sentinelOptions(settings);
  const failoverWaitMs = settings.failoverWaitMs ?? DEFAULT_FAILOVER_WAIT_MS;
  const options: RedisOptions = {
    ...retryOptions(purpose, sentinel !== null, failoverWaitMs),
    reconnectOnError: demotedMasterRetry(failoverWaitMs),
    ...(sentinel ?? {}),
    ...extra,
  };
  return new Redis(settings.url, options);
}

/**
 * The errors of a master that is no longer one: READONLY from a demoted
 * master; NOREPLICAS from one whose replica was just promoted, when the
 * servers run with min-replicas-to-write (docs/deployment.md). Either way the
 * sentinels name, or are about to name, another master.
 */
export function isDemotedMasterError(err: Error): boolean {
  return /^(?:READONLY|NOREPLICAS)\b/.test(err.message);
}

/**
 * Reconnect and send again on a demoted master's error, for at most
 * failoverWaitMs from the first such error: a master that keeps refusing
 * writes (min-replicas-to-write with its replicas gone) is not a failover,
 * and its errors then reach the command. A quiet spell as long starts anew.
 */
function demotedMasterRetry(failoverWaitMs: number): (err: Error) => 2 | false {
  let since = 0;
  let last = -Infinity;
  return (err) => {
    if (!isDemotedMasterError(err)) return false;
    const now = Date.now();
    if (now - last > failoverWaitMs) since = now;
    last = now;
    return now - since <= failoverWaitMs ? 2 : false;
  };
}

function retryOptions(purpose: RedisPurpose, sentinel: boolean, failoverWaitMs: number): RedisOptions {
  switch (purpose) {
    case 'jobs':
      return { maxRetriesPerRequest: null, ...(sentinel ? { retryStrategy: () => SENTINEL_RECONNECT_MS } : {}) };
    case 'tool':
      return { maxRetriesPerRequest: 1 };
    case 'service':
      // ioredis fails the waiting commands after every maxRetriesPerRequest + 1 reconnects; at one reconnect per
      // SENTINEL_RECONNECT_MS (a refused connection fails at once) that is about failoverWaitMs.
      return sentinel
        ? { maxRetriesPerRequest: Math.max(1, Math.ceil(failoverWaitMs / SENTINEL_RECONNECT_MS)), retryStrategy: () => SENTINEL_RECONNECT_MS }
        : { maxRetriesPerRequest: 2 };
  }
}

function sentinelOptions(settings: RedisSettings): RedisOptions | null {
  const sentinels = settings.sentinels ?? [];
  if (sentinels.length === 0) return null;
  if (!settings.masterName) throw new Error('redis sentinels are set without the name of the master they watch');
  return {
    sentinels: sentinels.map(({ host, port }) => ({ host, port })),
    name: settings.masterName,
    role: 'master',
    failoverDetector: false,
    ...(settings.sentinelPassword ? { sentinelPassword: settings.sentinelPassword } : {}),
    ...(settings.sentinelTls ? { sentinelTLS: {} } : {}),
    // ioredis reaches the master in plain TCP in sentinel mode unless told otherwise; rediss:// asks for TLS.
    ...(settings.url.startsWith('rediss://') ? { enableTLSForSentinelMode: true } : {}),
  };
}
