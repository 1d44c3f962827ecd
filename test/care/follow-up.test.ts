import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { pino } from 'pino';
import type { AcdEvent } from '../../src/acd/acd-event.js';
import { ManualClock } from '../../src/time/clock.js';
import { careSectionSchema } from '../../src/care/care-config.js';
import { FollowUps, SURVEY_COMMENT_REASON } from '../../src/care/follow-ups.js';
import type { Need, TierId } from '../../src/routing/types.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { until } from '../acd/support/acd-fixture.js';
import { AriHarness } from '../support/ari-harness.js';
import { startCallbackWorld, type CallbackWorld } from '../callbacks/support/callback-world.js';
import { contextOf, routeFor, sessionOf } from '../callbacks/support/sessions.js';

/**
 * The satisfaction follow-up after a handled call, in virtual time from
 * Monday 2026-01-05 10:00 in Shanghai: real calls through the simulated
 * Asterisk (caller, agent, then the survey call to the caller's number, whose
 * phone presses the keys), the ACD and BullMQ on a ManualClock.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const sh = (day: number, hour: number, minute = 0) => Date.UTC(2026, 0, day, hour - 8, minute);
const redisUrl = inject('redisUrl');
const app = `fu-${randomUUID().slice(0, 6)}`;
const clock = new ManualClock(sh(5, 10));
let sim: SimulatedAsterisk;
let harness: AriHarness;
let world: CallbackWorld;
let followUps: FollowUps;
let nextAgent = 7800;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: app });
  harness = await AriHarness.start({ url: sim.url });
  const prefix = `test:care:fu:${randomUUID().slice(0, 8)}`;
  world = await startCallbackWorld({ redisUrl, prefix, simUrl: sim.url, app, clock });
  followUps = new FollowUps({
    config: careSectionSchema.parse({}),
    outbound: world.config.outbound,
    redis: world.redis,
    redisUrl,
    keyPrefix: prefix,
    acd: world.acd,
    callControl: world.control,
    policy: world.policy,
    recorder: world.recorder,
    callbacks: world.callbacks,
    logger: pino({ level: 'silent' }),
    clock,
    timeScale: 0.05,
  });
  await followUps.start();
});

afterAll(async () => {
  await followUps?.stop();
  await harness?.stop();
  await world?.stop();
  await sim?.close();
});

async function advance(ms: number): Promise<void> {
  await clock.advance(ms);
  await followUps.catchUp();
  await world.callbacks.catchUp();
  await until(async () => (await followUps.pendingWork()) + (await world.callbacks.pendingWork()) === 0, 'jobs done');
}

async function advanceTo(at: number): Promise<void> {
  await advance(at - clock.now());
}

/**
 * A call from `from` answered by a new agent and hung up by the caller; its
 * follow-up is scheduled (or found not due) when this resolves.
 */
async function handledCall(from: string, tier: TierId, need: Need = 'billing'): Promise<{ callId: string; agent: string }> {
  const agent = String(nextAgent++);
  sim.setAgent(agent, { kind: 'answer', afterMs: 200 });
  await world.acd.agents.add({ id: agent, name: `Agent ${agent}`, dial: `PJSIP/${agent}`, skills: { [need]: 5 } });
  await world.acd.agents.login(agent);
  const before = world.incoming.length;
  const leg = await harness.call('10000', { from });
  const call = await until(() => world.incoming.slice(before).find((c) => c.callerNumber === from), 'the call in the service');
  await leg.waitForService();
  const session = sessionOf(call, tier, clock.now());
  const ended = new Promise<void>((resolve) => {
    const off = world.acd.onEvent((e: AcdEvent) => {
      if (e.type === 'ended' && e.callId === call.id) {
        off();
        resolve();
      }
    });
  });
  const queued = await world.acd.enqueue(call, routeFor(world.policy, need, tier), contextOf(session));
  if (queued.kind !== 'queued') throw new Error('queue full');
  expect(await queued.settled).toMatchObject({ kind: 'answered', agent });
  await leg.hangup();
  await ended;
  await followUps.scheduled();
  await world.acd.agents.logout(agent);
  return { callId: call.id, agent };
}

function surveyDials(number: string): number {
  return sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && r.query.endpoint === `PJSIP/${number}@trunk`).length;
}

