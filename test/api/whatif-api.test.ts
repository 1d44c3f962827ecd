import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callEvents, type RecordedCall } from '../whatif/whatif-support.js';
import { bearer, startApi, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;

/** Billing and general callers over the last hour: most answered, some gave up. */
async function recordLastHour(): Promise<void> {
  const now = Date.now();
  const calls: RecordedCall[] = Array.from({ length: 40 }, (_, i) => ({
    id: `wi-${i}`,
    at: now - 3_500_000 + i * 80_000,
    tier: (['diamond', 'gold', 'silver', 'standard'] as const)[i % 4]!,
    queue: i % 5 === 0 ? 'general' : 'billing',
    outcome: i % 7 === 3 ? 'abandoned' : 'answered',
    waitMs: 5_000 + (i % 6) * 9_000,
    talkMs: 90_000 + (i % 3) * 30_000,
  }));
  for (const event of calls.flatMap(callEvents).sort((a, b) => a.at - b.at)) {
    const { callId, at, id: _id, ...rest } = event;
    await api.recorder.append(callId, rest as Parameters<typeof api.recorder.append>[1], at);
  }
}

async function finished(id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const res = await api.app.inject({ url: `/v1/whatif/${id}`, headers: bearer(api.keys.supervisor) });
    expect(res.statusCode).toBe(200);
    const view = res.json();
    if (view.state === 'done' || view.state === 'failed') return view;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  api = await startApi({ redisUrl: inject('redisUrl') });
  await recordLastHour();
});

afterAll(async () => {
  await api?.close();
});

const CHANGE = {
  source: { kind: 'replay', lastMinutes: 60 },
  staffing: { kind: 'listed', agents: [{ id: '1001', skills: { billing: 3, general: 2 } }, { id: '1002', skills: { general: 4, billing: 2 } }] },
  changes: [
    { kind: 'tier', id: 'diamond', patch: { queuePriority: 200 } },
    { kind: 'add-agents', count: 2, skills: { billing: 4 } },
  ],
};

