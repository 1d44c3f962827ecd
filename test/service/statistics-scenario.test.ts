import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * A scripted day on the billing queue through the simulated Asterisk, with
 * known outcomes, and the statistics the API reports for it compared with
 * figures worked out by hand (README, "Statistics: definitions").
 *
 * Thresholds are shortened so the scenario runs in seconds: short abandon
 * 1 s, service-level threshold 2 s for the queue and for both tiers.
 */
let hotline: HotlineFixture;
let viewerKey: string;
let startedAt: number;
let callbackId: string;

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('scenario step did not happen in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  hotline = await startHotline({
    overrides: {
      stats: { shortAbandonSec: 1 },
      queues: { billing: { serviceLevelThresholdSec: 2, wrapUpSec: 0 } },
      routing: { tiers: { standard: { serviceLevelTarget: { seconds: 2 } }, gold: { serviceLevelTarget: { seconds: 2 } } } },
    },
  });
  viewerKey = (await hotline.service.keys.create({ role: 'viewer', name: 'wall' })).key;
  hotline.sim.setAgent('1005', { kind: 'answer', afterMs: 100, hangupAfterMs: 4000 });
  startedAt = Date.now();

  // Nobody staffed: three callers give up after different waits.
  await Promise.all([
    hotline.call('10000', '13800000004', ['1'], { maxQueueWaitMs: 200 }),    // standard: short abandon (< 1 s)
    hotline.call('10000', '13800000004', ['1'], { maxQueueWaitMs: 1400 }),   // standard: abandoned within 2 s
    hotline.call('10000', '13800000002', ['1'], { maxQueueWaitMs: 3500 }),   // gold: abandoned after 2 s
  ]);
  // A standard caller asks for a callback with key 5 (1 = this number); it is then cancelled by a supervisor.
  const callback = await hotline.call('10000', '13800000004', ['1', '5', '1'], { maxQueueWaitMs: 5000 });
  if (callback.outcome.kind !== 'callback') throw new Error(`expected a callback, got ${JSON.stringify(callback.outcome)}`);
  callbackId = callback.outcome.callbackId;
  const supervisorKey = (await hotline.service.keys.create({ role: 'supervisor', name: 'sup' })).key;
  const cancelled = await request(`http://127.0.0.1:${hotline.service.port}/v1/callbacks/${callbackId}?reason=customer%20called%20back`, {
    method: 'DELETE', headers: { authorization: `Bearer ${supervisorKey}` },
  });
  if (cancelled.statusCode !== 200) throw new Error(`cancel failed: ${cancelled.statusCode} ${await cancelled.body.text()}`);
  await cancelled.body.text();
  // An agent is free: answered at once.
  await hotline.service.acd.agents.login('1005', { ready: true });
  await hotline.call('10000', '13800000002', ['1'], { maxQueueWaitMs: 5000, talkMs: 1000 });   // gold: answered within 2 s
  await hotline.idle();
  await until(async () => (await hotline.service.acd.agents.get('1005')).state === 'available');
  // The agent steps away; the next caller waits 3 s for them.
  await hotline.service.acd.agents.pause('1005', 'break');
  const late = hotline.call('10000', '13800000004', ['1'], { maxQueueWaitMs: 10_000, talkMs: 1000 });   // standard: answered after 2 s
  await until(async () => (await hotline.service.acd.waiting('billing')).length === 1);
  await new Promise((r) => setTimeout(r, 3000));
  await hotline.service.acd.agents.ready('1005');
  await late;
  await hotline.idle();
}, 60_000);
afterAll(async () => hotline?.stop());

async function get(path: string, accept = 'application/json') {
  const res = await request(`http://127.0.0.1:${hotline.service.port}${path}`, { headers: { authorization: `Bearer ${viewerKey}`, accept } });
  return { status: res.statusCode, text: await res.body.text() };
}

async function answeredWaits(): Promise<number[]> {
  return (await hotline.service.recorder.range()).filter((e) => e.type === 'answered').map((e) => (e as { waitMs: number }).waitMs);
}

