import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isRedisConnectionError } from '../../src/infra/redis-connection-errors.js';
import { RedisOutage } from '../../src/infra/redis-outage.js';
import { ManualClock } from '../../src/time/clock.js';
import { capturedLogger } from '../support/captured-log.js';

const REDIS_PORT = 6379;

function refused(port: number): Error {
  return Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED', address: '127.0.0.1', port });
}

describe('telling a Redis connection failure from other errors', () => {
  it.each([
    ['a command rejected after its retries', Object.assign(new Error('Reached the max retries per request limit (which is 2).'), { name: 'MaxRetriesPerRequestError' }), true],
    ['a command in flight when the connection closed', new Error('Connection is closed.'), true],
    ['a refused connection to Redis', refused(REDIS_PORT), true],
    ['its message alone, as some parts log it', `connect ECONNREFUSED 127.0.0.1:${REDIS_PORT}`, true],
    ['a refused connection to the switch', refused(8088), false],
    ['the switch, by message', 'connect ECONNREFUSED 127.0.0.1:8088', false],
    ['a command Redis refused', new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), false],
    ['no error at all', undefined, false],
  ])('%s: %s', (_what, err, expected) => {
    expect(isRedisConnectionError(err, REDIS_PORT)).toBe(expected);
  });

  it('without the port only what ioredis itself says counts (what a command is rejected with)', () => {
    expect(isRedisConnectionError(refused(REDIS_PORT))).toBe(false);
    expect(isRedisConnectionError(new Error('Connection is closed.'))).toBe(true);
  });
});

describe('a Redis outage in the log', () => {
  function setup() {
    const { logger: raw, lines } = capturedLogger();
    const redis = Object.assign(new EventEmitter(), { options: { port: REDIS_PORT }, status: 'reconnecting', ping: async () => 'PONG' }) as unknown as Redis;
    const outage = new RedisOutage({ redis, logger: raw.child({ component: 'redis' }), timers: new ManualClock(0) });
    return { lines, redis, outage, logger: outage.quiet(raw) };
  }

  it('is one line when it starts and one when it ends, however many parts retry how often; other lines pass', async () => {
    const { lines, redis, outage, logger } = setup();
    const acd = logger.child({ component: 'acd' });
    const jobs = logger.child({ component: 'callbacks' }).child({ queue: 'dial' });
    for (let i = 0; i < 50; i++) {
      acd.warn({ err: refused(REDIS_PORT) }, 'ACD inbox connection error');
      jobs.warn({ err: refused(REDIS_PORT).message }, 'job queue redis error');
      jobs.error({ err: new Error('Connection is closed.') }, 'callback sweep failed');
    }
    acd.warn({ err: refused(8088) }, 'ARI connection failed');
    acd.info('call answered');
    expect(outage.down).toBe(true);
    (redis as unknown as EventEmitter).emit('ready');
    await new Promise((r) => setImmediate(r));
    expect(outage.down).toBe(false);
    expect(lines.map((l) => [l.msg.split(';')[0], l.part ?? l.connectionErrorsNotLogged ?? null])).toEqual([
      ['redis unreachable', 'acd'],
      ['ARI connection failed', null],
      ['call answered', null],
      ['redis reachable again', 149],
    ]);
  });

  it('the main connection going down starts it too, and its error events are handled', () => {
    const { lines, redis, outage } = setup();
    expect((redis as unknown as EventEmitter).listenerCount('error')).toBe(1);
    (redis as unknown as EventEmitter).emit('error', refused(REDIS_PORT));
    (redis as unknown as EventEmitter).emit('reconnecting');
    (redis as unknown as EventEmitter).emit('error', refused(REDIS_PORT));
    expect(outage.down).toBe(true);
    expect(lines.map((l) => l.msg.split(';')[0])).toEqual(['redis unreachable']);
  });
});
