import { spawnSync } from 'node:child_process';
import { AppError } from '../errors.js';

const TOOLS = ['espeak-ng', 'sox'] as const;
const INSTALL = 'bash scripts/system-packages.sh espeak-ng sox (as root), or sudo apt-get install espeak-ng sox';

/**
 * Checks that espeak-ng (with its Mandarin voice) and sox are installed, and
 * names what is missing. Installing them is the scripts' job (the demo and the
 * tests run scripts/system-packages.sh first); the service never runs apt-get.
 */
export function ensureAudioTools(): void {
  const missing = TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length > 0) {
    throw new AppError(500, 'audio-tools-missing', `${missing.join(' and ')} not installed; prompt audio needs them (${INSTALL})`, {
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
