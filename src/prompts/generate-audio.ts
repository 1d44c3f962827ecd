import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../errors.js';
import { readWavInfo } from '../media/wav-duration.js';
import { audioFile, type PromptManifest } from './prompt-manifest.js';
import { endsWithPunctuation, type Pauses, speechMarkup } from './speech-markup.js';
import { LANGS, type Lang } from './spoken.js';
import { WORDS } from './words.js';

export interface GenerateOptions {
  manifest: PromptManifest;
  /** The sounds folder: files go to <outDir>/<lang>/hotline/<id>.wav. */
  outDir: string;
  /** Regenerate every file, including ones replaced by recordings. */
  force?: boolean;
  /** Default: zh and en. */
  languages?: readonly Lang[];
  /** Synthesis processes at a time. Default 2. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface GenerateSummary {
  generated: number;
  /** Generated before from the same text and left as they were. */
  unchanged: number;
  /** Files not made by us (studio recordings): never overwritten unless forced. */
  kept: number;
  /** Files we generated for prompts no longer in the manifest. */
  removed: number;
  /** Prompt files now present for the manifest (generated + unchanged + kept). */
  files: number;
  totalDurationMs: number;
  elapsedMs: number;
}

/** Where we remember what each file was generated from, next to the sounds. */
export const HASH_FILE = '.manifest-hash.json';

/**
 * How each language is spoken (espeak-ng -s, nominally words a minute).
 * espeak-ng's Mandarin is slow at the speeds that suit English: 2.3 characters
 * a second at -s 150, where people speak 4 to 5. Sentences therefore run at
 * -s 320, with the pauses at punctuation given back as SSML breaks
 * (speech-markup.ts). A word of a spoken value (words.ts: 七, 点, 元) is a file
 * of one or two syllables, and a lone syllable shrinks to a click at that speed
 * (二 lasts 50 ms), so words keep a slower speed where each syllable lasts 150 ms
 * or more. English at -s 155 speaks 155 to 170 words a minute (menus of short
 * words such as "For billing, press 1." ran at 178 at -s 160), with pauses long
 * enough of its own. The settings are part of each file's source hash:
 * changing them regenerates the prompts they apply to.
 */
const VOICES: Record<Lang, Voice> = {
  zh: { voice: 'cmn', sentenceSpeed: 320, wordSpeed: 200, pauses: { clauseMs: 120, sentenceMs: 250 } },
  en: { voice: 'en', sentenceSpeed: 155, wordSpeed: 155, pauses: { clauseMs: 0, sentenceMs: 0 } },
};

interface Voice {
  /** espeak-ng voice. */
  voice: string;
  /** espeak-ng speed for sentences and phrases. */
  sentenceSpeed: number;
  /** espeak-ng speed for the words that spoken values are made of. */
  wordSpeed: number;
  pauses: Pauses;
}

/** What espeak-ng is given for one prompt: the voice, the speed and the marked-up text. */
function synthesisInput(id: string, text: string, lang: Lang): { voice: string; speed: number; markup: string } {
  const { voice, sentenceSpeed, wordSpeed, pauses } = VOICES[lang];
  return { voice, speed: Object.hasOwn(WORDS, id) ? wordSpeed : sentenceSpeed, markup: speechMarkup(text, pauses) };
}

/**
 * Silence after a prompt. A prompt ending a sentence or clause is followed by
 * another sentence or by the caller's key, and needs a pause to be told apart;
 * a fragment ("your balance is", a number word) runs into the value or word
 * played after it, as it would in one breath.
 */
const TAIL_PAD_SECONDS = { punctuated: 0.15, fragment: 0.04 };

/**
 * Telephone audio for Asterisk: 8 kHz mono 16-bit PCM. Silence espeak-ng puts
 * around the words is trimmed (prompts for numbers are played back to back),
 * then a short pad keeps prompts apart, and the level is normalised.
 */
function soxEffects(text: string): string[] {
  const tail = endsWithPunctuation(text) ? TAIL_PAD_SECONDS.punctuated : TAIL_PAD_SECONDS.fragment;
  return [
    'silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse',
    'gain', '-n', '-3', 'pad', '0.02', String(tail),
  ];
}

