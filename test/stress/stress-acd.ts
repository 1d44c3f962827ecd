/**
 * `npm run stress:acd`: the ACD assignment scenario — two live service
 * instances sharing 6 agents and 40 waiting callers
 * (test/acd/support/assignment-scenario.ts) — again and again with every core
 * saturated and Redis slowed and stalled (test/callbacks/support/durability-bench.ts).
 * Prints one line per run and the totals; exits 1 if any agent was given two
 * calls at once, any caller two agents, or any caller was left unserved.
 * Evidence of a failed run is kept in .tmp/evidence/acd/.
 *
 *   npm run stress:acd [-- --runs 20] [--no-stress]
 */
import { parseArgs } from 'node:util';
import { runAssignmentScenario } from '../acd/support/assignment-scenario.js';
import { openDurabilityBench, STRESS } from '../callbacks/support/durability-bench.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'no-stress': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got ${values.runs}`);

const stress = !values['no-stress'];
const bench = await openDurabilityBench({ stress, evidenceDir: '.tmp/evidence/acd' });
console.log(stress
  ? `stress: ${STRESS.cpuPerCore} busy processes per core; Redis +${STRESS.redisLatencyMs}-${STRESS.redisLatencyMs + STRESS.redisJitterMs} ms per exchange, stalled ${STRESS.stallForMs} ms every ${STRESS.stallEveryMs} ms`
  : 'no stress');
const totals = { runs: 0, callers: 0, rings: 0, served: 0, doubleAssignments: 0, lost: 0, problems: 0 };
const started = Date.now();
try {
  for (let run = 1; run <= runs; run++) {
    const runStarted = Date.now();
    const { verdict, evidencePath } = await runAssignmentScenario(bench);
    totals.runs++;
    totals.callers += verdict.callers;
    totals.rings += verdict.rings;
    totals.served += verdict.served;
    totals.doubleAssignments += verdict.doubleAssignments;
    totals.lost += verdict.lost;
    totals.problems += verdict.problems.length;
    console.log(`run ${run}/${runs}: callers=${verdict.callers} rings=${verdict.rings} served=${verdict.served} double-assignments=${verdict.doubleAssignments} lost=${verdict.lost} in ${Math.round((Date.now() - runStarted) / 1000)} s`);
    if (evidencePath) {
      console.log(`  problems: ${verdict.problems.slice(0, 5).join(' | ')}${verdict.problems.length > 5 ? ` (+${verdict.problems.length - 5})` : ''}`);
      console.log(`  evidence: ${evidencePath}`);
    }
  }
} finally {
  await bench.close();
}
console.log(`stress:acd runs=${totals.runs} callers=${totals.callers} rings=${totals.rings} served=${totals.served} double-assignments=${totals.doubleAssignments} lost=${totals.lost} problems=${totals.problems} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(totals.doubleAssignments === 0 && totals.lost === 0 && totals.problems === 0 ? 0 : 1);
