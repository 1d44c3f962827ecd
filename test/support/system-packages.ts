import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/**
 * The Debian packages the tests use: redis-server (every Redis test), espeak-ng
 * and sox (prompt audio), chromium (the wallboard). On a fresh machine they
 * are installed here, once, in one apt-get run before any test starts — test
 * files run in parallel, and two apt-get runs at once would fight over dpkg's
 * lock. Without root nothing is installed; the tests that need a missing
 * package then fail saying what to install.
 */
const PACKAGES: { pkg: string; binary: string }[] = [
  { pkg: 'redis-server', binary: 'redis-server' },
  { pkg: 'espeak-ng', binary: 'espeak-ng' },
  { pkg: 'sox', binary: 'sox' },
  { pkg: 'chromium', binary: '/usr/bin/chromium' },
];

export function installMissingSystemPackages(): void {
  const missing = PACKAGES.filter(({ binary }) => !present(binary)).map(({ pkg }) => pkg);
  if (missing.length === 0 || process.getuid?.() !== 0) return;
  process.stderr.write(`installing Debian packages for the tests: ${missing.join(' ')} (apt-get)...\n`);
  const opts = { stdio: 'inherit' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  spawnSync('apt-get', ['update', '-qq'], opts);
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], opts);
}

function present(binary: string): boolean {
  if (binary.startsWith('/')) {
    try {
      accessSync(binary, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  return spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
}
