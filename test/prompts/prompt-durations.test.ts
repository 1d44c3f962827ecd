import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPromptDurations } from '../../src/cli/prompt-listing.js';
import { readWavInfo } from '../../src/media/wav-duration.js';
import { ensureAudioTools } from '../../src/prompts/audio-tools.js';
import { generatePrompts, HASH_FILE } from '../../src/prompts/generate-audio.js';
import { durationTotals, promptDurations, speechUnits } from '../../src/prompts/prompt-durations.js';
import { audioFile, createPromptManifest } from '../../src/prompts/prompt-manifest.js';
import { wav8k } from './wav-fixture.js';

const PROMPTS = {
  'common/goodbye': { zh: '感谢您的来电，再见！', en: 'Thank you for calling. Goodbye.' },
  'common/please-wait': { zh: '正在为您查询，请稍候。', en: 'One moment, please.' },
  'ss/balance-is': { zh: '您的话费余额为', en: 'Your balance is' },
  'num/7': { zh: '七', en: 'seven' },
};
const manifest = createPromptManifest(PROMPTS);

let dirs: string[] = [];
/** A sounds folder with every prompt of PROMPTS generated in both languages. */
async function generatedSounds(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-durations-'));
  dirs.push(dir);
  await generatePrompts({ manifest, outDir: dir });
  return dir;
}

