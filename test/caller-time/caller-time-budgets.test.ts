import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPaths, formatTable } from '../../src/caller-time/caller-time-report.js';
import { callerTimeModel, callerTimes, promptsOnPaths } from '../../src/caller-time/caller-times.js';
import { promptSeconds, secondsOf } from '../../src/caller-time/prompt-seconds.js';
import { allFlows, dialogueFlows } from '../../src/flows/all-flows.js';
import { ensureAudioTools } from '../../src/prompts/audio-tools.js';
import { generatePrompts } from '../../src/prompts/generate-audio.js';
import { createPromptManifest, loadPromptManifest } from '../../src/prompts/prompt-manifest.js';
import { LANGS } from '../../src/prompts/spoken.js';
import { loadConfig } from '../../src/service/config-schema.js';

/**
 * The shipped flows, menu order, routing and prompt texts keep every tier's
 * caller within the seconds its budget allows (callerTime.budgetsSec), from the
 * answer to an agent rung, in each language the service can speak. A flow or a
 * prompt text made longer than its tier can afford fails here. The audio is
 * generated as `npm run prompts` makes it, for the prompts on the paths only.
 */

const config = loadConfig({ env: {} });
const manifest = loadPromptManifest(config.prompts.manifest);
const model = callerTimeModel(config, [...allFlows, ...dialogueFlows], manifest);
let soundsDir: string;

beforeAll(async () => {
  ensureAudioTools();
  soundsDir = mkdtempSync(join(tmpdir(), 'hotline-caller-time-'));
  const ids = new Set(LANGS.flatMap((lang) => promptsOnPaths(model, lang)));
  const onPaths = createPromptManifest(Object.fromEntries([...ids].map((id) => [id, { zh: manifest.text(id, 'zh'), en: manifest.text(id, 'en') }])));
  await generatePrompts({ manifest: onPaths, outDir: soundsDir });
});

afterAll(() => {
  if (soundsDir) rmSync(soundsDir, { recursive: true, force: true });
});

describe.each(LANGS)('caller time of the shipped configuration in %s', (lang) => {
  it('keeps every tier\'s common path within its budget', async () => {
    const measured = await promptSeconds(soundsDir, lang, promptsOnPaths(model, lang));
    const times = callerTimes(model, lang, secondsOf(measured));
    const over = times
      .filter((t) => !t.withinBudget)
      .map((t) => `${t.tier}: ${t.common.seconds === null ? 'no agent rung' : `${t.common.seconds.toFixed(1)} s`}, budget ${t.budgetSec} s`);
    expect(over, `\n${formatTable(times)}\n\n${formatPaths(times)}`).toEqual([]);
    // Diamond is queued at answer: its agent is rung while the greeting plays.
    expect(times.find((t) => t.tier === 'diamond')!.common.seconds).toBe(0);
  });
});