describe('POST /v1/whatif and GET /v1/whatif/:id', () => {
  it('answers "diamond priority 200 and two more billing agents" with the table, as JSON and CSV, and audits the run', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/whatif', headers: bearer(api.keys.supervisor), payload: CHANGE });
    expect(res.statusCode).toBe(202);
    const { id, state, url } = res.json();
    expect(state).toBe('queued');
    expect(url).toBe(`/v1/whatif/${id}`);

    const view = await finished(id) as { state: string; progressPercent: number; requestedBy: string; result: { calls: number; agents: unknown; comparison: { total: { tiers: Record<string, { baseline: { offered: number }; change: { offered: number } }>; queues: Record<string, unknown> } } } };
    expect(view.state).toBe('done');
    expect(view.progressPercent).toBe(100);
    expect(view.requestedBy).toBe('sam');
    expect(view.result.calls).toBe(40);
    expect(view.result.agents).toEqual({ baseline: 2, change: 4 });
    const { tiers, queues } = view.result.comparison.total;
    expect(Object.keys(tiers)).toEqual(['diamond', 'gold', 'silver', 'standard']);
    expect(queues).toHaveProperty('billing');
    expect(tiers.diamond!.baseline.offered).toBe(tiers.diamond!.change.offered);

    const csv = await api.app.inject({ url: `/v1/whatif/${id}?format=csv`, headers: bearer(api.keys.supervisor) });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toMatch(/^period,start,end,group,id,baseline_offered,change_offered,diff_offered/);
    expect(lines.some((l) => /^total,.*,tier,diamond,/.test(l))).toBe(true);
    const byAccept = await api.app.inject({ url: `/v1/whatif/${id}`, headers: { ...bearer(api.keys.supervisor), accept: 'text/csv' } });
    expect(byAccept.body).toBe(csv.body);

    const entries = await api.audit.list(20);
    expect(entries.find((e) => e.action === 'whatif.run' && e.target === id)).toMatchObject({
      actor: { name: 'sam', role: 'supervisor' },
      after: { source: 'replay', staffing: 'listed', changes: CHANGE.changes.map((c) => expect.objectContaining(c)) },
    });
  }, 60_000);

  it('refuses what a run would trip on with a 400 naming the field, before queueing anything', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...CHANGE, changes: [{ kind: 'tier', id: 'standard', patch: { queuePriority: 500 } }] }, /^changes\.0: /],
      [{ ...CHANGE, changes: [{ kind: 'queue', id: 'billing', patch: { ringTimeoutSec: 1 } }] }, /changes\.0/],
      [{ ...CHANGE, changes: [{ kind: 'remove-agent', id: 'nobody' }] }, /changes\.0\.id: no agent nobody/],
      [{ ...CHANGE, staffing: { kind: 'current' } }, /^staffing: nobody is logged in/],
      [{ ...CHANGE, source: { kind: 'replay' } }, /source\.lastMinutes: give lastMinutes, or from and to/],
      [{ ...CHANGE, source: { kind: 'forecast', start: '2026-01-05T09:00:00Z', arrivals: [{ need: 'astrology', tier: 'gold', perQuarterHour: [3] }], handleTime: { meanSec: 100 } } }, /source\.arrivals\.0\.need: no queue astrology/],
    ];
    for (const [payload, message] of cases) {
      const res = await api.app.inject({ method: 'POST', url: '/v1/whatif', headers: bearer(api.keys.supervisor), payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message).toMatch(message);
    }
  });

  it('runs several requests one at a time, and answers other requests while one runs', async () => {
    // A forecast hour of 400 calls: long enough to be seen running.
    const busy = {
      source: {
        kind: 'forecast', start: '2026-01-05T09:00:00Z',
        arrivals: [{ need: 'billing', tier: 'standard', perQuarterHour: [100, 100, 100, 100] }],
        handleTime: { meanSec: 120 }, patience: { meanSec: 120 },
      },
      staffing: { kind: 'listed', agents: Array.from({ length: 15 }, (_, i) => ({ id: `q${i}`, skills: { billing: 3 } })) },
    };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api.app.inject({ method: 'POST', url: '/v1/whatif', headers: bearer(api.keys.supervisor), payload: { ...busy, seed: i + 1 } });
      expect(res.statusCode).toBe(202);
      ids.push(res.json().id);
    }
    const third = (await api.app.inject({ url: `/v1/whatif/${ids[2]}`, headers: bearer(api.keys.supervisor) })).json();
    expect(third.state).toBe('queued');
    expect(third.ahead).toBeGreaterThanOrEqual(1);
    const early = await api.app.inject({ url: `/v1/whatif/${ids[2]}?format=csv`, headers: bearer(api.keys.supervisor) });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toBe('whatif-not-done');

    let sawRunning = false;
    let answeredWhileRunning = false;
    for (;;) {
      const states = await Promise.all(ids.map(async (id) => (await api.app.inject({ url: `/v1/whatif/${id}`, headers: bearer(api.keys.supervisor) })).json().state as string));
      expect(states.filter((s) => s === 'running').length).toBeLessThanOrEqual(1);
      if (states.includes('running')) {
        sawRunning = true;
        const running = ids[states.indexOf('running')]!;
        const other = await api.app.inject({ url: '/v1/queues', headers: bearer(api.keys.viewer) });
        expect(other.statusCode).toBe(200);
        const after = (await api.app.inject({ url: `/v1/whatif/${running}`, headers: bearer(api.keys.supervisor) })).json();
        if (after.state === 'running') answeredWhileRunning = true;
      }
      if (states.every((s) => s === 'done')) break;
      expect(states).not.toContain('failed');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(sawRunning).toBe(true);
    expect(answeredWhileRunning).toBe(true);
  }, 120_000);

  it('takes the agents logged in now as the baseline staffing when none is listed', async () => {
    await api.acd.acd.agents.login('1001');
    try {
      const res = await api.app.inject({ method: 'POST', url: '/v1/whatif', headers: bearer(api.keys.supervisor), payload: { ...CHANGE, staffing: { kind: 'current' } } });
      expect(res.statusCode).toBe(202);
      const view = await finished(res.json().id) as { state: string; result: { agents: unknown } };
      expect(view.state).toBe('done');
      expect(view.result.agents).toEqual({ baseline: 1, change: 3 });
    } finally {
      await api.acd.acd.agents.logout('1001');
    }
  }, 60_000);

  it('says a run it does not know is not found, and keeps the runs to supervisors', async () => {
    const missing = await api.app.inject({ url: '/v1/whatif/no-such-run', headers: bearer(api.keys.supervisor) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe('no-such-whatif');
    const viewer = await api.app.inject({ method: 'POST', url: '/v1/whatif', headers: bearer(api.keys.viewer), payload: CHANGE });
    expect(viewer.statusCode).toBe(403);
  });
});
