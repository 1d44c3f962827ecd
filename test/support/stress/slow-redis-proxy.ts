import { createServer, Socket, type Server } from 'node:net';

/**
 * A TCP proxy in front of Redis that makes it slow the way a loaded server
 * or network is: every chunk is held for a latency (with jitter), order kept
 * per direction, and `stall()` holds all traffic for a while — as a Redis
 * busy with a slow command or a paused VM would. Nothing is dropped: a stall
 * delays lock renewals and stalled-job checks, which is what exactly-once
 * claims must survive.
 */
export interface SlowRedisProxy {
  readonly url: string;
  readonly port: number;
  /** Each chunk waits `latencyMs` plus up to `jitterMs` more. */
  setLatency(latencyMs: number, jitterMs?: number): void;
  /** Holds every byte in both directions for `ms` from now. */
  stall(ms: number): void;
  /** Stalls for `forMs` every `everyMs` until stopped; returns the stopper. */
  stallEvery(everyMs: number, forMs: number): () => void;
  close(): Promise<void>;
}

export async function startSlowRedisProxy(target: { host?: string; port: number }): Promise<SlowRedisProxy> {
  let latencyMs = 0;
  let jitterMs = 0;
  let stalledUntil = 0;
  const sockets = new Set<Socket>();

  /** Forwards `from` to `to` through one queue, so chunks leave in the order they came. */
  const pipeSlowly = (from: Socket, to: Socket): void => {
    const queue: { chunk: Buffer; releaseAt: number }[] = [];
    let lastRelease = 0;
    let timer: NodeJS.Timeout | null = null;
    const drain = () => {
      timer = null;
      const now = Date.now();
      while (queue.length && queue[0]!.releaseAt <= now && now >= stalledUntil) {
        const { chunk } = queue.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
      if (queue.length < 64 && from.isPaused()) from.resume();
      if (queue.length) timer = setTimeout(drain, Math.max(1, queue[0]!.releaseAt - now, stalledUntil - now));
    };
    from.on('data', (chunk: Buffer) => {
      const releaseAt = Math.max(lastRelease, Date.now() + latencyMs + Math.random() * jitterMs);
      lastRelease = releaseAt;
      queue.push({ chunk, releaseAt });
      if (queue.length >= 64) from.pause();
      if (!timer) timer = setTimeout(drain, Math.max(0, releaseAt - Date.now()));
    });
    from.on('close', () => {
      if (timer) clearTimeout(timer);
    });
  };

  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.connect(target.port, target.host ?? '127.0.0.1');
    pipeSlowly(client, upstream);
    pipeSlowly(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const timers = new Set<NodeJS.Timeout>();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    setLatency(ms, jitter = 0) {
      latencyMs = ms;
      jitterMs = jitter;
    },
    stall(ms) {
      stalledUntil = Math.max(stalledUntil, Date.now() + ms);
    },
    stallEvery(everyMs, forMs) {
      const timer = setInterval(() => {
        stalledUntil = Math.max(stalledUntil, Date.now() + forMs);
      }, everyMs);
      timers.add(timer);
      return () => {
        clearInterval(timer);
        timers.delete(timer);
      };
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
