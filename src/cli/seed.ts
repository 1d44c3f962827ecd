/**
 * npm run seed [-- --file config/customers.sample.json]
 *
 * Loads the sample customers (every tier and edge case: README, "Sample customers") into the
 * built-in Redis customer store named by the configuration (REDIS_URL,
 * REDIS_PREFIX, and REDIS_SENTINELS / REDIS_MASTER_NAME behind Sentinel).
 */
import { parseArgs } from 'node:util';
import { createRedis } from '../infra/redis-connection.js';
import { loadConfig } from '../service/config-schema.js';
import { PasswordGuard } from '../customers/password-guard.js';
import { RedisCustomerStore } from '../customers/redis-customer-store.js';
import { seedCustomers } from '../customers/seed-customers.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { file: { type: 'string', default: 'config/customers.sample.json' } } });
  const config = loadConfig({ env: process.env });
  const redis = createRedis(config.redis, 'tool');
  // A command that needs Redis fails and says why; the connection's own retries need not be printed as well.
  redis.on('error', () => {});
  try {
    const store = new RedisCustomerStore(redis, config.redis.keyPrefix);
    const guard = new PasswordGuard({
      redis, keyPrefix: config.redis.keyPrefix, customers: store,
      maxAttempts: config.customers.password.maxAttempts, lockMinutes: config.customers.password.lockMinutes,
    });
    const result = await seedCustomers(store, guard, values.file!);
    process.stdout.write(`seeded ${result.customers} customers (${result.locked} with a locked password) into ${config.redis.url}\n`);
  } finally {
    redis.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`seed failed: ${(err as Error).message}\n`);
  process.exit(1);
});
