import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every Redis connection of the service comes from createRedis
 * (src/infra/redis-connection.ts), so Sentinel settings reach all of them.
 * The private redis-servers of the demo and the tests are probed on their
 * own ports and may connect directly.
 */
const ALLOWED = new Set(['src/infra/redis-connection.ts', 'src/infra/private-redis.ts']);

describe('one Redis connection factory', () => {
  it('no file of src/ but the factory makes an ioredis connection itself', () => {
    const offenders = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .map((name) => join('src', name))
      .filter((file) => file.endsWith('.ts') && !ALLOWED.has(file))
      .filter((file) => /\bnew\s+(?:Redis|IORedis|Cluster)\s*\(/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
