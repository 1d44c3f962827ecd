import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { runScriptedDay, SCRIPTED_DAY_OVERRIDES } from '../support/scripted-day.js';

/**
 * The scripted day (test/support/scripted-day.ts) and the statistics the API
 * reports for it compared with figures worked out by hand (README,
 * "Statistics: definitions").
 */
let hotline: HotlineFixture;
let viewerKey: string;
let startedAt: number;
let callbackId: string;

beforeAll(async () => {
  hotline = await startHotline({ overrides: SCRIPTED_DAY_OVERRIDES });
  viewerKey = (await hotline.service.keys.create({ role: 'viewer', name: 'wall' })).key;
  ({ startedAt, callbackId } = await runScriptedDay(hotline));
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
