import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/system-packages.sh', import.meta.url));

/**
 * The Debian packages the integration tests use: redis-server (every Redis test),
 * espeak-ng and sox (prompt audio), chromium (the wallboard). The global setup
 * installs the missing ones once, before any test file starts, through the same
 * script as the demo (scripts/system-packages.sh). Without root nothing is
 * installed; the tests that need a missing package then fail saying what to install.
 */
export const TEST_PACKAGES = ['redis-server', 'espeak-ng', 'sox', 'chromium'];

export function installMissingSystemPackages(): void {
  const run = spawnSync('bash', [SCRIPT, ...TEST_PACKAGES], { stdio: 'inherit' });
  if (run.status !== 0) process.stderr.write(`scripts/system-packages.sh exited with ${run.status ?? run.signal}\n`);
}
