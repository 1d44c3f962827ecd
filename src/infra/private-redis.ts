import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A private redis-server for the demo, the tests and the benchmarks: its own
 * port and data directory, stopped with the process that started it.
 * When redis-server is missing it says what to install; the demo, test and
 * benchmark scripts install it first (scripts/system-packages.sh).
 */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stop the server (SIGTERM, or SIGKILL to simulate a crash). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start it again on the same port and data directory (AOF replays). */
  restart(): Promise<void>;
}

export interface PrivateRedisOptions {
  port?: number;
  /** Append-only file persistence (callback durability tests). */
  appendOnly?: boolean;
  dir?: string;
  /** Remove the data directory on stop. Default: when we created it. */
  cleanup?: boolean;
  /** Start as a replica of the redis-server on this port (a Sentinel group). */
  replicaOf?: number;
  /** Refuse writes unless this many replicas are connected (min-replicas-to-write). */
  minReplicasToWrite?: number;
}

export function ensureRedisServerInstalled(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  for (const candidate of ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server']) {
    if (spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  throw new Error(
    'redis-server is not installed. Install it (as root: bash scripts/system-packages.sh redis-server; Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL to a running Redis.',
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const bin = ensureRedisServerInstalled();
  const port = options.port ?? (await freePort());
  const ownDir = !options.dir;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hotline-redis-'));
  const cleanup = options.cleanup ?? ownDir;
  let child: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      '--save', '', '--appendonly', options.appendOnly ? 'yes' : 'no',
      '--appendfsync', 'always', '--protected-mode', 'no', '--daemonize', 'no',
      ...(options.replicaOf === undefined ? [] : ['--replicaof', '127.0.0.1', String(options.replicaOf)]),
      ...(options.minReplicasToWrite ? ['--min-replicas-to-write', String(options.minReplicasToWrite), '--min-replicas-max-lag', '10'] : []),
    ];
    child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', (code) => reject(new Error(`redis-server exited with code ${code} on port ${port}`))),
    );
    exited.catch(() => {});
    await Promise.race([waitForPing(port), exited]);
  };
  const onExit = () => child?.kill('SIGKILL');
  await launch();
  process.once('exit', onExit);

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const proc = child as ChildProcess | null;
      child = null;
      await endProcess(proc, signal);
      process.removeListener('exit', onExit);
      if (cleanup) rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await endProcess(child as ChildProcess | null, 'SIGTERM');
      await launch();
      // Stopped before (a crash simulated): its process is killed with ours again.
      process.removeListener('exit', onExit);
      process.once('exit', onExit);
    },
  };
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A master, its replicas and the sentinels watching them, each a private process (the Sentinel tests). */
export interface PrivateSentinelGroup {
  readonly masterName: string;
  /** The servers in start order: the first was the master at start; a failover changes which one is. */
  readonly servers: readonly PrivateRedis[];
  readonly sentinels: readonly PrivateRedis[];
  /** `host:port` of each sentinel, as REDIS_SENTINELS lists them. */
  readonly sentinelAddresses: readonly string[];
  /** The port of the master as the sentinels name it now. */
  masterPort(): Promise<number>;
  /** Runs `fn` on a connection to the first sentinel that answers. */
  ask<T>(fn: (sentinel: Redis) => Promise<T>): Promise<T>;
  /** Waits until every sentinel knows the other sentinels and every replica, each replicating, so a failover can be agreed. */
  settled(timeoutMs?: number): Promise<void>;
  /** Stops every process, sentinels first (so none starts a failover while the servers stop). */
  stop(): Promise<void>;
}

export interface SentinelGroupOptions {
  masterName?: string;
  replicas?: number;
  sentinels?: number;
  /** How long a master may not answer before a sentinel thinks it down. */
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  /** Every server (replicas too: one may become the master) refuses writes with fewer replicas connected. */
  minReplicasToWrite?: number;
}

/**
 * Starts a master, `replicas` replicas of it and `sentinels` sentinels that
 * watch it (a quorum of a majority), on free ports of 127.0.0.1. A sentinel
 * is redis-server run with --sentinel, the same program as Debian's
 * redis-sentinel. Whatever fails half-way stops what was already started.
 */
