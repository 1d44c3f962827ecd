import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readWavInfo } from '../../src/media/wav-duration.js';
import { ensureAudioTools } from '../../src/prompts/audio-tools.js';
import { generatePrompts, HASH_FILE } from '../../src/prompts/generate-audio.js';
import { audioFile, createPromptManifest } from '../../src/prompts/prompt-manifest.js';
import { wav8k } from './wav-fixture.js';
import { speechShape } from './wav-silence.js';

const PROMPTS = {
  'num/7': { zh: '七', en: 'seven' },
  'common/goodbye': { zh: '感谢您的来电，再见！', en: 'Thank you for calling. Goodbye.' },
  'hold/press-for-callback': { zh: '如不想继续等待，请按5，我们将尽快给您回电。', en: 'If you would rather not wait, press 5 and we will call you back.' },
};

let dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
  dirs.push(dir);
  return dir;
}

beforeAll(() => {
  ensureAudioTools();
});

afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

describe('generatePrompts', () => {
  it('writes 8 kHz mono 16-bit WAV for every prompt and language, as long as the words take to say', async () => {
    const outDir = tempDir();
    const lines: string[] = [];
    const summary = await generatePrompts({ manifest: createPromptManifest(PROMPTS), outDir, log: (l) => lines.push(l) });

    expect(summary).toMatchObject({ generated: 6, unchanged: 0, kept: 0, removed: 0, files: 6 });
    const durations: Record<string, number> = {};
    for (const lang of ['zh', 'en'] as const) {
      for (const id of Object.keys(PROMPTS)) {
        const info = await readWavInfo(audioFile(outDir, lang, id));
        expect(info, `${lang}/${id}`).toMatchObject({ format: 1, sampleRate: 8000, channels: 1, bitsPerSample: 16 });
        durations[`${lang}/${id}`] = info.durationMs;
      }
    }
    // One syllable is well under a second; a sentence of 18 characters or 14 words takes 3 to 6 seconds.
    for (const lang of ['zh', 'en']) {
      expect(durations[`${lang}/num/7`]).toBeGreaterThan(150);
      expect(durations[`${lang}/num/7`]).toBeLessThan(1000);
      expect(durations[`${lang}/hold/press-for-callback`]).toBeGreaterThan(3000);
      expect(durations[`${lang}/hold/press-for-callback`]).toBeLessThan(6000);
    }
    const total = Object.values(durations).reduce((a, b) => a + b, 0);
    expect(summary.totalDurationMs).toBeCloseTo(total, 3);
    expect(lines.at(-1)).toMatch(/^prompts: 6 generated, 0 unchanged, 0 kept, 0 removed; 6 files, \d+\.\d s of audio/);
  });

  it('leaves files whose text did not change alone, and regenerates those whose text changed', async () => {
    const outDir = tempDir();
    await generatePrompts({ manifest: createPromptManifest(PROMPTS), outDir });
    const goodbye = audioFile(outDir, 'en', 'common/goodbye');
    const before = await stat(goodbye);

    const again = await generatePrompts({ manifest: createPromptManifest(PROMPTS), outDir });
    expect(again).toMatchObject({ generated: 0, unchanged: 6 });
    expect((await stat(goodbye)).mtimeMs).toBe(before.mtimeMs);

    const changed = { ...PROMPTS, 'common/goodbye': { zh: PROMPTS['common/goodbye'].zh, en: 'Thanks for calling, goodbye.' } };
    const third = await generatePrompts({ manifest: createPromptManifest(changed), outDir });
    expect(third).toMatchObject({ generated: 1, unchanged: 5 });
    expect((await stat(goodbye)).mtimeMs).not.toBe(before.mtimeMs);

    const forced = await generatePrompts({ manifest: createPromptManifest(changed), outDir, force: true });
    expect(forced).toMatchObject({ generated: 6, unchanged: 0 });
  });

  it('keeps a studio recording put in place of a generated file, unless forced', async () => {
    const outDir = tempDir();
    await generatePrompts({ manifest: createPromptManifest(PROMPTS), outDir });
    const file = audioFile(outDir, 'zh', 'common/goodbye');
    const recording = wav8k(1.5);
    await writeFile(file, recording);
    const lines: string[] = [];

    const changed = { ...PROMPTS, 'common/goodbye': { zh: '谢谢来电，再见！', en: PROMPTS['common/goodbye'].en } };
    const summary = await generatePrompts({ manifest: createPromptManifest(changed), outDir, log: (l) => lines.push(l) });
    expect(summary).toMatchObject({ generated: 0, unchanged: 5, kept: 1, files: 6 });
    expect(await readFile(file)).toEqual(recording);
    expect(lines).toContain('kept zh/common/goodbye: the file was not generated here (a recording?); use --force to replace it');

    await generatePrompts({ manifest: createPromptManifest(changed), outDir, force: true });
    expect(await readFile(file)).not.toEqual(recording);
  });

  it('removes the files it generated for prompts no longer in the manifest, but not recordings', async () => {
    const outDir = tempDir();
    await generatePrompts({ manifest: createPromptManifest(PROMPTS), outDir });
    const recorded = audioFile(outDir, 'zh', 'num/7');
    await writeFile(recorded, wav8k(0.5));

    const { 'num/7': _seven, 'common/goodbye': _goodbye, ...rest } = PROMPTS;
    const summary = await generatePrompts({ manifest: createPromptManifest(rest), outDir });
    expect(summary).toMatchObject({ removed: 3, unchanged: 2, files: 2 });
    await expect(stat(audioFile(outDir, 'en', 'common/goodbye'))).rejects.toThrow(/ENOENT/);
    await expect(stat(audioFile(outDir, 'en', 'num/7'))).rejects.toThrow(/ENOENT/);
    expect((await stat(recorded)).isFile()).toBe(true);
    const hashes = JSON.parse(await readFile(join(outDir, HASH_FILE), 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(hashes.files).sort()).toEqual(['en/hold/press-for-callback', 'zh/hold/press-for-callback']);
  });

  it('generates only the languages asked for', async () => {
    const outDir = tempDir();
    const summary = await generatePrompts({ manifest: createPromptManifest({ 'num/7': PROMPTS['num/7'] }), outDir, languages: ['en'] });
    expect(summary).toMatchObject({ generated: 1, files: 1 });
    await expect(stat(audioFile(outDir, 'zh', 'num/7'))).rejects.toThrow(/ENOENT/);
  });

  it('treats files next to an unreadable hash file as recordings and says so', async () => {
    const outDir = tempDir();
    await generatePrompts({ manifest: createPromptManifest({ 'num/7': PROMPTS['num/7'] }), outDir });
    await writeFile(join(outDir, HASH_FILE), '{ not json');
    const lines: string[] = [];
    const summary = await generatePrompts({ manifest: createPromptManifest({ 'num/7': PROMPTS['num/7'] }), outDir, log: (l) => lines.push(l) });
    expect(summary).toMatchObject({ generated: 0, kept: 2 });
    expect(lines[0]).toMatch(/manifest-hash\.json is unreadable/);
  });
});

describe('the speech of generated prompts', () => {
  const SENTENCES = {
    'cb/offer': {
      zh: '当前等待时间较长。回电到本机号码请按1，回电到其他号码请按2，继续等待请按其他键。',
      en: 'The wait is long at the moment. To be called back on this number, press 1. On another number, press 2. To keep waiting, press any other key.',
    },
    'common/goodbye': PROMPTS['common/goodbye'],
    'ss/balance-is': { zh: '您的话费余额为', en: 'Your balance is' },
    'num/2': { zh: '二', en: 'two' },
  };
  let outDir: string;
  const shape = (lang: 'zh' | 'en', id: keyof typeof SENTENCES) => speechShape(audioFile(outDir, lang, id));

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'hotline-speech-'));
    await generatePrompts({ manifest: createPromptManifest(SENTENCES), outDir });
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('speaks Mandarin at 3.5 to 6 characters a second, as people do (espeak-ng alone says 2.3)', async () => {
    const characters = SENTENCES['cb/offer'].zh.match(/\p{Script=Han}/gu)!.length;
    const { durationMs } = await shape('zh', 'cb/offer');
    expect(durationMs / 1000).toBeGreaterThan(characters / 6);
    expect(durationMs / 1000).toBeLessThan(characters / 3.5);
  });

  it('speaks English at 140 to 190 words a minute of speech', async () => {
    const words = SENTENCES['cb/offer'].en.split(' ').length;
    const { spokenMs } = await shape('en', 'cb/offer');
    expect(words / (spokenMs / 60_000)).toBeGreaterThan(140);
    expect(words / (spokenMs / 60_000)).toBeLessThan(190);
  });

  it('keeps a Mandarin pause at a comma short but present, and a longer one between sentences', async () => {
    // cb/offer has one full stop and two commas inside it; the pauses between syllables are shorter than 60 ms.
    const [sentence, ...clauses] = (await shape('zh', 'cb/offer')).pausesMs;
    expect(sentence).toBeGreaterThanOrEqual(200);
    expect(sentence).toBeLessThanOrEqual(400);
    for (const pause of clauses.slice(0, 2)) {
      expect(pause).toBeGreaterThanOrEqual(100);
      expect(pause).toBeLessThanOrEqual(250);
    }
    expect(clauses[2]).toBeLessThan(100);
  });

  it('says a one-syllable word of a value long enough to be heard', async () => {
    // 二 is espeak-ng's shortest syllable: at the sentence speed it lasts 50 ms.
    expect((await shape('zh', 'num/2')).spokenMs).toBeGreaterThanOrEqual(120);
    expect((await shape('en', 'num/2')).spokenMs).toBeGreaterThanOrEqual(120);
  });

  it('leaves a pause after a sentence, and runs a fragment into the value that follows it', async () => {
    for (const lang of ['zh', 'en'] as const) {
      expect((await shape(lang, 'common/goodbye')).trailingSilenceMs, lang).toBeGreaterThanOrEqual(130);
      expect((await shape(lang, 'ss/balance-is')).trailingSilenceMs, lang).toBeLessThanOrEqual(70);
      expect((await shape(lang, 'num/2')).trailingSilenceMs, lang).toBeLessThanOrEqual(70);
    }
  });
});

describe('generatePrompts with a recording it cannot read', () => {
  it('keeps it, counts it, and says its length is unknown', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
    try {
      const file = audioFile(outDir, 'en', 'num/7');
      await generatePrompts({ manifest: createPromptManifest({ 'num/7': PROMPTS['num/7'] }), outDir, languages: ['en'] });
      await writeFile(file, 'ID3 an mp3 saved with a .wav name');
      const lines: string[] = [];
      const summary = await generatePrompts({ manifest: createPromptManifest({ 'num/7': PROMPTS['num/7'] }), outDir, languages: ['en'], log: (l) => lines.push(l) });
      expect(summary).toMatchObject({ kept: 1, files: 1, totalDurationMs: 0 });
      expect(lines[0]).toMatch(/^kept en\/num\/7: its length is unknown/);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
