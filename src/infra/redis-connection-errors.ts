/** What ioredis (and BullMQ over it) reject a command with when the connection, not the command, failed. */
const IOREDIS_MESSAGES = [
  /^Connection is closed\.?$/,
  /^Reached the max retries per request limit/,
  /^Stream isn't writeable and enableOfflineQueue options is false/,
  /^Command timed out$/,
  // With Sentinel: no sentinel answered where the master is.
  /^All sentinels are unreachable/,
];

/** Socket error codes that mean a server cannot be reached. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * True when an error (or an error message, as some parts log only the
 * message) says Redis could not be reached, as opposed to a command Redis
 * refused: the outage, not the request, is what went wrong.
 *
 * ioredis rejects commands with errors of its own wording; its connections'
 * error events carry the socket's error (ECONNREFUSED...). A socket error
 * counts only with `redisPort` given and when it names that port: the
 * switch and the customer backend fail with the same codes, and their
 * failures are not Redis's. With Sentinel, Redis is on several ports (the
 * sentinels', each master's in turn): give them all.
 */
export function isRedisConnectionError(err: unknown, redisPort?: number | ReadonlySet<number>): boolean {
  if (err === null || err === undefined) return false;
  if (typeof err === 'string') return IOREDIS_MESSAGES.some((m) => m.test(err)) || socketMessage(err, redisPort);
  if (typeof err !== 'object') return false;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; port?: unknown; errors?: unknown };
  if (e.name === 'MaxRetriesPerRequestError') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (IOREDIS_MESSAGES.some((m) => m.test(message))) return true;
  if (redisPort === undefined || typeof e.code !== 'string' || !UNREACHABLE_CODES.has(e.code)) return false;
  if ((typeof e.port === 'number' && isRedisPort(e.port, redisPort)) || socketMessage(message, redisPort)) return true;
  // Connecting to a name with several addresses fails with one error per address.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((inner) => isRedisConnectionError(inner, redisPort));
}

function socketMessage(message: string, redisPort: number | ReadonlySet<number> | undefined): boolean {
  if (redisPort === undefined) return false;
  const m = /^(?:connect|read|write) (E[A-Z]+)\b.*:(\d+)$/.exec(message);
  return m !== null && UNREACHABLE_CODES.has(m[1]!) && isRedisPort(Number(m[2]), redisPort);
}

function isRedisPort(port: number, redisPort: number | ReadonlySet<number>): boolean {
  return typeof redisPort === 'number' ? port === redisPort : redisPort.has(port);
}
