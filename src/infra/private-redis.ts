import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
    ];
    child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', (code) => reject(new Error(`redis-server exited with code ${code} on port ${port}`))),
    );
    exited.catch(() => {});
    await Promise.race([waitForPing(port), exited]);
  };
  await launch();
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const proc = child as ChildProcess | null;
      child = null;
      if (proc && proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill(signal);
        await done;
      }
      process.removeListener('exit', onExit);
      if (cleanup) rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      const proc = child as ChildProcess | null;
      if (proc && proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await done;
      }
      await launch();
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
