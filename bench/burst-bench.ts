/**
 * Burst benchmark: the whole service (real ARI adapter, real Redis) against
 * the simulated Asterisk with a real switch's behaviours on.
 *
 *   npm run bench:burst [-- --callers 100 --rate 20 --latency 10 --wrap-up 5 --announce 15]
 *
 * 100 callers arrive at 20/s on 10000 (sample customers of every tier and
 * unknown numbers) onto the 18 agents of config/agents.yaml, all ready,
 * answering after 0.5 s and talking 3 s, then 5 s of wrap-up (--wrap-up config
 * keeps each queue's 15 to 60 s, and the run then lasts minutes); the hold
 * announcements every 15 s (more often than configured); every prompt lasts
 * 1 s; the switch answers each request after a realistic latency (10 ms) and
 * closes idle connections after 15 s as Asterisk does. The switch runs in a
 * process of its own, in real time.
 *
 * Prints one line — callers, served, dropped, silent answers, double
 * assignments, freed agent → next ring p50/p99 — then a table, and the calls
 * behind any non-zero count. The service's log goes to .tmp/burst-service.log.
 * Exit status 1 when a count that must be zero is not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/service/config-schema.js';
import { startPrivateRedis } from '../src/infra/private-redis.js';
import { burstEvidence, burstLine, burstTable } from './burst/burst-report.js';
import { runBurst, type BurstScenario } from './burst/run-burst.js';

const USER = 'ivr';
const PASSWORD = 'ivr';
const APP = 'ivr-burst';

const { values: args } = parseArgs({
  options: {
    callers: { type: 'string', default: '100' },
    rate: { type: 'string', default: '20' },
    /** ms every ARI request waits at the switch. */
    latency: { type: 'string', default: '10' },
    /** Concurrent requests the switch serves (0: no limit). */
    concurrency: { type: 'string', default: '0' },
    /** Wrap-up of every queue in s, or "config". */
    'wrap-up': { type: 'string', default: '5' },
    /** Hold announcement interval of every tier in s, or "config". */
    announce: { type: 'string', default: '15' },
    /** Longest a caller waits before hanging up, s. */
    'max-stay': { type: 'string', default: '300' },
  },
});

function number(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${raw}`);
  return n;
}
const orConfig = (name: string, raw: string | undefined) => (raw === 'config' ? null : number(name, raw));

async function startSwitch(conditions: BurstScenario['conditions']): Promise<{ url: string; child: ChildProcess }> {
  const options = { speed: 1, soundsDir: null, dialplanApp: APP, users: { [USER]: PASSWORD }, ...conditions };
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/burst/sim-process.ts', JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulated switch exited (${code}) before listening`)));
    lines.on('line', (line) => {
      const match = /^listening (\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  return { url, child };
}

/** CPU seconds a process has used (Linux /proc; USER_HZ is 100), or null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const concurrency = number('concurrency', args.concurrency);
  const scenario: BurstScenario = {
    callers: number('callers', args.callers),
    arrivalsPerSecond: number('rate', args.rate),
    agents: loadConfig({ env: {} }).agents.map((a) => a.id),
    answerAfterMs: 500,
    talkMs: 3000,
    wrapUpSec: orConfig('wrap-up', args['wrap-up']),
    holdAnnouncementIntervalSec: orConfig('announce', args.announce),
    conditions: {
      latencyMs: number('latency', args.latency),
      sessionKeepAliveMs: 15_000,
      ...(concurrency > 0 ? { maxConcurrentRequests: concurrency } : {}),
    },
    timeScale: 1,
    maxStayMs: number('max-stay', args['max-stay']) * 1000,
  };
  mkdirSync('.tmp', { recursive: true });
  const redis = await startPrivateRedis();
  const sw = await startSwitch(scenario.conditions);
  try {
    const switchCpu = cpuSeconds(sw.child.pid);
    const report = await runBurst({
      simUrl: sw.url, redisUrl: redis.url, user: USER, password: PASSWORD, app: APP,
      serviceLogFile: '.tmp/burst-service.log', serviceLogLevel: 'info',
      progress: (line) => process.stderr.write(`${line}\n`),
    }, scenario);
    process.stdout.write(`${burstLine(report)}\n${burstTable(report)}\n`);
    const switchCpuAfter = cpuSeconds(sw.child.pid);
    if (switchCpu !== null && switchCpuAfter !== null) {
      process.stdout.write(`switch process: CPU ${Math.round(((switchCpuAfter - switchCpu) * 1000 / report.durationMs) * 100)}% of one core\n`);
    }
    const evidence = burstEvidence(report);
    if (evidence) process.stdout.write(`\n${evidence}\n`);
    const f = report.findings;
    process.exitCode = f.dropped || f.silentAnswers || f.doubleAssignments ? 1 : 0;
  } finally {
    sw.child.kill('SIGTERM');
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`burst benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
