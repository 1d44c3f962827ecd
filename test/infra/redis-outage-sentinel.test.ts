import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisOutage } from '../../src/infra/redis-outage.js';
import { ManualClock } from '../../src/time/clock.js';
import { capturedLogger } from '../support/captured-log.js';

/** The URL's port: with Sentinel no connection uses it. */
const URL_PORT = 6379;
const SENTINEL_PORT = 26380;
const FIRST_MASTER = 40001;
const SECOND_MASTER = 40002;

function refused(port: number): Error {
  return Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED', address: '127.0.0.1', port });
}

/** A main connection through sentinels, connected to `FIRST_MASTER`. */
function setup() {
  const { logger: raw, lines } = capturedLogger();
  const redis = Object.assign(new EventEmitter(), {
    options: { port: URL_PORT, sentinels: [{ host: '127.0.0.1', port: SENTINEL_PORT }], name: 'hotline' },
    stream: { remotePort: FIRST_MASTER },
    status: 'ready',
    ping: async () => 'PONG',
  });
  const outage = new RedisOutage({ redis: redis as unknown as Redis, logger: raw.child({ component: 'redis' }), timers: new ManualClock(0) });
  redis.emit('ready');
  return { lines, redis, outage, logger: outage.quiet(raw) };
}

describe('a Redis outage in the log, with Sentinel', () => {
  it('a failover is one line when it starts and one when it ends: the failed master\'s port, the sentinels\' and ioredis\' "all sentinels unreachable" count as Redis\'s', async () => {
    const { lines, redis, outage, logger } = setup();
    const jobs = logger.child({ component: 'callbacks' });
    for (let i = 0; i < 30; i++) {
      jobs.warn({ err: refused(FIRST_MASTER) }, 'job worker error');
      jobs.warn({ err: refused(FIRST_MASTER).message }, 'job queue redis error');
      jobs.warn({ err: refused(SENTINEL_PORT) }, 'job queue connection error');
      jobs.warn({ err: new Error('All sentinels are unreachable. Retrying from scratch after 10ms.') }, 'job worker error');
    }
    jobs.warn({ err: refused(8088) }, 'ARI connection failed');
    expect(outage.down).toBe(true);
    // The main connection reaches the new master.
    redis.stream.remotePort = SECOND_MASTER;
    redis.emit('ready');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.msg.split(';')[0], l.part ?? l.connectionErrorsNotLogged ?? null])).toEqual([
      ['redis unreachable', 'callbacks'],
      ['ARI connection failed', null],
      ['redis reachable again', 119],
    ]);

    // The next failover names the second master's port: known from the main connection's ready.
    jobs.warn({ err: refused(SECOND_MASTER) }, 'job worker error');
    jobs.warn({ err: refused(SECOND_MASTER) }, 'job worker error');
    expect(lines.slice(3).map((l) => l.msg.split(';')[0])).toEqual(['redis unreachable']);
  });
});