beforeAll(() => {
  ensureAudioTools();
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

describe('promptDurations', () => {
  it('gives the length of every generated prompt in each language, in manifest order', async () => {
    const dir = await generatedSounds();
    const durations = await promptDurations(manifest, dir, ['zh', 'en']);

    expect([...durations.keys()]).toEqual(Object.keys(PROMPTS));
    for (const [id, perLang] of durations) {
      for (const lang of ['zh', 'en'] as const) {
        const { durationMs } = await readWavInfo(audioFile(dir, lang, id));
        expect(perLang[lang], `${lang}/${id}`).toEqual({ durationMs, source: 'generated', stale: false });
      }
    }
  });

  it('tells a recording put in place of a generated file, a missing file and an unreadable one apart', async () => {
    const dir = await generatedSounds();
    await writeFile(audioFile(dir, 'zh', 'common/goodbye'), wav8k(1.5));
    await rm(audioFile(dir, 'en', 'common/please-wait'));
    await writeFile(audioFile(dir, 'en', 'num/7'), 'ID3 an mp3 saved with a .wav name');

    const durations = await promptDurations(manifest, dir, ['zh', 'en']);
    expect(durations.get('common/goodbye')!.zh).toEqual({ durationMs: 1500, source: 'recording', stale: false });
    expect(durations.get('common/goodbye')!.en!.source).toBe('generated');
    expect(durations.get('common/please-wait')!.en).toEqual({ durationMs: null, source: 'missing', stale: false });
    expect(durations.get('num/7')!.en).toEqual({ durationMs: null, source: 'recording', stale: false });

    const zh = durationTotals(manifest, durations, 'zh');
    expect(zh).toMatchObject({ prompts: 4, generated: 3, recordings: 1, missing: 0, stale: 0, unreadable: 0 });
    const en = durationTotals(manifest, durations, 'en');
    expect(en).toMatchObject({ prompts: 4, generated: 2, recordings: 1, missing: 1, stale: 0, unreadable: 1 });
    // Only the lengths known count: goodbye and balance-is.
    const known = ['common/goodbye', 'ss/balance-is'].map((id) => durations.get(id)!.en!.durationMs!);
    expect(en.durationMs).toBeCloseTo(known[0]! + known[1]!, 6);
    expect(en.rate).toBeCloseTo((5 + 3) / ((known[0]! + known[1]!) / 60_000), 6);
  });

  it('marks a generated file stale once its text changes in the manifest, until it is generated again', async () => {
    const dir = await generatedSounds();
    const changed = createPromptManifest({ ...PROMPTS, 'common/goodbye': { zh: '谢谢来电，再见！', en: PROMPTS['common/goodbye'].en } });

    const before = await promptDurations(changed, dir, ['zh', 'en']);
    expect(before.get('common/goodbye')).toMatchObject({ zh: { source: 'generated', stale: true }, en: { stale: false } });
    expect(durationTotals(changed, before, 'zh').stale).toBe(1);

    await generatePrompts({ manifest: changed, outDir: dir });
    expect((await promptDurations(changed, dir, ['zh'])).get('common/goodbye')!.zh!.stale).toBe(false);
  });

  it('reads only the languages asked for', async () => {
    const dir = await generatedSounds();
    const durations = await promptDurations(manifest, dir, ['en']);
    expect(Object.keys(durations.get('num/7')!)).toEqual(['en']);
    expect(durationTotals(manifest, durations, 'zh')).toMatchObject({ prompts: 0, durationMs: 0, rate: null });
  });

  it('counts every file as a recording in a sounds folder without our hash file', async () => {
    const dir = await generatedSounds();
    await rm(join(dir, HASH_FILE));
    const totals = durationTotals(manifest, await promptDurations(manifest, dir, ['zh']), 'zh');
    expect(totals).toMatchObject({ prompts: 4, generated: 0, recordings: 4 });
  });

  it('reports the Mandarin rate in characters a second over the whole manifest', async () => {
    const dir = await generatedSounds();
    const durations = await promptDurations(manifest, dir, ['zh']);
    const totals = durationTotals(manifest, durations, 'zh');
    const characters = Object.values(PROMPTS).reduce((n, p) => n + speechUnits(p.zh, 'zh'), 0);
    expect(characters).toBe(8 + 9 + 7 + 1);
    const seconds = [...durations.values()].reduce((s, p) => s + p.zh!.durationMs!, 0) / 1000;
    expect(totals.durationMs / 1000).toBeCloseTo(seconds, 6);
    expect(totals.rate).toBeCloseTo(characters / seconds, 6);
  });
});

describe('speechUnits', () => {
  it('counts Han characters in Mandarin, not punctuation or digits, and words in English', () => {
    expect(speechUnits('不想等待请按5，我们将尽快回电。', 'zh')).toBe(13);
    expect(speechUnits('To skip the wait, press 5 and we will call you back.', 'en')).toBe(12);
    expect(speechUnits(' in arrears, ', 'en')).toBe(2);
  });
});

describe('npm run prompts -- --list', () => {
  it('prints each prompt with its length and source per language, then totals and rates', async () => {
    const dir = await generatedSounds();
    await writeFile(audioFile(dir, 'zh', 'common/goodbye'), wav8k(1.5));
    await rm(audioFile(dir, 'en', 'num/7'));
    const text = await listPromptDurations({ manifest, soundsDir: dir, languages: ['zh', 'en'] });
    const lines = text.split('\n');

    expect(lines[0]).toMatch(/^prompt +zh +en$/);
    expect(lines[1]).toMatch(/^common\/goodbye +1\.50 s recording +\d\.\d\d s$/);
    expect(lines[4]).toMatch(/^num\/7 +0\.\d\d s +missing$/);
    expect(lines).toContainEqual(expect.stringMatching(/^zh: 4 prompts \(3 generated, 1 recording\), \d+\.\d s, \d\.\d\d characters a second$/));
    expect(lines).toContainEqual(expect.stringMatching(/^en: 4 prompts \(3 generated, 1 missing\), \d+\.\d s, \d+ words a minute$/));
  });

  it('prints one JSON object with --json, from the command line', async () => {
    const dir = await generatedSounds();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/prompts.ts', '--list', '--json', '--lang', 'zh', '--out', dir]);
    const listing = JSON.parse(stdout) as {
      soundsDir: string;
      prompts: Record<string, Record<string, { durationMs: number; source: string; stale: boolean }>>;
      totals: Record<string, { prompts: number; generated: number; durationMs: number; charactersPerSecond: number }>;
    };
    // The command line lists config/prompts.yaml: the ids of PROMPTS are among its own, the others have no file here.
    expect(listing.soundsDir).toBe(dir);
    expect(Object.keys(listing.prompts['num/7']!)).toEqual(['zh']);
    expect(listing.prompts['num/7']!.zh).toEqual({
      durationMs: Math.round((await readWavInfo(audioFile(dir, 'zh', 'num/7'))).durationMs),
      source: 'generated',
      stale: false,
    });
    expect(listing.prompts['ss/welcome']!.zh).toEqual({ durationMs: null, source: 'missing', stale: false });
    expect(listing.totals.zh!.generated).toBe(Object.keys(PROMPTS).length);
    expect(listing.totals.zh!.charactersPerSecond).toBeGreaterThan(0);
    expect(listing.totals.en).toBeUndefined();
  });
});