export interface FileRecord {
  /** Hash of what the file was made from (text and synthesis settings). */
  source: string;
  /** Hash of the file as we wrote it, to notice a recording put in its place. */
  wav: string;
}

interface HashFile {
  version: 1;
  files: Record<string, FileRecord>;
}

/**
 * Generates the development audio of every prompt in every language with
 * espeak-ng and sox, skipping files whose text has not changed since they were
 * generated and never touching a file we did not generate (a studio recording)
 * unless `force` is set. Call ensureAudioTools() first.
 */
export async function generatePrompts(options: GenerateOptions): Promise<GenerateSummary> {
  const started = Date.now();
  const { manifest, outDir } = options;
  const log = options.log ?? (() => {});
  const languages = options.languages ?? LANGS;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const hashPath = join(outDir, HASH_FILE);
  const previous = await readHashFile(hashPath, log);
  const records: Record<string, FileRecord> = { ...previous.files };
  const summary: GenerateSummary = { generated: 0, unchanged: 0, kept: 0, removed: 0, files: 0, totalDurationMs: 0, elapsedMs: 0 };

  const tasks = languages.flatMap((lang) => manifest.ids().map((id) => ({ lang, id })));
  const failures: Error[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const { lang, id } = tasks[next++]!;
      const key = `${lang}/${id}`;
      const file = audioFile(outDir, lang, id);
      const text = manifest.text(id, lang);
      const source = sourceHash(id, text, lang);
      try {
        const existing = await readOptional(file);
        const record = records[key];
        const ours = existing !== null && isGeneratedFile(record, existing);
        let durationMs: number;
        if (existing !== null && !ours && !options.force) {
          summary.kept++;
          if (record === undefined || record.source !== source) {
            log(`kept ${key}: the file was not generated here (a recording?); use --force to replace it`);
          }
          // A recording in a format we cannot read is the operator's choice; it only leaves the total.
          durationMs = await readWavInfo(file).then(
            (info) => info.durationMs,
            (err: Error) => {
              log(`kept ${key}: its length is unknown (${err.message})`);
              return 0;
            },
          );
        } else {
          if (ours && record!.source === source && !options.force) {
            summary.unchanged++;
          } else {
            const wav = await synthesize(id, text, lang, file);
            records[key] = { source, wav: sha256(wav) };
            summary.generated++;
          }
          durationMs = (await readWavInfo(file)).durationMs;
        }
        // Added after the awaits: `total += await x` would add to a total read before another worker's update.
        summary.totalDurationMs += durationMs;
        summary.files++;
      } catch (err) {
        failures.push(err as Error);
        log(`failed ${key}: ${(err as Error).message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
    summary.removed = await removeStale(records, manifest, languages, outDir, log);
  } finally {
    await mkdir(outDir, { recursive: true });
    await writeFile(hashPath, `${JSON.stringify({ version: 1, files: sortKeys(records) } satisfies HashFile, null, 1)}\n`);
  }
  summary.elapsedMs = Date.now() - started;
  if (failures.length > 0) {
    throw new AppError(500, 'audio-generation-failed', `${failures.length} prompt file(s) could not be generated; first: ${failures[0]!.message}`, {
      failed: failures.length,
    });
  }
  log(formatSummary(summary));
  return summary;
}

/** "412 generated, 0 unchanged, 0 kept, 0 removed; 412 files, 9 min 48.2 s of audio (in 21.4 s)". */
export function formatSummary(s: GenerateSummary): string {
  const total = s.totalDurationMs / 1000;
  const minutes = Math.floor(total / 60);
  const audio = minutes > 0 ? `${minutes} min ${(total - minutes * 60).toFixed(1)} s` : `${total.toFixed(1)} s`;
  return `prompts: ${s.generated} generated, ${s.unchanged} unchanged, ${s.kept} kept, ${s.removed} removed; `
    + `${s.files} files, ${audio} of audio (in ${(s.elapsedMs / 1000).toFixed(1)} s)`;
}

/** espeak-ng → sox → a temporary file renamed into place, so a stopped run never leaves half a file. */
async function synthesize(id: string, text: string, lang: Lang, file: string): Promise<Buffer> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp.wav`;
  const { voice, speed, markup } = synthesisInput(id, text, lang);
  try {
    // -m: the text is SSML, for the breaks at punctuation.
    const espeak = spawn('espeak-ng', ['-m', '-v', voice, '-s', String(speed), '--stdin', '--stdout'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const sox = spawn('sox', ['-V1', '-t', 'wav', '-', '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', tmp, ...soxEffects(text)], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    espeak.stdout.pipe(sox.stdin);
    // sox may stop reading early on an error; its own exit status reports it.
    sox.stdin.on('error', () => {});
    espeak.stdin.end(markup);
    const [espeakResult, soxResult] = await Promise.all([finished(espeak, 'espeak-ng'), finished(sox, 'sox')]);
    for (const r of [espeakResult, soxResult]) {
      if (r.code !== 0) throw new Error(`${r.name} exited with ${r.code}${r.stderr ? `: ${r.stderr.trim()}` : ''}`);
    }
    const wav = await readFile(tmp);
    const info = await readWavInfo(tmp);
    if (info.durationMs <= 0) throw new Error(`no audio was produced for ${JSON.stringify(text)}`);
    await rename(tmp, file);
    return wav;
  } catch (err) {
    await rm(tmp, { force: true });
    throw new AppError(500, 'audio-generation-failed', `cannot generate ${file}: ${(err as Error).message}`, { file });
  }
}

function finished(child: ReturnType<typeof spawn>, name: string): Promise<{ name: string; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', (err) => reject(new Error(`${name} could not run: ${err.message}`)));
    child.once('close', (code) => resolve({ name, code, stderr }));
  });
}

async function removeStale(
  records: Record<string, FileRecord>,
  manifest: PromptManifest,
  languages: readonly Lang[],
  outDir: string,
  log: (line: string) => void,
): Promise<number> {
  let removed = 0;
  for (const [key, record] of Object.entries(records)) {
    const slash = key.indexOf('/');
    const lang = key.slice(0, slash) as Lang;
    const id = key.slice(slash + 1);
    if (!languages.includes(lang) || manifest.has(id)) continue;
    delete records[key];
    let file: string;
    try {
      file = audioFile(outDir, lang, id);
    } catch {
      continue;
    }
    const existing = await readOptional(file);
    // Only what we generated: a recording left in place is the operator's to remove.
    if (existing === null || sha256(existing) !== record.wav) continue;
    await rm(file);
    await rmdir(dirname(file)).catch(() => {});
    removed++;
    log(`removed ${key}: no longer in the manifest`);
  }
  return removed;
}

/**
 * What each file in a sounds folder was generated from (`<lang>/<id>` →
 * record), from its hash file; empty when there is none, or when it cannot be
 * read (every file then counts as a recording, as generatePrompts treats it).
 */
export async function readGeneratedRecords(soundsDir: string, log: (line: string) => void = () => {}): Promise<Record<string, FileRecord>> {
  return (await readHashFile(join(soundsDir, HASH_FILE), log)).files;
}

/** Whether `wav` is the file we wrote for this record: anything else in its place is a recording. */
export function isGeneratedFile(record: FileRecord | undefined, wav: Buffer): boolean {
  return record !== undefined && record.wav === sha256(wav);
}

/** What a prompt's file is made from: its text and the synthesis settings for it. */
export function sourceHash(id: string, text: string, lang: Lang): string {
  return sha256(JSON.stringify([synthesisInput(id, text, lang), soxEffects(text)]));
}

async function readHashFile(path: string, log: (line: string) => void): Promise<HashFile> {
  const raw = await readOptional(path);
  if (raw === null) return { version: 1, files: {} };
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as Partial<HashFile>;
    if (parsed.version === 1 && parsed.files && typeof parsed.files === 'object') return { version: 1, files: parsed.files };
  } catch {
    // Reported below.
  }
  log(`${path} is unreadable; existing files are treated as recordings (use --force to regenerate them)`);
  return { version: 1, files: {} };
}

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
