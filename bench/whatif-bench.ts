/**
 * What-if speed: one simulated hour of 200 agents and 2,000 calls through the
 * real route decision and ACD (Lua scripts on a private Redis), in virtual time.
 *
 *   npm run bench:whatif
 *
 * Prints the wall time of one scenario (the baseline hour), then of a whole
 * what-if run (baseline and a change, figures and comparison), and the
 * figures per tier so a run can be compared with the next.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { startPrivateRedis } from '../src/infra/private-redis.js';
import { defaultQueuesConfig } from '../src/routing/queues-config.js';
import { RoutingPolicy } from '../src/routing/routing-policy.js';
import { defaultTiersConfig } from '../src/routing/tiers-config.js';
import { comparisonTable } from '../src/whatif/comparison-table.js';
import { forecastCalls } from '../src/whatif/forecast-calls.js';
import { runScenario } from '../src/whatif/run-scenario.js';
import { runWhatIf } from '../src/whatif/run-whatif.js';
import { SeededRandom } from '../src/whatif/seeded-random.js';
import { whatIfRequestSchema } from '../src/whatif/whatif-request.js';

const AGENTS = 200;
const NEEDS = ['billing', 'broadband', 'orders', 'general'] as const;
const TIERS = ['diamond', 'gold', 'silver', 'standard'] as const;
const START = '2026-01-05T09:00:00Z';

// 2,000 calls expected in the hour (125 per need and tier), 4 minutes each on average: about 135 Erlangs on 200 agents.
const request = whatIfRequestSchema.parse({
  source: {
    kind: 'forecast',
    start: START,
    arrivals: NEEDS.flatMap((need) => TIERS.map((tier) => ({ need, tier, perQuarterHour: [31, 31, 31, 32] }))),
    handleTime: { meanSec: 240, distribution: 'lognormal', cv: 0.8 },
    patience: { meanSec: 240, distribution: 'exponential' },
  },
  staffing: {
    kind: 'listed',
    agents: Array.from({ length: AGENTS }, (_, i) => ({ id: `a${i}`, skills: { [NEEDS[i % NEEDS.length]!]: 1 + (i % 5), general: 2 + (i % 3) } })),
  },
  changes: [
    { kind: 'tier', id: 'diamond', patch: { queuePriority: 200 } },
    { kind: 'add-agents', count: 2, skills: { billing: 4 } },
  ],
  agentRingSec: 3,
});

async function main(): Promise<void> {
  const snapshot = new RoutingPolicy({ routing: defaultTiersConfig, queues: defaultQueuesConfig }).snapshot();
  const from = Date.parse(START);
  const to = from + 3600_000;

  // One scenario: the hour as it is.
  const server = await startPrivateRedis();
  const redis = new Redis(server.url);
  const source = request.source.kind === 'forecast' ? request.source : null;
  const calls = forecastCalls(source!, new SeededRandom(request.seed));
  const agents = (request.staffing.kind === 'listed' ? request.staffing.agents : []).map((a) => ({ id: a.id, skills: a.skills, shifts: [{ from, to }] }));
  const t0 = performance.now();
  const hour = await runScenario({ redis, keyPrefix: 'bench', snapshot, agents, calls, from, to, agentRingMs: 3000, missedReturnMs: 60_000 });
  const oneHourSec = (performance.now() - t0) / 1000;
  redis.disconnect();
  await server.stop();

  // A whole what-if: baseline and change, figures and comparison.
  const t1 = performance.now();
  const result = await runWhatIf(request, {
    snapshot, agents: async () => [], callRecords: async () => [], now: () => from, shortAbandonSec: 5,
  });
  const wholeSec = (performance.now() - t1) / 1000;

  console.log(`What-if, ${AGENTS} agents, ${calls.length} calls in one simulated hour (Node ${process.version})\n`);
  console.log(`one simulated hour (one scenario, ${hour.events.length} call-record events): ${oneHourSec.toFixed(2)} s`);
  console.log(`whole what-if run (baseline + change "diamond priority 200, two more billing agents", figures, comparison): ${wholeSec.toFixed(2)} s\n`);
  console.log(comparisonTable(result.comparison));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
