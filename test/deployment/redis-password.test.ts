import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/private-redis.js';
import { HotlineService } from '../../src/service/hotline-service.js';
import { loadConfig } from '../../src/service/config-schema.js';

/**
 * The compose file puts Redis behind a password and gives it to the service in
 * REDIS_URL (`redis://:<password>@redis:6379`): every connection the service
 * opens (its own, the callback, survey and retention job queues) logs in with
 * it.
 */
const PASSWORD = randomUUID().replace(/-/g, '');
let redis: PrivateRedis;

beforeAll(async () => {
  redis = await startPrivateRedis();
  const admin = new Redis(redis.url);
  await admin.config('SET', 'requirepass', PASSWORD);
  admin.disconnect();
});

afterAll(async () => {
  await redis?.stop();
});

function service(url: string): HotlineService {
  const config = loadConfig({ env: { REDIS_URL: url, HOST: '127.0.0.1', PORT: '0', ARI_URL: 'http://127.0.0.1:9' } });
  return new HotlineService({ config, logger: pino({ level: 'silent' }) });
}

describe('a Redis that requires a password', () => {
  it('the service starts with the password in REDIS_URL, and its job queues use it', async () => {
    const hotline = service(`redis://:${PASSWORD}@127.0.0.1:${redis.port}`);
    try {
      await hotline.start();
      expect(await hotline.redis.ping()).toBe('PONG');
      expect(await hotline.retention.queue.getJobSchedulers()).toHaveLength(1);
      const clients = (await hotline.redis.client('LIST')) as string;
      // The service's own connection, the job queues and their workers: all logged in.
      expect(clients.trim().split('\n').length).toBeGreaterThan(3);
    } finally {
      await hotline.stop();
    }
  });

});
