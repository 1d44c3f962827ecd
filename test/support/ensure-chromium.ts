import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** How long installing Chromium from Debian may take on a fresh machine (pass to beforeAll). */
export const CHROMIUM_INSTALL_TIMEOUT_MS = 10 * 60_000;

/** Flags for a headless Chromium in a container or CI: no sandbox, GPU or background traffic. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * The browser tests drive Debian's Chromium through playwright-core (which
 * brings no browser of its own). When it is missing it is installed with
 * apt-get if we are root — as on a fresh CI machine — and otherwise the test
 * fails saying what to install.
 */
export async function ensureChromium(): Promise<string> {
  if (isExecutable(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM_PATH} is missing and this user cannot install it: run "sudo apt-get install -y chromium" (Debian/Ubuntu) first`);
  }
  process.stderr.write('chromium not found: installing Debian package chromium (apt-get)...\n');
  await run('apt-get', ['update', '-qq']);
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  if (!isExecutable(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}