export async function startSentinelGroup(options: SentinelGroupOptions = {}): Promise<PrivateSentinelGroup> {
  const masterName = options.masterName ?? 'hotline';
  const sentinelCount = options.sentinels ?? 3;
  const started: PrivateRedis[] = [];
  const stopAll = async () => {
    for (const p of started) await p.stop('SIGKILL').catch(() => {});
    // The servers keep their data directories over a stop, so a killed one can be restarted.
    for (const p of started) rmSync(p.dir, { recursive: true, force: true });
  };
  try {
    const minReplicasToWrite = options.minReplicasToWrite ?? 0;
    const master = await startPrivateRedis({ cleanup: false, minReplicasToWrite });
    started.push(master);
    const servers = [master];
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      const replica = await startPrivateRedis({ replicaOf: master.port, cleanup: false, minReplicasToWrite });
      started.push(replica);
      servers.push(replica);
    }
    const sentinels: PrivateRedis[] = [];
    for (let i = 0; i < sentinelCount; i++) {
      const sentinel = await startPrivateSentinel(masterName, master.port, Math.floor(sentinelCount / 2) + 1, options);
      started.unshift(sentinel);
      sentinels.push(sentinel);
    }
    const ask = async <T>(fn: (client: Redis) => Promise<T>): Promise<T> => {
      let last: unknown;
      for (const sentinel of sentinels) {
        const client = new Redis({ port: sentinel.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => {});
        try {
          await client.connect();
          return await fn(client);
        } catch (err) {
          last = err;
        } finally {
          client.disconnect();
        }
      }
      throw last instanceof Error ? last : new Error('no sentinel answered');
    };
    return {
      masterName,
      ask,
      servers,
      sentinels,
      sentinelAddresses: sentinels.map((s) => `127.0.0.1:${s.port}`),
      masterPort: () => ask(async (c) => Number(((await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as string[])[1])),
      async settled(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const known = await Promise.all(sentinels.map(async (s) => {
            const client = new Redis({ port: s.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
            client.on('error', () => {});
            try {
              await client.connect();
              const others = (await client.call('SENTINEL', 'SENTINELS', masterName)) as unknown[];
              const replicas = (await client.call('SENTINEL', 'REPLICAS', masterName)) as string[][];
              const healthy = replicas.filter((r) => !/_down|disconnected/.test(fieldOf(r, 'flags') ?? '') && fieldOf(r, 'master-link-status') === 'ok');
              return others.length === sentinelCount - 1 && healthy.length === servers.length - 1;
            } catch {
              return false;
            } finally {
              client.disconnect();
            }
          }));
          if (known.every(Boolean)) return;
          if (Date.now() > deadline) throw new Error(`the sentinels did not find each other and the replicas within ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** A field of a reply given as a flat list of names and values (SENTINEL REPLICAS). */
function fieldOf(reply: readonly string[], name: string): string | undefined {
  const at = reply.indexOf(name);
  return at >= 0 && at % 2 === 0 ? reply[at + 1] : undefined;
}

async function startPrivateSentinel(masterName: string, masterPort: number, quorum: number, options: SentinelGroupOptions): Promise<PrivateRedis> {
  const bin = ensureRedisServerInstalled();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hotline-sentinel-'));
  // A sentinel rewrites its configuration file as it learns the group: it must be its own, writable.
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [
    `port ${port}`, 'bind 127.0.0.1', 'protected-mode no', `dir ${dir}`,
    `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} ${quorum}`,
    `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1500}`,
    `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs ?? 10_000}`,
    `sentinel parallel-syncs ${masterName} 1`,
    '',
  ].join('\n'));
  let child: ChildProcess | null = spawn(bin, [conf, '--sentinel'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);
  const exited = new Promise<never>((_, reject) =>
    child!.once('exit', (code) => reject(new Error(`redis sentinel exited with code ${code} on port ${port}`))),
  );
  exited.catch(() => {});
  try {
    await Promise.race([waitForPing(port), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const proc = child as ChildProcess | null;
      child = null;
      await endProcess(proc, signal);
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      throw new Error('a private sentinel is not restarted');
    },
  };
}

/** Sends `signal` to a process still running and waits until it has exited. */
async function endProcess(proc: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!proc || proc.exitCode !== null) return;
  const done = new Promise((r) => proc.once('exit', r));
  proc.kill(signal);
  await done;
}
