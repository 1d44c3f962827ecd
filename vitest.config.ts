import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { defineConfig } from 'vitest/config';

const TESTS = ['test/**/*.test.ts', 'src/**/*.test.ts'];

/**
 * What makes a test an integration test: it takes the private Redis (inject('redisUrl'),
 * ioredis), starts the simulated Asterisk or the whole service (src/sim, the fixtures,
 * the ARI harness), drives Chromium, or makes prompt audio with espeak-ng and sox.
 * Those need the global setup (system packages, redis-server); everything else is a
 * unit test that runs anywhere without it.
 */
const NEEDS_SERVICES =
  /inject\('redisUrl'\)|from '(?:ioredis|playwright-core|[^']*(?:\/sim\/|private-redis|hotline-fixture|ari-harness|ensure-chromium|audio-tools)[^']*)'/;
const LOCAL_IMPORT = /from '(\.{1,2}\/[^']+)'/g;

function needsServices(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file) || !existsSync(file)) return false;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  if (NEEDS_SERVICES.test(text)) return true;
  // Helpers under test/ count too: a test that uses a Redis-backed fixture needs Redis.
  for (const [, spec] of text.matchAll(LOCAL_IMPORT)) {
    const target = normalize(join(dirname(file), spec!)).replace(/\.js$/, '.ts');
    if (target.startsWith('test/') && needsServices(target, seen)) return true;
  }
  return false;
}

const integration = ['test', 'src']
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name)))
  .filter((file) => file.endsWith('.test.ts') && needsServices(file))
  .sort();

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: TESTS, exclude: integration },
      },
      {
        extends: true,
        test: { name: 'integration', include: integration, globalSetup: ['test/support/global-setup.ts'] },
      },
    ],
  },
});
