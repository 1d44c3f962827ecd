import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Sound } from '../ari/models.js';
import { readWavInfo } from '../media/wav-duration.js';

/** Bytes per second of the headerless formats Asterisk plays (8 kHz unless named otherwise). */
const RAW_FORMAT_RATES: Readonly<Record<string, number>> = {
  ulaw: 8000,
  alaw: 8000,
  g722: 8000,
  sln: 16000,
  slin: 16000,
  sln16: 32000,
  gsm: 1650,
};
const WAV_FORMATS = new Set(['wav', 'wav16']);
const FORMATS = [...WAV_FORMATS, ...Object.keys(RAW_FORMAT_RATES)];

export interface SoundFile {
  path: string;
  /** Language directory it was found in ('' for sounds/<name> without a language). */
  language: string;
  format: string;
}

/**
 * The sound files the simulated switch "plays": `<soundsDir>/<lang>/<name>.<format>`,
 * looked up the way Asterisk does (requested language, then without its
 * `_variant` suffix, then `en`, then no language), and their lengths, which are
 * how long a playback lasts.
 *
 * Without a sounds directory every sound exists and lasts `defaultMs`.
 */
export class SoundLibrary {
  private readonly durations = new Map<string, { key: string; ms: number }>();

  constructor(
    readonly soundsDir: string | null,
    readonly defaultMs: number,
  ) {}

  /** Finds `name` (e.g. `hello-world`, `digits/1`) for `language`; null when there is no such file. */
  async find(name: string, language: string): Promise<SoundFile | null> {
    if (!this.soundsDir || !isSafeName(name)) return null;
    for (const lang of languageChain(language)) {
      for (const format of FORMATS) {
        const path = join(this.soundsDir, lang, `${name}.${format}`);
        if (await isFile(path)) return { path, language: lang, format };
      }
    }
    return null;
  }

  /** How long `name` plays in `language`, in ms of simulated time; null when it cannot be played. */
  async durationOf(name: string, language: string): Promise<number | null> {
    if (!this.soundsDir) return this.defaultMs;
    const file = await this.find(name, language);
    if (!file) return null;
    return this.fileDuration(file);
  }

  /** GET /sounds/{id}: the languages and formats the sound exists in. */
  async get(id: string): Promise<Sound | null> {
    if (!isSafeName(id)) return null;
    if (!this.soundsDir) return { id, formats: [{ language: 'en', format: 'wav' }] };
    const formats: Sound['formats'] = [];
    for (const lang of await this.languages()) {
      for (const format of FORMATS) {
        if (await isFile(join(this.soundsDir, lang, `${id}.${format}`))) formats.push({ language: lang, format });
      }
    }
    return formats.length ? { id, formats } : null;
  }

  /** GET /sounds: every sound under the sounds directory, optionally of one language or format. */
  async list(filter: { lang?: string; format?: string } = {}): Promise<Sound[]> {
    if (!this.soundsDir) return [];
    const byId = new Map<string, Sound>();
    for (const lang of await this.languages()) {
      if (filter.lang && filter.lang !== lang) continue;
      for (const file of await walk(join(this.soundsDir, lang))) {
        const dot = file.lastIndexOf('.');
        const format = file.slice(dot + 1);
        if (dot < 0 || !FORMATS.includes(format) || (filter.format && filter.format !== format)) continue;
        const id = relative(join(this.soundsDir, lang), file.slice(0, dot)).split(sep).join('/');
        const sound = byId.get(id) ?? { id, formats: [] };
        sound.formats.push({ language: lang, format });
        byId.set(id, sound);
      }
    }
    return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  private async fileDuration(file: SoundFile): Promise<number | null> {
    const info = await stat(file.path);
    const key = `${info.size}:${info.mtimeMs}`;
    const cached = this.durations.get(file.path);
    if (cached?.key === key) return cached.ms;
    let ms: number;
    if (WAV_FORMATS.has(file.format)) {
      try {
        ms = (await readWavInfo(file.path)).durationMs;
      } catch {
        // Asterisk cannot open a broken file either: the playback fails.
        return null;
      }
    } else {
      ms = (info.size / (RAW_FORMAT_RATES[file.format] ?? 8000)) * 1000;
    }
    this.durations.set(file.path, { key, ms });
    return ms;
  }

  private async languages(): Promise<string[]> {
    if (!this.soundsDir) return [];
    try {
      const entries = await readdir(this.soundsDir, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch {
      return [];
    }
  }
}

/** Asterisk's lookup order (main/file.c fileexists_core): zh_TW → zh → en → no language. */
export function languageChain(language: string): string[] {
  const chain: string[] = [];
  const add = (lang: string) => {
    if (!chain.includes(lang)) chain.push(lang);
  };
  if (language) {
    add(language);
    const underscore = language.lastIndexOf('_');
    if (underscore > 0) add(language.slice(0, underscore));
  }
  add('en');
  add('');
  return chain;
}

/** Sound names are relative paths inside the sounds directory; nothing may climb out of it. */
function isSafeName(name: string): boolean {
  return name !== '' && !name.startsWith('/') && !name.split('/').some((part) => part === '..' || part === '');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
