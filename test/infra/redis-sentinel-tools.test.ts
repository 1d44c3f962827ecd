import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import { RedisCustomerStore } from '../../src/customers/redis-customer-store.js';
import { createRedis, type RedisSettings } from '../../src/infra/redis-connection.js';
import { startSentinelGroup, type PrivateSentinelGroup } from '../../src/infra/private-redis.js';

/**
 * The command-line tools find the master through the sentinels too: the URL
 * names a port where no Redis listens, so they work only if they ask the
 * sentinels.
 */
const run = promisify(execFile);
const PREFIX = 'test:sentinel-tools';
let group: PrivateSentinelGroup | undefined;
let env: Record<string, string>;
let settings: RedisSettings;

beforeAll(async () => {
  group = await startSentinelGroup({ replicas: 1, sentinels: 3 });
  await group.settled();
  env = {
    ...process.env as Record<string, string>,
    REDIS_URL: 'redis://127.0.0.1:1',
    REDIS_SENTINELS: group.sentinelAddresses.join(','),
    REDIS_MASTER_NAME: group.masterName,
    REDIS_PREFIX: PREFIX,
  };
  settings = { url: 'redis://127.0.0.1:1', sentinels: group.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })), masterName: group.masterName };
}, 60_000);

afterAll(async () => {
  await group?.stop();
}, 60_000);

describe('the command-line tools with Sentinel', () => {
  it('npm run seed and npm run keys write to the master the sentinels name', async () => {
    const seeded = await run(process.execPath, ['--import', 'tsx', 'src/cli/seed.ts'], { env });
    expect(seeded.stdout).toMatch(/^seeded \d+ customers/);
    const created = await run(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', 'create', '--role', 'viewer', '--name', 'wall'], { env });
    expect(created.stdout).toMatch(/wall/);

    const master = createRedis(settings, 'tool');
    try {
      expect(await new RedisCustomerStore(master, PREFIX).findByPhone('13800000004')).not.toBeNull();
      expect((await new ApiKeyStore({ redis: master, keyPrefix: PREFIX }).list()).map((k) => k.name)).toEqual(['wall']);
    } finally {
      master.disconnect();
    }
  }, 60_000);
});
