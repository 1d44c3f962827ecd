/**
 * `npm run stress:callbacks`: the callback durability scenarios (service
 * killed after booking, service killed while customers ring, Redis killed and
 * restarted from its AOF) run again and again with every core saturated and
 * Redis slowed and stalled (test/callbacks/support/durability-bench.ts).
 * Prints one line per run and the totals; exits 1 if any customer was dialled
 * twice for one try or any callback was lost. Evidence of a failed run is kept
 * in .tmp/evidence/callbacks/.
 *
 *   npm run stress:callbacks [-- --runs 20] [--scenario killed-while-ringing] [--no-stress]
 */
import { parseArgs } from 'node:util';
import { openDurabilityBench, STRESS } from '../callbacks/support/durability-bench.js';
import { runScenario, SCENARIOS, type ScenarioName } from '../callbacks/support/durability-scenarios.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    scenario: { type: 'string', multiple: true },
    'no-stress': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got ${values.runs}`);
const scenarios = (values.scenario ?? [...SCENARIOS]) as ScenarioName[];
for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}, got ${s}`);

const stress = !values['no-stress'];
const bench = await openDurabilityBench({ stress, evidenceDir: '.tmp/evidence/callbacks' });
console.log(stress
  ? `stress: ${STRESS.cpuPerCore} busy processes per core; Redis +${STRESS.redisLatencyMs}-${STRESS.redisLatencyMs + STRESS.redisJitterMs} ms per exchange, stalled ${STRESS.stallForMs} ms every ${STRESS.stallEveryMs} ms (job locks: 2000 ms)`
  : 'no stress');
const totals = { runs: 0, customers: 0, doubleDials: 0, lost: 0, retries: 0 };
const because: Record<string, number> = {};
const started = Date.now();
try {
  for (let run = 1; run <= runs; run++) {
    const parts: string[] = [];
    for (const scenario of scenarios) {
      const { verdict, evidencePath } = await runScenario(bench, scenario);
      totals.customers += verdict.customers;
      totals.doubleDials += verdict.doubleDials;
      totals.lost += verdict.lost;
      totals.retries += verdict.retries;
      for (const [k, v] of Object.entries(verdict.retriesBecause)) because[k] = (because[k] ?? 0) + v;
      const retried = Object.entries(verdict.retriesBecause).map(([k, v]) => `${k}:${v}`).join(',');
      parts.push(`${scenario}: customers=${verdict.customers} double-dials=${verdict.doubleDials} lost=${verdict.lost} retries=${verdict.retries}${retried ? ` (${retried})` : ''}`);
      if (evidencePath) {
        parts.push(`  problems: ${verdict.problems.slice(0, 5).join(' | ')}${verdict.problems.length > 5 ? ` (+${verdict.problems.length - 5})` : ''}`);
        parts.push(`  evidence: ${evidencePath}`);
      }
    }
    totals.runs++;
    console.log(`run ${run}/${runs}\n  ${parts.join('\n  ')}`);
  }
} finally {
  await bench.close();
}
const why = Object.entries(because).map(([k, v]) => `${k}:${v}`).join(',') || 'none';
console.log(`stress:callbacks runs=${totals.runs} customers=${totals.customers} double-dials=${totals.doubleDials} lost=${totals.lost} retries=${totals.retries} (${why}) in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(totals.doubleDials === 0 && totals.lost === 0 ? 0 : 1);
