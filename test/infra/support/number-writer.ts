import { createRedis, type RedisSettings } from '../../../src/infra/redis-connection.js';

export interface WriterFigures {
  /** Writes the server acknowledged. */
  acked: number;
  /** Acknowledged writes the master has not got at the end: lost by a failover. */
  lost: number;
  /** Writes that failed (an error reached the writer). */
  failed: string[];
  /** The longest a write waited for its answer. */
  longestWaitMs: number;
}

/**
 * Appends 0, 1, 2... to a list through a service connection (createRedis)
 * until stopped, as the service writes its state: which acknowledged numbers
 * the master lacks at the end are the writes a failover lost.
 */
export function numberWriter(settings: RedisSettings, key: string) {
  const writer = createRedis(settings, 'service');
  writer.on('error', () => {});
  const acked: number[] = [];
  const failed: string[] = [];
  let longestWaitMs = 0;
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const at = Date.now();
      try {
        await writer.rpush(key, String(n));
        acked.push(n);
      } catch (err) {
        failed.push((err as Error).message);
      }
      longestWaitMs = Math.max(longestWaitMs, Date.now() - at);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    /** Writes acknowledged so far. */
    get count(): number {
      return acked.length;
    },
    /** Stops writing and closes the connection, counting nothing (a test that failed half-way). */
    close(): void {
      running = false;
      writer.disconnect();
    },
    async stop(): Promise<WriterFigures> {
      running = false;
      await loop;
      const kept = new Set((await writer.lrange(key, 0, -1)).map(Number));
      writer.disconnect();
      return { acked: acked.length, lost: acked.filter((n) => !kept.has(n)).length, failed, longestWaitMs };
    },
  };
}
