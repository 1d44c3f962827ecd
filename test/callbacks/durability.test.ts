import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDurabilityBench, type OpenBench } from './support/durability-bench.js';
import { runScenario, SCENARIOS, type ScenarioName } from './support/durability-scenarios.js';

/**
 * No callback lost and none dialled twice when the service process is killed
 * (SIGKILL), when Redis is killed and restarted with AOF, and when two live
 * instances share the work — first on a quiet machine, then once more with
 * every core saturated and Redis slowed and stalled for longer than a job
 * lock (`npm run stress:callbacks` repeats the stressed run 20 times).
 *
 * Each scenario is judged from what the simulated switch carried out and what
 * Redis recorded (durability-judge.ts): a try dialled twice, or a dial no
 * recorded try accounts for, is a double dial; a further try is a retry only
 * when the one before is recorded as failed for a reason the scenario
 * explains, and it came after the retry delay. A failed run leaves its
 * evidence (the switch's requests, the tries, the call records, the log) in
 * .tmp/evidence/callbacks/, named in the failure.
 */
const EVIDENCE_DIR = '.tmp/evidence/callbacks';

function scenarios(stress: boolean, names: readonly ScenarioName[]): void {
  let bench: OpenBench;
  beforeAll(async () => {
    bench = await openDurabilityBench({ stress, evidenceDir: EVIDENCE_DIR });
  }, 30_000);
  afterAll(async () => {
    await bench?.close();
  });
  for (const name of names) {
    it(`${name}: every callback connected, no customer dialled twice for one try`, async () => {
      const { verdict, evidencePath } = await runScenario(bench, name);
      expect({ problems: verdict.problems, evidence: evidencePath }).toEqual({ problems: [], evidence: null });
      expect(verdict.doubleDials).toBe(0);
      expect(verdict.lost).toBe(0);
      // The scenario itself checks that every dial ringing at the kill was recorded interrupted.
      if (name === 'killed-while-ringing') expect(verdict.retriesBecause.interrupted).toBeGreaterThan(0);
    }, 240_000);
  }
}

describe('callbacks survive (quiet machine)', () => {
  scenarios(false, ['killed-after-booking', 'killed-while-ringing', 'redis-killed']);
});

describe('callbacks survive (every core busy, Redis slow and stalling past the job locks)', () => {
  scenarios(true, SCENARIOS);
});
