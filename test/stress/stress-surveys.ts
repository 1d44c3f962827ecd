/**
 * `npm run stress:surveys`: the survey scenario — two live service instances
 * sharing 30 survey calls due at once, with 2 s job locks
 * (test/care/support/survey-scenario.ts) — again and again with every core
 * saturated and Redis slowed and stalled past the locks
 * (test/callbacks/support/durability-bench.ts). Prints one line per run and
 * the totals; exits 1 if any customer was dialled twice for one attempt or
 * called again after answering, or any survey was not answered. Evidence of a
 * failed run is kept in .tmp/evidence/surveys/.
 *
 *   npm run stress:surveys [-- --runs 20] [--no-stress]
 */
import { parseArgs } from 'node:util';
import { openDurabilityBench, STRESS } from '../callbacks/support/durability-bench.js';
import { runSurveyScenario, STRESS_SURVEY_CARE } from '../care/support/survey-scenario.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'no-stress': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got ${values.runs}`);

const stress = !values['no-stress'];
const bench = await openDurabilityBench({ stress, evidenceDir: '.tmp/evidence/surveys' });
console.log(stress
  ? `stress: ${STRESS.cpuPerCore} busy processes per core; Redis +${STRESS.redisLatencyMs}-${STRESS.redisLatencyMs + STRESS.redisJitterMs} ms per exchange, stalled ${STRESS.stallForMs} ms every ${STRESS.stallEveryMs} ms (job locks: ${STRESS_SURVEY_CARE.survey.workers.lockDurationMs} ms)`
  : 'no stress');
const totals = { runs: 0, surveys: 0, dials: 0, dialsAnswered: 0, answered: 0, doubleDials: 0, lost: 0, retries: 0, problems: 0, rerun: 0, stalled: 0 };
const started = Date.now();
try {
  for (let run = 1; run <= runs; run++) {
    const runStarted = Date.now();
    const { verdict, jobs, evidencePath } = await runSurveyScenario(bench);
    totals.runs++;
    totals.surveys += verdict.surveys;
    totals.dials += verdict.dials;
    totals.dialsAnswered += verdict.dialsAnswered;
    totals.answered += verdict.answered;
    totals.doubleDials += verdict.doubleDials;
    totals.lost += verdict.lost;
    totals.retries += verdict.retries;
    totals.problems += verdict.problems.length;
    totals.rerun += jobs.rerun;
    totals.stalled += jobs.stalled;
    console.log(`run ${run}/${runs}: surveys=${verdict.surveys} dials=${verdict.dials} (answered ${verdict.dialsAnswered}) answered=${verdict.answered} double-dials=${verdict.doubleDials} lost=${verdict.lost} retries=${verdict.retries} jobs-run-again=${jobs.rerun} stalled=${jobs.stalled} in ${Math.round((Date.now() - runStarted) / 1000)} s`);
    if (evidencePath) {
      console.log(`  problems: ${verdict.problems.slice(0, 5).join(' | ')}${verdict.problems.length > 5 ? ` (+${verdict.problems.length - 5})` : ''}`);
      console.log(`  evidence: ${evidencePath}`);
    }
  }
} finally {
  await bench.close();
}
console.log(`stress:surveys runs=${totals.runs} surveys=${totals.surveys} dials=${totals.dials} (answered ${totals.dialsAnswered}) answered=${totals.answered} double-dials=${totals.doubleDials} lost=${totals.lost} retries=${totals.retries} jobs-run-again=${totals.rerun} stalled=${totals.stalled} problems=${totals.problems} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(totals.doubleDials === 0 && totals.lost === 0 && totals.problems === 0 ? 0 : 1);
