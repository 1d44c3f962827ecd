import { durationTotals, type LanguageTotals, type PromptAudio, promptDurations } from '../prompts/prompt-durations.js';
import type { PromptManifest } from '../prompts/prompt-manifest.js';
import type { Lang } from '../prompts/spoken.js';

export interface ListingOptions {
  manifest: PromptManifest;
  soundsDir: string;
  languages: readonly Lang[];
  /** One JSON object instead of the table. */
  json?: boolean;
}

/** What `npm run prompts -- --list` prints: every prompt's duration per language, then totals and rates. */
export async function listPromptDurations(options: ListingOptions): Promise<string> {
  const { manifest, soundsDir, languages } = options;
  const durations = await promptDurations(manifest, soundsDir, languages);
  const totals = Object.fromEntries(languages.map((lang) => [lang, durationTotals(manifest, durations, lang)])) as Partial<Record<Lang, LanguageTotals>>;

  if (options.json) {
    const prompts = Object.fromEntries(
      [...durations].map(([id, perLang]) => [
        id,
        Object.fromEntries(Object.entries(perLang).map(([lang, audio]) => [lang, { ...audio, durationMs: roundMs(audio.durationMs) }])),
      ]),
    );
    const jsonTotals = Object.fromEntries(
      Object.entries(totals).map(([lang, t]) => {
        const { rate, ...rest } = t;
        const rateName = lang === 'zh' ? 'charactersPerSecond' : 'wordsPerMinute';
        return [lang, { ...rest, durationMs: roundMs(rest.durationMs), [rateName]: rate === null ? null : round(rate, 2) }];
      }),
    );
    return JSON.stringify({ manifest: manifest.source, soundsDir, prompts, totals: jsonTotals });
  }

  const idWidth = Math.max('prompt'.length, ...manifest.ids().map((id) => id.length));
  const cells = [...durations].map(([id, perLang]) => [id, ...languages.map((lang) => cell(perLang[lang]!))]);
  const cellWidth = Math.max(...languages.map((lang) => lang.length), ...cells.flatMap((row) => row.slice(1).map((c) => c.length)));
  const row = (cols: string[]) => [cols[0]!.padEnd(idWidth), ...cols.slice(1).map((c) => c.padEnd(cellWidth))].join('  ').trimEnd();
  const lines = [row(['prompt', ...languages]), ...cells.map(row), ''];
  for (const lang of languages) lines.push(totalsLine(lang, totals[lang]!));
  lines.push(`from ${soundsDir} (manifest ${manifest.source})`);
  return lines.join('\n');
}

/** "2.14 s", "1.50 s recording", "missing", "3.02 s stale". */
function cell(audio: PromptAudio): string {
  if (audio.source === 'missing') return 'missing';
  const length = audio.durationMs === null ? 'unreadable' : `${(audio.durationMs / 1000).toFixed(2)} s`;
  const notes = [audio.source === 'recording' ? 'recording' : '', audio.stale ? 'stale' : ''].filter(Boolean);
  return [length, ...notes].join(' ');
}

/** "zh: 191 prompts (189 generated, 1 recording, 1 missing), 4 min 26.6 s, 4.46 characters a second". */
function totalsLine(lang: Lang, t: LanguageTotals): string {
  const counts = [
    `${t.generated} generated`,
    t.recordings > 0 ? `${t.recordings} recording${t.recordings === 1 ? '' : 's'}` : '',
    t.missing > 0 ? `${t.missing} missing` : '',
    t.stale > 0 ? `${t.stale} stale (run npm run prompts)` : '',
    t.unreadable > 0 ? `${t.unreadable} unreadable` : '',
  ].filter(Boolean);
  const rate = t.rate === null ? 'no audio' : lang === 'zh' ? `${t.rate.toFixed(2)} characters a second` : `${t.rate.toFixed(0)} words a minute`;
  return `${lang}: ${t.prompts} prompts (${counts.join(', ')}), ${formatTotal(t.durationMs)}, ${rate}`;
}

function formatTotal(ms: number): string {
  const seconds = ms / 1000;
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${(seconds - minutes * 60).toFixed(1)} s` : `${seconds.toFixed(1)} s`;
}

function roundMs(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms);
}

function round(x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}