describe('the follow-up survey', () => {
  it('higher tiers sooner: diamond 2 h, gold 24 h after the call; answers are kept and summed per tier, queue and agent', async () => {
    sim.setAgent('13800000001', { kind: 'answer', afterMs: 300, keys: 'W5' });
    sim.setAgent('13800000002', { kind: 'answer', afterMs: 300, keys: 'W4' });
    sim.setAgent('13800000012', { kind: 'answer', afterMs: 300, keys: 'W3' });
    const diamond = await handledCall('13800000001', 'diamond', 'senior');
    const gold = await handledCall('13800000002', 'gold');
    const gold2 = await handledCall('13800000012', 'gold');
    const start = clock.now();
    expect(await followUps.get(`sv-${diamond.callId}`)).toMatchObject({ state: 'scheduled', dueAt: start + 2 * HOUR, tier: 'diamond', agent: diamond.agent });
    expect((await followUps.get(`sv-${gold.callId}`))?.dueAt).toBe(start + DAY);

    await advance(2 * HOUR - 1000);
    expect(surveyDials('13800000001')).toBe(0);
    await advance(1000);
    expect(await followUps.get(`sv-${diamond.callId}`)).toMatchObject({ state: 'answered', score: 5, comment: false, attempts: 1 });
    expect(surveyDials('13800000002')).toBe(0);

    await advanceTo(start + DAY);
    expect(await followUps.get(`sv-${gold.callId}`)).toMatchObject({ state: 'answered', score: 4 });
    expect(await followUps.get(`sv-${gold2.callId}`)).toMatchObject({ state: 'answered', score: 3 });
    expect(surveyDials('13800000002')).toBe(1);

    const figures = await followUps.results.aggregate('2026-01-05', '2026-01-06');
    expect(figures.tiers).toEqual({ diamond: { responses: 1, averageScore: 5, comments: 0 }, gold: { responses: 2, averageScore: 3.5, comments: 0 } });
    expect(figures.queues).toEqual({ senior: { responses: 1, averageScore: 5, comments: 0 }, billing: { responses: 2, averageScore: 3.5, comments: 0 } });
    expect(figures.agents[gold.agent]).toEqual({ responses: 1, averageScore: 4, comments: 0 });
    expect(figures.agents[diamond.agent]).toEqual({ responses: 1, averageScore: 5, comments: 0 });
    // "Today" (Tuesday) has the two gold answers; Monday had the diamond one.
    expect(await followUps.results.today(clock.now())).toEqual({ tiers: { gold: { responses: 2, averageScore: 3.5 } }, queues: { billing: { responses: 2, averageScore: 3.5 } } });
    const events = await world.recorder.forCall(gold.callId);
    expect(events.find((e) => e.type === 'survey-answered')).toMatchObject({ score: 4, tier: 'gold', queue: 'billing', agent: gold.agent, comment: false });
  });

  it('a customer is not surveyed twice in 30 days', async () => {
    sim.setAgent('13800000003', { kind: 'answer', afterMs: 300, keys: 'W2' });
    const first = await handledCall('13800000003', 'silver');
    const firstDue = (await followUps.get(`sv-${first.callId}`))!.dueAt;
    expect(firstDue).toBe(clock.now() + 48 * HOUR);
    await advance(48 * HOUR);
    expect(await followUps.get(`sv-${first.callId}`)).toMatchObject({ state: 'answered', score: 2 });

    const again = await handledCall('13800000003', 'silver');
    expect(await followUps.get(`sv-${again.callId}`)).toBeNull();
    await advance(48 * HOUR);
    expect(surveyDials('13800000003')).toBe(1);

    // The period runs 30 days from when the first survey was due.
    await advanceTo(firstDue + 30 * DAY - MIN);
    const late = await handledCall('13800000003', 'silver');
    expect(await followUps.get(`sv-${late.callId}`)).toBeNull();
    await advance(MIN);
    const after = await handledCall('13800000003', 'silver');
    expect(await followUps.get(`sv-${after.callId}`)).toMatchObject({ state: 'scheduled' });
  });

  it('standard callers get no follow-up; withheld numbers none either', async () => {
    const standard = await handledCall('13800000004', 'standard');
    expect(await followUps.get(`sv-${standard.callId}`)).toBeNull();
    expect(await followUps.handled({ callId: 'withheld-1', queue: 'billing', agent: '1001', tier: 'gold', callerNumber: '' })).toBeNull();
  });

  it('pressing 0 leaves a comment: a callback in the general queue with reason "survey comment"', async () => {
    sim.setAgent('13800000022', { kind: 'answer', afterMs: 300, keys: 'W0' });
    const gold = await handledCall('13800000022', 'gold');
    await advance(DAY);
    const survey = await followUps.get(`sv-${gold.callId}`);
    expect(survey).toMatchObject({ state: 'answered', score: null, comment: true });
    const cb = await world.callbacks.get(survey!.callbackId!);
    expect(cb).toMatchObject({ queue: 'general', reason: SURVEY_COMMENT_REASON, number: '13800000022', tier: 'gold', callId: gold.callId });
    expect((await followUps.results.aggregate('2026-01-01', '2026-03-31')).tiers.gold?.comments).toBe(1);
    const heard = sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith(`/ari/channels/${survey!.id}-d1/play`)).map((r) => String(r.query.media));
    expect(heard.join(',')).toContain('survey/comment');
    expect(heard.join(',')).toContain('survey/thanks');
  });

  it('is not made in quiet hours: a survey due at night is made at 08:00', async () => {
    sim.setAgent('13800000006', { kind: 'answer', afterMs: 300, keys: 'W1' });
    // Sunday 8 February, 20:30: a diamond follow-up would be due at 22:30.
    await advanceTo(sh(39, 20, 30));
    const diamond = await handledCall('13800000006', 'diamond', 'senior');
    const survey = await followUps.get(`sv-${diamond.callId}`);
    expect(survey!.dueAt).toBe(sh(40, 8));
    await advanceTo(sh(40, 7, 59));
    expect(surveyDials('13800000006')).toBe(0);
    await advanceTo(sh(40, 8));
    expect(await followUps.get(survey!.id)).toMatchObject({ state: 'answered', score: 1 });
    expect(surveyDials('13800000006')).toBe(1);
  });
});
