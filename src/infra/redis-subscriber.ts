import type { Redis } from 'ioredis';

/**
 * A connection of its own for Redis pub/sub, subscribed to `channels` every
 * time it is ready. ioredis would subscribe again by itself after a
 * reconnect, but it leaves the promise of that subscribe unhandled: a
 * connection lost again meanwhile (Redis flapping, the service stopping at
 * that moment) becomes an unhandled rejection, which ends a Node process.
 * Here each subscribe's failure goes to `onError`, and the next 'ready'
 * tries again. `subscribed` resolves after the first subscribe that worked.
 *
 * The caller still listens for the connection's `error` events (and may
 * listen for 'ready' to catch up on what was published while it was down).
 */
export function subscribeChannels(source: Redis, channels: readonly string[], onError: (err: Error) => void): { connection: Redis; subscribed: Promise<void> } {
  const connection = source.duplicate({ autoResubscribe: false });
  let resolveFirst!: () => void;
  const subscribed = new Promise<void>((resolve) => {
    resolveFirst = resolve;
  });
  connection.on('ready', () => {
    connection.subscribe(...channels).then(() => resolveFirst(), onError);
  });
  // A copy of a lazily connecting client waits for a first command: connect it now.
  if (connection.status === 'wait') connection.connect().catch(onError);
  return { connection, subscribed };
}
