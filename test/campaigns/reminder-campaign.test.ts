import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sayAmount } from '../../src/prompts/say-amount.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { addCustomers, campaignDials, supervisorApi, until } from './campaign-fixture.js';

/**
 * A payment-reminder campaign through the simulated switch: the customers in
 * arrears found by a query over the customer data, each dialled once, the
 * amount said with the amount speech, 9 honoured (the do-not-call list, and a
 * second campaign skipping the number), 0 honoured (an agent of the billing
 * team answers, the campaign in the call's context).
 */
const ARREARS = ['13800000005', '13800000031', '13800000032', '13800000033', '13800000034'];

describe('a payment reminder campaign over the customers in arrears', () => {
  let h: HotlineFixture;
  let api: Awaited<ReturnType<typeof supervisorApi>>;
  beforeAll(async () => {
    h = await startHotline({
      overrides: { callbacks: { outbound: { quietHours: null } }, campaigns: { tickMs: 100 } },
      readyAgents: ['1005'],
    });
    await addCustomers(h, [
      { phone: '13800000031', balance: -88.8 },
      { phone: '13800000032', balance: -120 },
      { phone: '13800000033', balance: -5.05 },
      { phone: '13800000034', balance: -42 },
      { phone: '13800000035', balance: 0 },
      { phone: '13800000036', balance: 12 },
    ]);
    api = await supervisorApi(h);
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('dials exactly them, once each; 9 puts the number on the do-not-call list, 0 reaches an agent with the campaign in the context', async () => {
    const { sim } = h;
    // The customer of the sample in arrears stops these calls; one asks for an agent; one hears the amount again and how to pay; one never answers; one just listens.
    sim.setAgent('13800000005', { kind: 'answer', afterMs: 500, keys: 'W9' });
    sim.setAgent('13800000031', { kind: 'answer', afterMs: 500, keys: 'W12' });
    sim.setAgent('13800000032', { kind: 'answer', afterMs: 500, keys: 'W0', hangupAfterMs: 120_000 });
    sim.setAgent('13800000033', { kind: 'no-answer' });
    sim.setAgent('13800000034', { kind: 'answer', afterMs: 500 });
    const startedAt = Date.now();

    const created = await api('POST', '/campaigns', {
      name: 'December arrears', kind: 'reminder', target: { kind: 'query', balanceBelow: 0 },
      schedule: { endAt: new Date(Date.now() + 3600_000).toISOString() }, limits: { attempts: 1 },
    });
    expect(created.status).toBe(201);
    const campaign = created.json.campaign as { id: string; progress: { targets: number }; status: string };
    expect(campaign).toMatchObject({ status: 'draft', progress: { targets: ARREARS.length } });
    // A second reminder, created now, due to run once the first is done.
    const second = await api('POST', '/campaigns', {
      name: 'December arrears, again', kind: 'reminder', target: { kind: 'query', balanceBelow: 0 },
      schedule: { endAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    const secondId = (second.json.campaign as { id: string }).id;

    // The queued call's context, read while the customer waits for (or talks to) the agent.
    let contextSeen = '';
    const watching = (async () => {
      const deadline = Date.now() + 30_000;
      while (!contextSeen && Date.now() < deadline) {
        for (const k of await h.redis.keys(`${h.prefix}:{acd}:call:*`)) {
          const ctx = await h.redis.hget(k, 'ctx');
          if (ctx?.includes('"campaign"')) contextSeen = ctx;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    expect((await api('POST', `/campaigns/${campaign.id}/start`)).status).toBe(200);
    await watching;
    await until(async () => (await api('GET', `/campaigns/${campaign.id}`)).json.status === 'done', 'the campaign to end', 60_000);
    const done = await api('GET', `/campaigns/${campaign.id}`);
    expect(done.json.progress).toMatchObject({
      targets: 5, pending: 0, dialling: 0, answered: 4, listened: 4, unreached: 1, failed: 0, skipped: 0,
      pressed: { 0: 1, 1: 1, 2: 1, 9: 1 },
    });

    const dials = campaignDials(sim.requests().filter((r) => r.at >= startedAt), campaign.id);
    expect(dials.map((d) => d.number).sort()).toEqual([...ARREARS].sort());

    // The amount due, said with the amount speech: 欠费一百二十元 → 一百二十元 for 120.
    const played = (leg: string) => sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith(`/ari/channels/${leg}/play`)).map((r) => String(r.query.media)).join(',');
    const leg = (number: string) => dials.find((d) => d.number === number)!.leg;
    expect(played(leg('13800000031'))).toContain('campaign/reminder-amount');
    const amount = ['campaign/reminder-amount', ...sayAmount(88.8, 'zh').ids].map((id) => `sound:hotline/${id}`).join(',');
    expect(played(leg('13800000031'))).toContain(`${amount},${amount},sound:hotline/campaign/how-to-pay`);
    expect(played(leg('13800000031'))).toContain('campaign/how-to-pay');
    expect(played(leg('13800000005'))).toContain('campaign/opted-out');

    const results = await api('GET', `/campaigns/${campaign.id}/results?format=csv`);
    expect(results.status).toBe(200);
    const rows = Object.fromEntries(results.text.trim().split('\n').slice(1).map((l) => [l.split(',')[0], l.split(',')]));
    expect(rows['13800000005']).toEqual(['13800000005', 'answered', '1', 'opt-out', '9', 'yes', expect.any(String)]);
    expect(rows['13800000032']!.slice(1, 5)).toEqual(['answered', '1', 'agent', '0']);
    expect(rows['13800000031']!.slice(1, 5)).toEqual(['answered', '1', 'listened', '12']);
    expect(rows['13800000033']!.slice(1, 4)).toEqual(['unreached', '1', 'no-answer']);

    // 9: on the do-not-call list, from this campaign.
    const dnc = await api('GET', '/do-not-call');
    expect(dnc.json.entries).toEqual([{ number: '13800000005', addedAt: expect.any(String), source: `campaign:${campaign.id}` }]);

    // 0: the billing agent was rung with the campaign named on the call, and the call's stored context names it.
    expect(contextSeen).toContain(`"campaign":{"id":"${campaign.id}","name":"December arrears","kind":"reminder"}`);
    // Before the agent, the customer is told the conversation may be recorded, as a caller of 10000 is.
    expect(played(leg('13800000032'))).toContain('sound:hotline/common/may-be-recorded');
    await until(() => sim.requests().some((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && JSON.stringify(r).includes('1005') && JSON.stringify(r).includes(`"HOTLINE_CAMPAIGN":"${campaign.id}"`)), 'the agent rung for the campaign call');

    // The second campaign: the number that pressed 9 is skipped at its dial; the others were called in the period.
    const beforeSecond = Date.now();
    expect((await api('POST', `/campaigns/${secondId}/start`)).status).toBe(200);
    await until(async () => (await api('GET', `/campaigns/${secondId}`)).json.status === 'done', 'the second campaign to end');
    const secondResults = await api('GET', `/campaigns/${secondId}/results`);
    const byNumber = Object.fromEntries((secondResults.json.results as { number: string; state: string; detail: string }[]).map((r) => [r.number, r]));
    expect(byNumber['13800000005']).toMatchObject({ state: 'skipped', detail: 'do-not-call' });
    for (const n of ARREARS.slice(1)) expect(byNumber[n]).toMatchObject({ state: 'skipped', detail: 'called-recently' });
    expect(campaignDials(sim.requests().filter((r) => r.at >= beforeSecond), secondId)).toEqual([]);

    // A third one, created now: the number is refused at creation, reported as on the do-not-call list.
    const third = await api('POST', '/campaigns', {
      name: 'third', kind: 'reminder', target: { kind: 'query', balanceBelow: 0 }, schedule: { endAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(third.json.rejected).toEqual([{ line: 0, number: '13800000005', reason: 'do-not-call' }]);
  }, 90_000);
});
