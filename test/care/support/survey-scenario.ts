import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { careSectionSchema } from '../../../src/care/care-config.js';
import { FollowUps } from '../../../src/care/follow-ups.js';
import { SurveyStore } from '../../../src/care/survey-store.js';
import { CallRecordLog } from '../../../src/call-records/call-record-log.js';
import { systemClock, type Clock } from '../../../src/time/clock.js';
import type { AssignmentBench } from '../../acd/support/assignment-scenario.js';
import { watchSwitch } from '../../acd/support/assignment-switch-watch.js';
import { startCallbackWorld, type CallbackWorld } from '../../callbacks/support/callback-world.js';
import { DURABILITY_CALLBACKS } from '../../callbacks/support/durability-settings.js';
import { judgeSurveys, type SurveyEvidence, type SurveyVerdict } from './survey-judge.js';

/**
 * Survey calls made by two live service instances: each with its own Stasis
 * app on one simulated switch (speed 20), its own ACD, callbacks and
 * follow-ups on one key prefix, both reaching Redis the same way (straight,
 * or through the slow proxy). 30 surveys, scheduled alternately by the two,
 * fall due at once; their BullMQ jobs go to whichever worker takes them, with
 * 2 s job locks (a Redis stall lapses them under a running dial) and 6 s dial
 * leases. Every customer answers, after 0.1 to 4.5 s, and presses 5.
 *
 * The surveys are due two hours after the handled call (the diamond tier):
 * the services run on the wall clock moved forward by two hours once the
 * surveys are scheduled, so everything else happens in real time.
 */
export const SURVEYS = { count: 30, score: 5 } as const;

/** 2 s job locks checked every second, dials leased for 6 s; one attempt after another 60 s apart. */
export const STRESS_SURVEY_CARE = {
  survey: {
    attempts: 2,
    retryDelaySec: 60,
    workers: { lockDurationMs: 2000, stalledIntervalMs: 1000, tryLeaseMs: 6000 },
  },
};

/** Generous, for saturated machines: a retry comes 60 s after a failed attempt. */
const SETTLE_MS = 150_000;
const DIAMOND_DELAY_MS = 2 * 3600_000;

export interface SurveyReport {
  verdict: SurveyVerdict;
  /** How hard the run pressed the jobs: runs of a job after its first (a lapsed lock handed it out again), and stalled-job moves. */
  jobs: { rerun: number; stalled: number };
  evidencePath: string | null;
}

/** The wall clock, moved forward on demand. */
class MovedClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  setTimeout(fn: () => void, ms: number) {
    return systemClock.setTimeout(fn, ms);
  }
  clearTimeout(handle: object): void {
    systemClock.clearTimeout(handle);
  }
  forward(ms: number): void {
    this.offset += ms;
  }
}

let runs = 0;

