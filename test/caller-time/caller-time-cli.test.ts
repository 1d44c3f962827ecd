import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAudioTools } from '../../src/prompts/audio-tools.js';

/**
 * `npm run caller-time` end to end: it generates the development audio into
 * the sounds folder, prints the table and the JSON line, and its exit status
 * says whether every tier keeps its budget.
 */

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function callerTime(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/caller-time.ts', ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;

beforeAll(() => {
  ensureAudioTools();
  dir = mkdtempSync(join(tmpdir(), 'hotline-caller-time-cli-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run caller-time', () => {
  it('generates the audio, prints the table and then the JSON line of every tier, and exits 0 within the budgets', async () => {
    const sounds = join(dir, 'sounds');
    const run = await callerTime(['--sounds', sounds, '--lang', 'zh']);
    expect(run.stderr).toMatch(/prompts: \d+ generated/);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^tier\s+common\s+key\s+no key\s+budget$/);
    expect(lines.slice(2, 6).map((line) => line.split(/\s+/)[0])).toEqual(['diamond', 'gold', 'silver', 'standard']);
    const last = lines.at(-1)!;
    expect(last).toMatch(/^\{"diamond":\d+\.\d,"gold":\d+\.\d,"silver":\d+\.\d,"standard":\d+\.\d\}$/);
    expect(Object.keys(JSON.parse(last) as object)).toEqual(['diamond', 'gold', 'silver', 'standard']);

    // A budget the gold menu cannot keep (from a configuration file, as a deployment would set it):
    // the same folder measured as it is, and the exit status says so.
    const tight = join(dir, 'tight.yaml');
    writeFileSync(tight, 'callerTime:\n  budgetsSec:\n    gold: 0.5\n');
    const over = await callerTime(['--sounds', sounds, '--lang', 'zh', '--as-is'], { CONFIG_FILES: tight });
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/^gold: \d+\.\d s is over the budget of 0.5 s \(callerTime\.budgetsSec\.gold\)$/m);
    expect(over.stdout).toMatch(/^gold .* OVER$/m);
    expect(over.stdout.trim().split('\n').at(-1)).toBe(last);
  });

  it('exits 2, naming the files, when the folder lacks audio and may not be generated into', async () => {
    const run = await callerTime(['--sounds', join(dir, 'empty'), '--as-is']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot be measured/);
    expect(run.stderr).toContain(join(dir, 'empty', 'zh', 'hotline', 'greet', 'gold.wav'));
  });
});
