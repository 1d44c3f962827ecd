import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, NotFoundError, ValidationError } from '../errors.js';
import { joinTexts, type Lang, type Spoken } from './spoken.js';

/** kebab-case words, with at most one folder: `common/goodbye`, `num/7`, `order-status/in-progress`. */
export const PROMPT_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)?$/;

/** Our sounds live under hotline/ in Asterisk's sounds/<lang>/ tree, apart from its stock sounds. */
const MEDIA_PREFIX = 'sound:hotline/';

export interface PromptTexts {
  readonly zh: string;
  readonly en: string;
}

const text = z
  .string({ error: (issue) => (issue.input === undefined ? 'missing' : 'must be text') })
  .trim()
  .min(1, 'must not be empty');
const entrySchema = z
  .object(
    { zh: text, en: text },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown language ${issue.keys.join(', ')}: a prompt has a zh and an en text`
          : 'must be a mapping with a zh and an en text',
    },
  )
  .strict();

/**
 * The prompts callers can hear: id → Mandarin and English text. The texts are
 * what the development audio is generated from and what studio recordings of
 * the same ids must say.
 */
export class PromptManifest {
  constructor(
    /** Where the manifest came from (file path), for messages. */
    readonly source: string,
    private readonly entries: ReadonlyMap<string, PromptTexts>,
  ) {}

  has(id: string): boolean {
    return this.entries.has(id);
  }

  text(id: string, lang: Lang): string {
    const entry = this.entries.get(id);
    if (!entry) throw new NotFoundError('prompt', id);
    return entry[lang];
  }

  /** Every id, in manifest order. */
  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** The ids among `ids` that the manifest lacks (a flow checks its prompts at start-up). */
  missing(ids: Iterable<string>): string[] {
    return [...new Set(ids)].filter((id) => !this.entries.has(id));
  }

  /**
   * One utterance from sentence prompts and spoken values, in order:
   * compose('zh', 'ss/balance-is', sayAmount(56.78, 'zh')) → 您的话费余额为五十六点七八元.
   */
  compose(lang: Lang, ...parts: (string | Spoken)[]): Spoken {
    const ids = parts.flatMap((part) => (typeof part === 'string' ? [part] : part.ids));
    return { ids, text: joinTexts(ids.map((id) => this.text(id, lang)), lang) };
  }
}

/** Reads and validates a manifest file (config/prompts.yaml). */
export function loadPromptManifest(path: string): PromptManifest {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`prompt manifest ${path} cannot be read: ${(err as Error).message}`, { file: path });
  }
  return parsePromptManifest(source, path);
}

/**
 * Validates manifest YAML as a whole and reports every problem at once, each
 * naming its id and line: a bad id, a duplicate id, a missing or empty text.
 */
export function parsePromptManifest(yamlText: string, source = 'prompt manifest'): PromptManifest {
  const lines = new LineCounter();
  // Duplicates are reported by us, with both lines, rather than by the parser.
  const doc = parseDocument(yamlText, { uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new ConfigError(`prompt manifest ${source} is not valid YAML: ${doc.errors[0]!.message}`, { file: source });
  }
  if (!isMap(doc.contents)) {
    throw new ConfigError(`prompt manifest ${source} must map prompt ids to { zh, en } texts`, { file: source });
  }
  const problems: Problem[] = [];
  const entries = new Map<string, PromptTexts>();
  const firstLine = new Map<string, number>();
  for (const pair of doc.contents.items) {
    const line = isScalar(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : 0;
    const id = isScalar(pair.key) && pair.key.value != null ? String(pair.key.value) : '';
    const at = line ? ` (line ${line})` : '';
    const seen = firstLine.get(id);
    if (seen !== undefined) {
      problems.push({ id, message: `duplicate prompt id ${JSON.stringify(id)}${at}, first defined on line ${seen}` });
      continue;
    }
    firstLine.set(id, line);
    const value: unknown = isNode(pair.value) ? pair.value.toJSON() : pair.value;
    const entry = checkEntry(id, value, at, problems);
    if (entry) entries.set(id, entry);
  }
  return build(source, entries, problems);
}

/** A manifest from a plain object (tests, tools), validated like a file. */
export function createPromptManifest(prompts: Record<string, unknown>, source = 'prompt manifest'): PromptManifest {
  const problems: Problem[] = [];
  const entries = new Map<string, PromptTexts>();
  for (const [id, value] of Object.entries(prompts)) {
    const entry = checkEntry(id, value, '', problems);
    if (entry) entries.set(id, entry);
  }
  return build(source, entries, problems);
}

/** `sound:hotline/<id>`: the media URI Asterisk plays for a prompt. */
export function mediaUri(id: string): string {
  if (!PROMPT_ID.test(id)) throw new ValidationError(`${JSON.stringify(id)} is not a prompt id`, { id });
  return `${MEDIA_PREFIX}${id}`;
}

/** The prompt id of one of our media URIs; null for anything else (stock sounds, recordings, tones). */
export function idFromMedia(uri: string): string | null {
  if (!uri.startsWith(MEDIA_PREFIX)) return null;
  const id = uri.slice(MEDIA_PREFIX.length);
  return PROMPT_ID.test(id) ? id : null;
}

/** `<soundsDir>/<lang>/hotline/<id>.wav`, the file Asterisk finds for mediaUri(id) in that language. */
export function audioFile(soundsDir: string, lang: Lang, id: string): string {
  if (!PROMPT_ID.test(id)) throw new ValidationError(`${JSON.stringify(id)} is not a prompt id`, { id });
  return join(soundsDir, lang, 'hotline', `${id}.wav`);
}

interface Problem {
  id: string;
  message: string;
}

function checkEntry(id: string, value: unknown, at: string, problems: Problem[]): PromptTexts | null {
  if (!PROMPT_ID.test(id)) {
    problems.push({
      id,
      message: `bad prompt id ${JSON.stringify(id)}${at}: use kebab-case words with at most one folder, e.g. ss/main-menu`,
    });
    return null;
  }
  const parsed = entrySchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.length ? `.${issue.path.join('.')}` : '';
      problems.push({ id, message: `prompt ${id}${field}${at}: ${issue.message}` });
    }
    return null;
  }
  return Object.freeze(parsed.data);
}

function build(source: string, entries: Map<string, PromptTexts>, problems: Problem[]): PromptManifest {
  if (problems.length > 0) {
    throw new ConfigError(`invalid prompt manifest ${source}:\n  ${problems.map((p) => p.message).join('\n  ')}`, {
      file: source,
      ids: [...new Set(problems.map((p) => p.id))],
    });
  }
  if (entries.size === 0) throw new ConfigError(`prompt manifest ${source} lists no prompts`, { file: source });
  return new PromptManifest(source, entries);
}
