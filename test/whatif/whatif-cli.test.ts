import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CallRecordLog } from '../../src/call-records/call-record-log.js';
import { callEvents, type RecordedCall } from './whatif-support.js';

/**
 * `npm run whatif` end to end: against a deployment's Redis (its call records
 * and routing), a replay of the last hour with a change prints baseline →
 * change per tier and queue and writes the CSV and JSON asked for.
 */

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const prefix = `test:whatif-cli:${randomUUID().slice(0, 8)}`;
let dir: string;

function whatif(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/whatif.ts', ...args], {
      env: { ...process.env, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix },
    }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-whatif-cli-'));
  const redis = new Redis(inject('redisUrl'));
  const recorder = new CallRecordLog({ redis, keyPrefix: prefix });
  const now = Date.now();
  const calls: RecordedCall[] = Array.from({ length: 30 }, (_, i) => ({
    id: `cli-${i}`, at: now - 3_000_000 + i * 90_000, tier: i % 3 === 0 ? 'diamond' : 'standard', queue: 'billing',
    outcome: i % 6 === 5 ? 'abandoned' : 'answered', waitMs: 4_000 + (i % 5) * 12_000, talkMs: 200_000,
  }));
  for (const e of calls.flatMap(callEvents).sort((a, b) => a.at - b.at)) {
    const { callId, at, id: _id, ...event } = e;
    await recorder.append(callId, event as Parameters<typeof recorder.append>[1], at);
  }
  redis.disconnect();
  writeFileSync(join(dir, 'change.json'), JSON.stringify([
    { kind: 'tier', id: 'diamond', patch: { queuePriority: 200 } },
    { kind: 'add-agents', count: 2, skills: { billing: 4 } },
  ]));
  writeFileSync(join(dir, 'agents.json'), JSON.stringify([{ id: '1004', skills: { billing: 4 } }, { id: '1005', skills: { billing: 3 } }]));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run whatif', () => {
  it('replays the last hour with the change and prints baseline → change per tier and queue', async () => {
    const csv = join(dir, 'out.csv');
    const json = join(dir, 'out.json');
    const run = await whatif(['--replay', '1h', '--patch', join(dir, 'change.json'), '--staffing', join(dir, 'agents.json'), '--csv', csv, '--json', json]);
    expect(run.stderr).not.toMatch(/failed|refused/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^replay .*: 30 calls; agents 2 → 4; simulated in [\d.]+ s/);
    expect(run.stdout).toMatch(/^tier\s+offered\s+SL %\s+ASA s\s+longest s\s+aband %\s+callbacks\s+occup %$/m);
    expect(run.stdout).toMatch(/^diamond\s+10 → 10\s/m);
    expect(run.stdout).toMatch(/^billing\s+/m);
    expect(readFileSync(csv, 'utf8')).toMatch(/^period,start,end,group,id,baseline_offered/);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result.comparison.total.tiers.diamond.baseline.offered).toBe(10);
  }, 60_000);

  it('says what is wrong with the command line or the change, and exits 1', async () => {
    const both = await whatif(['--replay', '1h', '--forecast', 'x.json']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/give one of --replay, --from\/--to, --forecast/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ kind: 'tier', id: 'standard', patch: { queuePriority: 500 } }]));
    const refused = await whatif(['--replay', '1h', '--patch', join(dir, 'bad.json'), '--staffing', join(dir, 'agents.json')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/what-if refused: changes\.0: /);
  }, 60_000);
});