export async function runSurveyScenario(bench: AssignmentBench): Promise<SurveyReport> {
  const { sim } = bench;
  const run = ++runs;
  const tag = randomUUID().slice(0, 6);
  const prefix = `test:care:surveys:${tag}`;
  const startedAt = Date.now();
  const clock = new MovedClock();
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const expectations: string[] = [];
  const numbers = Array.from({ length: SURVEYS.count }, (_, i) => String(13970000000 + run * 100 + i));
  // Answers spread over 0.1–4.5 s (speed 20), so dials are in progress through a whole stall cycle of the stressed Redis.
  for (const [i, n] of numbers.entries()) sim.setAgent(n, { kind: 'answer', afterMs: 2000 + 3000 * i, keys: `W${SURVEYS.score}` });
  const care = careSectionSchema.parse(STRESS_SURVEY_CARE);

  const watch = await watchSwitch(sim.url, `survey-watch-${tag}`);
  const worlds: CallbackWorld[] = [];
  const followUps: FollowUps[] = [];
  const surveyIds: string[] = [];
  try {
    for (const side of ['a', 'b']) {
      const app = `surveys-${tag}-${side}`;
      const world = await startCallbackWorld({
        redisUrl: bench.serviceRedisUrl, prefix, simUrl: sim.url, app, clock, logger: logger.child({ instance: side }),
        // Customers ring up to 120 s (6 s here) before the attempt counts as unanswered.
        callbacks: { ...DURABILITY_CALLBACKS, outbound: { quietHours: null, ringSec: 120 } },
      });
      worlds.push(world);
      const f = new FollowUps({
        config: care, outbound: world.config.outbound, redis: world.redis, redisUrl: bench.serviceRedisUrl, keyPrefix: prefix,
        acd: world.acd, callControl: world.control, policy: world.policy, recorder: world.recorder, callbacks: world.callbacks,
        logger: logger.child({ instance: side }), clock, timeScale: 0.05,
      });
      await f.start();
      followUps.push(f);
    }
    for (const [i, number] of numbers.entries()) {
      const survey = await followUps[i % 2]!.handled({ callId: `svcall-${tag}-${i}`, queue: 'billing', agent: 'agent-1', tier: 'diamond', callerNumber: number });
      if (survey) surveyIds.push(survey.id);
      else expectations.push(`no survey scheduled for ${number}`);
    }
    clock.forward(DIAMOND_DELAY_MS + 1000);
    await Promise.all(followUps.map((f) => f.catchUp()));
    const store = new SurveyStore(bench.admin, prefix);
    // Every survey ended, and no job still running (an answered survey's figures and record are written after its state).
    const ended = async () => (await Promise.all(surveyIds.map((id) => store.get(id)))).every((s) => s !== null && s.state !== 'scheduled' && s.state !== 'dialling');
    await poll(async () => (await ended()) && (await followUps[0]!.pendingWork()) === 0, SETTLE_MS)
      .catch(() => {
        // Judged from what is stored: the report names what did not end.
      });
  } finally {
    await Promise.allSettled(followUps.map((f) => f.stop()));
    await Promise.allSettled(worlds.map((w) => w.stop()));
  }
  const store = new SurveyStore(bench.admin, prefix);
  const records = new CallRecordLog({ redis: bench.admin, keyPrefix: prefix });
  const allRecords = await records.range(startedAt - 1000);
  const requests = sim.requests().filter((r) => r.at >= startedAt);
  const evidence: SurveyEvidence[] = [];
  for (const id of surveyIds) {
    const survey = await store.get(id);
    if (!survey) {
      expectations.push(`${id}: record missing`);
      continue;
    }
    const endpoint = `PJSIP/${survey.number}@trunk`;
    const legs = requests
      .filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && r.query.endpoint === endpoint)
      .filter((r) => !r.dropped && r.executedAt !== null && r.executedAt !== undefined && (r.status === null || r.status === undefined || r.status < 400))
      .map((r) => {
        const leg = r.path.slice('/ari/channels/'.length) || r.query.channelId || '';
        return { id: leg, rungAt: r.executedAt!, answeredAt: watch.answeredAt(leg), endedAt: watch.destroyedAt(leg) };
      });
    const answersRecorded = allRecords.filter((e) => e.callId === survey.callId && e.type === 'survey-answered').length;
    evidence.push({ survey, legs, answersRecorded });
  }
  await watch.close();
  const jobs = { rerun: 0, stalled: 0 };
  for (const { survey } of evidence) {
    for (let n = 1; n <= survey.attempts; n++) {
      // BullMQ counts on the job: runs started (ats) and moves back after a lapsed lock (stc).
      const [ats, stc] = await bench.admin.hmget(`${prefix}:{bull}:surveys:survey-${survey.id}-${n}`, 'ats', 'stc');
      jobs.rerun += Math.max(0, Number(ats ?? 0) - 1);
      jobs.stalled += Number(stc ?? 0);
    }
  }
  const verdict = judgeSurveys(evidence, SURVEYS.score);
  verdict.problems.push(...expectations);
  if (surveyIds.length < SURVEYS.count) verdict.lost += SURVEYS.count - surveyIds.length;
  if (!verdict.problems.length) return { verdict, jobs, evidencePath: null };
  const ids = [...surveyIds, ...numbers];
  const mentions = (text: string) => ids.some((id) => text.includes(id));
  mkdirSync(bench.evidenceDir, { recursive: true });
  const evidencePath = join(bench.evidenceDir, `surveys-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(evidencePath, JSON.stringify({
    prefix, verdict, jobs, surveys: evidence,
    switchRequests: requests.filter((r) => mentions(JSON.stringify(r))),
    log: logLines.map((line) => JSON.parse(line) as unknown),
  }, null, 1));
  return { verdict, jobs, evidencePath };
}

async function poll(check: () => Promise<boolean>, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
