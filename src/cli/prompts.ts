/**
 * `npm run prompts -- [--out DIR] [--force] [--lang zh|en] [--manifest FILE]`
 *
 * Generates development audio (espeak-ng + sox, 8 kHz mono 16-bit WAV) for every
 * prompt of config/prompts.yaml into <sounds.dir>/<lang>/hotline/<id>.wav,
 * skipping files whose text did not change and files replaced by recordings.
 *
 * `npm run prompts -- --list [--json] [--out DIR] [--lang zh|en]` generates
 * nothing: it lists how long each prompt plays and where its file comes from.
 */
import { loadConfig } from '../service/config-schema.js';
import { AppError } from '../errors.js';
import { ensureAudioTools } from '../prompts/audio-tools.js';
import { generatePrompts } from '../prompts/generate-audio.js';
import { loadPromptManifest } from '../prompts/prompt-manifest.js';
import { LANGS, type Lang } from '../prompts/spoken.js';
import { listPromptDurations } from './prompt-listing.js';
import { parseOptions, UsageError } from './command-line.js';

const USAGE = `usage: npm run prompts -- [--out DIR] [--force] [--lang zh|en] [--manifest FILE]
       npm run prompts -- --list [--json] [--out DIR] [--lang zh|en] [--manifest FILE]

  --out DIR        sounds folder (default: sounds.dir from the configuration, "sounds")
  --force          regenerate every file, replacing recordings too
  --lang zh|en     only this language (default: both)
  --manifest FILE  prompt manifest (default: config/prompts.yaml)
  --list           generate nothing; list each prompt's duration and whether its
                   file is generated, a recording or missing, with totals and rates
  --json           with --list: one JSON object instead of the table`;

async function main(): Promise<void> {
  const options = parseCommandLine();
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (options.lang !== undefined && !LANGS.includes(options.lang as Lang)) {
    throw new UsageError(`--lang must be one of ${LANGS.join(', ')}, not ${JSON.stringify(options.lang)}`);
  }
  if (options.json && !options.list) throw new UsageError('--json goes with --list');
  if (options.list && options.force) throw new UsageError('--force regenerates; --list only reads');
  // The configuration is read only for the default folder, so --out works without it.
  const outDir = options.out ?? loadConfig({ env: process.env }).sounds.dir;
  const manifest = loadPromptManifest(options.manifest);
  const languages = options.lang ? [options.lang as Lang] : LANGS;
  if (options.list) {
    console.log(await listPromptDurations({ manifest, soundsDir: outDir, languages, json: options.json }));
    return;
  }
  ensureAudioTools();
  console.log(`generating prompt audio from ${manifest.source} into ${outDir}`);
  await generatePrompts({
    manifest,
    outDir,
    force: options.force,
    languages,
    log: (line) => console.log(line),
  });
}

function parseCommandLine() {
  return parseOptions({
    out: { type: 'string' },
    force: { type: 'boolean', default: false },
    lang: { type: 'string' },
    manifest: { type: 'string', default: 'config/prompts.yaml' },
    list: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) console.error(`${err.message}\n\n${USAGE}`);
  else if (err instanceof AppError) console.error(err.message);
  else console.error(err);
  process.exitCode = 1;
});
