import { readFile } from 'node:fs/promises';
import { parseWavHeader } from '../media/wav-duration.js';
import { isGeneratedFile, readGeneratedRecords, sourceHash } from './generate-audio.js';
import { audioFile, type PromptManifest } from './prompt-manifest.js';
import type { Lang } from './spoken.js';

/**
 * Where a prompt's audio comes from: generated here by `npm run prompts`, a
 * recording (any file we did not write, as generatePrompts tells them apart),
 * or missing from the sounds folder.
 */
export type AudioSource = 'generated' | 'recording' | 'missing';

export interface PromptAudio {
  /** How long the file plays; null when it is missing or not a WAV file we can read. */
  durationMs: number | null;
  source: AudioSource;
  /**
   * A generated file made from another text or other synthesis settings than
   * the manifest's now: its length is out of date until `npm run prompts`.
   */
  stale: boolean;
}

/** id → language → its audio, in manifest order. */
export type PromptDurations = Map<string, Partial<Record<Lang, PromptAudio>>>;

/**
 * How long each prompt of the manifest plays in each language, read from the
 * sounds folder (`<soundsDir>/<lang>/hotline/<id>.wav`), and where the file
 * comes from. Reads only: a missing or unreadable file is reported, not an error.
 */
export async function promptDurations(manifest: PromptManifest, soundsDir: string, langs: readonly Lang[]): Promise<PromptDurations> {
  const records = await readGeneratedRecords(soundsDir);
  const out: PromptDurations = new Map();
  for (const id of manifest.ids()) {
    const perLang: Partial<Record<Lang, PromptAudio>> = {};
    for (const lang of langs) {
      const file = audioFile(soundsDir, lang, id);
      const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      if (bytes === null) {
        perLang[lang] = { durationMs: null, source: 'missing', stale: false };
        continue;
      }
      const record = records[`${lang}/${id}`];
      const generated = isGeneratedFile(record, bytes);
      perLang[lang] = {
        durationMs: wavDurationMs(bytes, file),
        source: generated ? 'generated' : 'recording',
        stale: generated && record!.source !== sourceHash(id, manifest.text(id, lang), lang),
      };
    }
    out.set(id, perLang);
  }
  return out;
}

export interface LanguageTotals {
  prompts: number;
  generated: number;
  recordings: number;
  missing: number;
  /** Generated files whose text or settings changed since. */
  stale: number;
  /** Files present whose length could not be read (a recording in another format). */
  unreadable: number;
  /** Sum of the lengths known. */
  durationMs: number;
  /**
   * Speaking rate over the prompts whose length is known, pads included as a
   * caller hears them: Han characters a second in Mandarin (punctuation and
   * digits not counted), words a minute in English; null with no audio.
   */
  rate: number | null;
}

/** Totals of promptDurations for one language, and its speaking rate. */
export function durationTotals(manifest: PromptManifest, durations: PromptDurations, lang: Lang): LanguageTotals {
  const totals: LanguageTotals = { prompts: 0, generated: 0, recordings: 0, missing: 0, stale: 0, unreadable: 0, durationMs: 0, rate: null };
  let units = 0;
  for (const [id, perLang] of durations) {
    const audio = perLang[lang];
    if (!audio) continue;
    totals.prompts++;
    if (audio.source === 'generated') totals.generated++;
    else if (audio.source === 'recording') totals.recordings++;
    else totals.missing++;
    if (audio.stale) totals.stale++;
    if (audio.durationMs === null) {
      if (audio.source !== 'missing') totals.unreadable++;
      continue;
    }
    totals.durationMs += audio.durationMs;
    units += speechUnits(manifest.text(id, lang), lang);
  }
  if (totals.durationMs > 0) totals.rate = lang === 'zh' ? units / (totals.durationMs / 1000) : units / (totals.durationMs / 60_000);
  return totals;
}

/** Han characters of a Mandarin text; words (anything with a letter or digit) of an English one. */
export function speechUnits(text: string, lang: Lang): number {
  if (lang === 'zh') return text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

function wavDurationMs(bytes: Buffer, file: string): number | null {
  try {
    return parseWavHeader(bytes, bytes.length, file).durationMs;
  } catch {
    return null;
  }
}
