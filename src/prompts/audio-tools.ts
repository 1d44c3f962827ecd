import { spawnSync } from 'node:child_process';
import { AppError } from '../errors.js';

const TOOLS = ['espeak-ng', 'sox'] as const;
const INSTALL = 'sudo apt-get install espeak-ng sox';

/**
 * Makes sure espeak-ng (with its Mandarin voice) and sox are installed. When
 * one is missing it installs Debian's packages if we are root, and otherwise
 * says exactly what to install.
 */
export function ensureAudioTools(): void {
  let missing = missingTools();
  if (missing.length > 0 && process.getuid?.() === 0) {
    process.stderr.write(`${missing.join(' and ')} not found: installing Debian packages espeak-ng sox (apt-get)...\n`);
    const opts = { stdio: 'inherit' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    spawnSync('apt-get', ['update', '-qq'], opts);
    spawnSync('apt-get', ['install', '-y', '-qq', 'espeak-ng', 'sox'], opts);
    missing = missingTools();
  }
  if (missing.length > 0) {
    throw new AppError(500, 'audio-tools-missing', `${missing.join(' and ')} not installed; prompt audio needs them (Debian/Ubuntu: ${INSTALL})`, {
      missing,
    });
  }
  const voices = spawnSync('espeak-ng', ['--voices=cmn'], { encoding: 'utf8' });
  if (!/\scmn\s/.test(voices.stdout ?? '')) {
    throw new AppError(500, 'audio-tools-missing', `espeak-ng has no Mandarin voice (cmn); reinstall its data (Debian/Ubuntu: sudo apt-get install --reinstall espeak-ng-data)`, {
      missing: ['espeak-ng cmn voice'],
    });
  }
}

function missingTools(): string[] {
  return TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
}
