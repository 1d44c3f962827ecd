/**
 * npm run whatif -- --replay 2h [--patch change.json] [--staffing agents.json] [--csv out.csv] [--json out.json]
 * npm run whatif -- --forecast forecast.json [--patch change.json] ...
 *
 * Runs a what-if (README, "What-if") against the deployment named by the
 * configuration (REDIS_URL, REDIS_PREFIX...): the routing in force and the
 * agents logged in now are the baseline, a replay reads the call records of
 * the period. Prints baseline → change per tier and per queue.
 *
 *   --replay 2h | 90m        the last so many hours or minutes
 *   --from ISO --to ISO      a replay of that period instead
 *   --forecast file.json     a forecast (the `source` of POST /v1/whatif, kind forecast)
 *   --patch file.json        the change: a list of changes as POST /v1/whatif's `changes`,
 *                            or an object with `changes` (and optionally staffing, seed, agentRingSec)
 *   --staffing file.json     the agents of the period ([{ id, skills, shifts? }]) instead of those logged in
 *   --seed n                 random seed (default 1): the same seed gives the same figures
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { RedisAcdStore } from '../acd/redis-acd-store.js';
import { AuditLog } from '../auth/audit-log.js';
import { CallRecordLog } from '../call-records/call-record-log.js';
import { AppError } from '../errors.js';
import { createRedis } from '../infra/redis-connection.js';
import { RoutingPolicy } from '../routing/routing-policy.js';
import { PolicySync } from '../routing-sync/policy-sync.js';
import { loadConfig } from '../service/config-schema.js';
import { comparisonTable } from '../whatif/comparison-table.js';
import { runWhatIf } from '../whatif/run-whatif.js';
import { comparisonCsv } from '../whatif/whatif-csv.js';
import { whatIfRequestSchema } from '../whatif/whatif-request.js';
import { parseOptions, UsageError } from './command-line.js';

const USAGE = 'usage: npm run whatif -- (--replay 2h | --from ISO --to ISO | --forecast forecast.json) [--patch change.json] [--staffing agents.json] [--seed n] [--csv out.csv] [--json out.json]';

async function main(): Promise<void> {
  const options = parseOptions({
    replay: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, forecast: { type: 'string' },
    patch: { type: 'string' }, staffing: { type: 'string' }, seed: { type: 'string' }, csv: { type: 'string' }, json: { type: 'string' },
  });
  const request = whatIfRequestSchema.safeParse(requestOf(options));
  if (!request.success) throw new UsageError(request.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; '));

  const config = loadConfig({ env: process.env });
  const prefix = config.redis.keyPrefix;
  const redis = createRedis(config.redis, 'tool');
  redis.on('error', () => {});
  const logger = pino({ level: 'silent' });
  // The routing in force is the one the deployment shares in Redis, else the configuration's.
  const policy = new RoutingPolicy({ routing: config.routing, queues: config.queues });
  const sync = new PolicySync({ redis, keyPrefix: prefix, policy, audit: new AuditLog({ redis, keyPrefix: prefix }), logger });
  try {
    await sync.start();
    const store = new RedisAcdStore({ redis, keyPrefix: prefix, instanceId: 'whatif-tool', now: () => Date.now(), rates: () => ({}), agentChoice: () => 'longest-idle' });
    const records = new CallRecordLog({ redis, keyPrefix: prefix });
    process.stderr.write('running…\n');
    let shown = -10;
    const result = await runWhatIf(request.data, {
      snapshot: policy.snapshot(),
      agents: () => store.listAgents(),
      callRecords: (from, to) => records.range(from, to),
      now: () => Date.now(),
      shortAbandonSec: config.stats.shortAbandonSec,
    }, (fraction) => {
      const percent = Math.floor(fraction * 100);
      if (percent >= shown + 10) {
        shown = percent;
        process.stderr.write(`  ${percent}%\n`);
      }
    });
    process.stdout.write(`${result.source} ${new Date(result.from).toISOString()} – ${new Date(result.to).toISOString()}: ${result.calls} calls; agents ${result.agents.baseline} → ${result.agents.change}; simulated in ${result.runSeconds} s\n\n`);
    process.stdout.write(`${comparisonTable(result.comparison)}\n`);
    if (options.csv) writeFileSync(options.csv, comparisonCsv(result.comparison));
    if (options.json) writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await sync.stop();
    redis.disconnect();
  }
}

/** The request of POST /v1/whatif the options describe. */
function requestOf(options: Record<string, string | undefined>): Record<string, unknown> {
  const sources = [options.replay !== undefined, options.from !== undefined || options.to !== undefined, options.forecast !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('give one of --replay, --from/--to, --forecast');
  let source: Record<string, unknown>;
  if (options.forecast) source = { kind: 'forecast', ...(readJson(options.forecast, '--forecast') as object) };
  else if (options.replay) source = { kind: 'replay', lastMinutes: minutesOf(options.replay) };
  else source = { kind: 'replay', from: options.from, to: options.to };
  const patch = options.patch ? readJson(options.patch, '--patch') : [];
  const request: Record<string, unknown> = Array.isArray(patch) ? { changes: patch } : { ...(patch as object) };
  request.source = source;
  if (options.staffing) request.staffing = { kind: 'listed', agents: readJson(options.staffing, '--staffing') };
  if (options.seed !== undefined) request.seed = Number(options.seed);
  return request;
}

function minutesOf(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(h|m)$/.exec(text);
  if (!match) throw new UsageError(`--replay ${text}: give hours or minutes, e.g. 2h or 90m`);
  return Math.round(Number(match[1]) * (match[2] === 'h' ? 60 : 1));
}

function readJson(file: string, option: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${option} ${file}: ${(err as Error).message}`);
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) process.stderr.write(`${err.message}\n${USAGE}\n`);
  else if (err instanceof AppError) process.stderr.write(`what-if refused: ${err.message}\n`);
  else process.stderr.write(`what-if failed: ${(err as Error).message}\n`);
  process.exit(1);
});
