import { access } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { readWavInfo } from '../media/wav-duration.js';
import { audioFile } from '../prompts/prompt-manifest.js';
import type { Lang } from '../prompts/spoken.js';

/**
 * How long each of `ids` plays in `lang`, in seconds, from the sounds folder
 * (`<soundsDir>/<lang>/hotline/<id>.wav`: generated audio or a recording that
 * replaced it). Every file must be there and readable: a time computed with a
 * prompt left out would look better than the call is. The error names them all.
 */
export async function promptSeconds(soundsDir: string, lang: Lang, ids: readonly string[]): Promise<Map<string, number>> {
  const seconds = new Map<string, number>();
  const problems: string[] = [];
  for (const id of ids) {
    const file = audioFile(soundsDir, lang, id);
    if (!(await access(file).then(() => true, () => false))) {
      problems.push(`${file} is missing`);
      continue;
    }
    try {
      seconds.set(id, (await readWavInfo(file)).durationMs / 1000);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`the audio of ${problems.length} prompt(s) cannot be measured:\n  ${problems.join('\n  ')}`, { soundsDir, lang });
  }
  return seconds;
}

/** A lookup for callerTimes over what promptSeconds read; a prompt it did not read is a mistake. */
export function secondsOf(measured: ReadonlyMap<string, number>): (id: string) => number {
  return (id) => {
    const seconds = measured.get(id);
    if (seconds === undefined) throw new Error(`prompt ${id} was not measured`);
    return seconds;
  };
}