describe('statistics of a scripted scenario', () => {
  it('realtime figures per queue equal the hand-computed ones', async () => {
    const { status, text } = await get('/v1/stats/realtime');
    expect(status).toBe(200);
    const billing = JSON.parse(text).queues.find((q: { id: string }) => q.id === 'billing');
    const waits = await answeredWaits();
    expect(billing.today).toMatchObject({
      offered: 5,                       // 6 entries − 1 short abandon
      shortAbandoned: 1,
      answered: 2,
      abandoned: 2,
      leftQueue: 1,                     // the caller who chose a callback
      callbacksRequested: 1,
      answeredWithinThreshold: 1,
      abandonedAfterThreshold: 1,
      serviceLevelPercent: 33.33,       // 1 ÷ (2 answered + 1 abandoned after threshold); the callback counts neither way
      abandonRatePercent: 40,           // 2 ÷ 5
      target: { percent: null, seconds: 2 },
      asaMs: Math.round((waits[0]! + waits[1]!) / 2),
    });
    expect(waits).toHaveLength(2);
    expect(billing.waiting).toBe(0);
    expect(billing.callbacks).toEqual({ pending: 0, overdue: 0 });
  });

  it('the cancelled callback is listed as closed with who cancelled it and why', async () => {
    const { status, text } = await get('/v1/callbacks?status=closed');
    expect(status).toBe(200);
    const listed = JSON.parse(text).callbacks.find((c: { id: string }) => c.id === callbackId);
    expect(listed).toMatchObject({ state: 'cancelled', closedBy: 'sup', closeReason: 'customer called back', number: '138****0004', queue: 'billing', tier: 'standard' });
  });

  it('realtime figures per tier equal the hand-computed ones', async () => {
    const tiers = JSON.parse((await get('/v1/stats/realtime')).text).tiers as { id: string; today: Record<string, unknown> }[];
    const byId = Object.fromEntries(tiers.map((t) => [t.id, t.today]));
    // standard: short abandon, abandoned within 2 s (neither for nor against), answered after 2 s.
    // standard also: the callback (left the queue).
    expect(byId.standard).toMatchObject({ offered: 3, shortAbandoned: 1, answered: 1, abandoned: 1, leftQueue: 1, callbacksRequested: 1, answeredWithinThreshold: 0, abandonedAfterThreshold: 0, serviceLevelPercent: 0, abandonRatePercent: 33.33, target: { percent: 80, seconds: 2 } });
    // gold: abandoned after 2 s, answered within 2 s.
    expect(byId.gold).toMatchObject({ offered: 2, shortAbandoned: 0, answered: 1, abandoned: 1, answeredWithinThreshold: 1, abandonedAfterThreshold: 1, serviceLevelPercent: 50, abandonRatePercent: 50, target: { percent: 90, seconds: 2 } });
  });

  it('15-minute intervals add up to the same figures, in JSON and CSV', async () => {
    const from = new Date(Math.floor(startedAt / 900_000) * 900_000).toISOString();
    const to = new Date(Math.ceil((Date.now() + 1) / 900_000) * 900_000).toISOString();
    const json = JSON.parse((await get(`/v1/stats/intervals?from=${from}&to=${to}&queue=billing`)).text);
    const sum = (field: string) => json.buckets.reduce((n: number, b: { queues: Record<string, Record<string, number>> }) => n + (b.queues.billing?.[field] ?? 0), 0);
    expect({ offered: sum('offered'), answered: sum('answered'), abandoned: sum('abandoned'), shortAbandoned: sum('shortAbandoned') })
      .toEqual({ offered: 5, answered: 2, abandoned: 2, shortAbandoned: 1 });
    const csv = await get(`/v1/stats/intervals?from=${from}&to=${to}&queue=billing&format=csv`);
    expect(csv.status).toBe(200);
    const [header, ...rows] = csv.text.trim().split('\n');
    const offeredAt = header!.split(',').indexOf('offered');
    expect(offeredAt).toBeGreaterThanOrEqual(0);
    expect(rows.reduce((n, row) => n + Number(row.split(',')[offeredAt] || 0), 0)).toBe(5);
  });
});
