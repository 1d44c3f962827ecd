/**
 * `npm run caller-time -- [--sounds DIR] [--lang zh|en] [--as-is] [--explain]`
 *
 * Seconds from the answer of a 10000 call to an agent's phone ringing (agents
 * free), per tier, with no key pressed and with the most used key, computed
 * from the prompt audio and the flows. Prints a table, then one JSON line
 * {"diamond":s,"gold":s,"silver":s,"standard":s} (the common path). Exits 1
 * when a tier's common path is over its budget (callerTime.budgetsSec), 2 when
 * the times cannot be computed.
 */
import { callerTimeModel, callerTimes, promptsOnPaths } from '../caller-time/caller-times.js';
import { formatJsonLine, formatPaths, formatTable } from '../caller-time/caller-time-report.js';
import { promptSeconds, secondsOf } from '../caller-time/prompt-seconds.js';
import { AppError } from '../errors.js';
import { allFlows, dialogueFlows } from '../flows/all-flows.js';
import { ensureAudioTools } from '../prompts/audio-tools.js';
import { generatePrompts } from '../prompts/generate-audio.js';
import { loadPromptManifest } from '../prompts/prompt-manifest.js';
import { LANGS, type Lang } from '../prompts/spoken.js';
import { loadConfig } from '../service/config-schema.js';
import { parseOptions, UsageError } from './command-line.js';

const USAGE = `usage: npm run caller-time -- [--sounds DIR] [--lang zh|en] [--as-is] [--explain]

  --sounds DIR   sounds folder (default: sounds.dir from the configuration)
  --lang zh|en   language the callers hear (default: sounds.language)
  --as-is        generate nothing: measure the folder as it is (production
                 recordings); a prompt without audio is an error. Without it,
                 missing development audio is generated first (espeak-ng, sox;
                 recordings are never replaced)
  --explain      after the table, every path step by step

Exit status: 0 every tier within its budget (callerTime.budgetsSec), 1 a tier
over it, 2 the times could not be computed.`;

const OVER_BUDGET = 1;
const CANNOT_COMPUTE = 2;

async function main(): Promise<number> {
  const options = parseCommandLine();
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.lang !== undefined && !LANGS.includes(options.lang as Lang)) {
    throw new UsageError(`--lang must be one of ${LANGS.join(', ')}, not ${JSON.stringify(options.lang)}`);
  }
  const config = loadConfig({ env: process.env });
  const soundsDir = options.sounds ?? config.sounds.dir;
  const lang = (options.lang as Lang | undefined) ?? config.sounds.language;
  const manifest = loadPromptManifest(config.prompts.manifest);
  const model = callerTimeModel(config, [...allFlows, ...dialogueFlows], manifest);

  if (!options['as-is']) {
    ensureAudioTools();
    // Progress on stderr: stdout is the table and the JSON line.
    await generatePrompts({ manifest, outDir: soundsDir, languages: [lang], log: (line) => console.error(line) });
  }
  const measured = await promptSeconds(soundsDir, lang, promptsOnPaths(model, lang));
  const times = callerTimes(model, lang, secondsOf(measured));

  console.log(`Seconds from the answer of a 10000 call to an agent rung (agents free), ${lang} audio in ${soundsDir}:`);
  console.log(formatTable(times));
  if (options.explain) console.log(`\n${formatPaths(times)}\n`);
  console.log(formatJsonLine(times));
  const over = times.filter((t) => !t.withinBudget);
  for (const t of over) {
    console.error(t.common.seconds === null
      ? `${t.tier}: the common path rings no agent (${t.common.stopped})`
      : `${t.tier}: ${t.common.seconds.toFixed(1)} s is over the budget of ${t.budgetSec} s (callerTime.budgetsSec.${t.tier})`);
  }
  return over.length > 0 ? OVER_BUDGET : 0;
}

function parseCommandLine() {
  return parseOptions({
    sounds: { type: 'string' },
    lang: { type: 'string' },
    'as-is': { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`${err.message}\n\n${USAGE}`);
    else if (err instanceof AppError) console.error(err.message);
    else console.error(err);
    process.exitCode = CANNOT_COMPUTE;
  },
);
