import type { Redis } from 'ioredis';

/**
 * Waits until the run has nothing left to do at the current instant: no
 * Redis command awaits its reply and two turns of the event loop went by
 * without a new one. In a what-if run everything else the ACD waits for is a
 * timer on the run's clock, so once Redis is quiet the next timer may fire:
 * virtual time moves only when the real code has finished reacting.
 */
export async function settle(redis: Redis): Promise<void> {
  let quietTurns = 0;
  while (quietTurns < 2) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    quietTurns = inFlight(redis) === 0 ? quietTurns + 1 : 0;
  }
}

/** Commands sent and not yet answered, and commands waiting for the connection. */
function inFlight(redis: Redis): number {
  const r = redis as unknown as { commandQueue: { length: number }; offlineQueue: { length: number } };
  return r.commandQueue.length + r.offlineQueue.length;
}
