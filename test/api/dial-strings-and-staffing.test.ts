import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bearer, startApi, type ApiFixture } from './api-fixture.js';

/**
 * What a supervisor may point the switch and the queues at: an agent's dial
 * string must be one of the agents' own endpoints (never a trunk or a
 * dialplan context that leads out or back in), and a queue change must leave
 * someone able to take the queue's calls unless the supervisor insists.
 * The fixture has one agent, 1001, with billing 3 and general 2.
 */
const redisUrl = inject('redisUrl');
let api: ApiFixture;

beforeAll(async () => {
  api = await startApi({ redisUrl });
});

afterAll(async () => {
  await api?.close();
});

const HOSTILE_DIALS = ['PJSIP/00900123456@trunk', 'Local/10000@from-external', 'PJSIP/1001&PJSIP/00900123456@trunk', 'IAX2/evil/00900123456'];

describe('agent dial strings', () => {
  it.each(HOSTILE_DIALS)('adding an agent with the dial string %s is refused with 400 naming the field and the rule', async (dial) => {
    const res = await api.app.inject({
      method: 'POST', url: '/v1/agents', headers: bearer(api.keys.supervisor),
      payload: { id: '2001', name: 'Mallory', dial, skills: { billing: 3 } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'invalid-request',
      message: expect.stringMatching(/^dial: .*acd\.allowedDialStrings/),
      details: { field: 'dial', rule: 'acd.allowedDialStrings' },
    });
    expect((await api.app.inject({ url: '/v1/agents/2001', headers: bearer(api.keys.viewer) })).statusCode).toBe(404);
  });

  it.each(HOSTILE_DIALS)("changing an agent's dial string to %s is refused with 400 and leaves it as it was", async (dial) => {
    const res = await api.app.inject({
      method: 'PATCH', url: '/v1/agents/1001', headers: bearer(api.keys.supervisor), payload: { dial },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid-request', details: { field: 'dial', rule: 'acd.allowedDialStrings' } });
    expect((await api.app.inject({ url: '/v1/agents/1001', headers: bearer(api.keys.viewer) })).json()).toMatchObject({ dial: 'PJSIP/1001' });
  });

  it("an agent's own endpoint is accepted, directly or through the agents context", async () => {
    const direct = await api.app.inject({
      method: 'POST', url: '/v1/agents', headers: bearer(api.keys.supervisor),
      payload: { id: '2002', name: 'Trent', dial: 'PJSIP/2002', skills: { orders: 2 } },
    });
    expect(direct.statusCode).toBe(201);
    const viaContext = await api.app.inject({
      method: 'PATCH', url: '/v1/agents/2002', headers: bearer(api.keys.supervisor), payload: { dial: 'Local/2002@agents' },
    });
    expect(viaContext.statusCode).toBe(200);
    expect(viaContext.json()).toMatchObject({ dial: 'Local/2002@agents' });
  });

  it('an agent shows the switch its phone is on (null: the first switch)', async () => {
    const res = await api.app.inject({ url: '/v1/agents/2002', headers: bearer(api.keys.supervisor) });
    expect(res.json()).toMatchObject({ id: '2002', switch: null });
  });
});

describe('queue changes keep the queue staffed', () => {
  it('pointing a queue at a skill no agent has is refused with 409 queue-unstaffed naming the skill, and nothing changes', async () => {
    const before = (await api.app.inject({ url: '/v1/queues/billing', headers: bearer(api.keys.viewer) })).json() as { version: number };
    const res = await api.app.inject({
      method: 'PATCH', url: '/v1/queues/billing', headers: bearer(api.keys.supervisor), payload: { skill: 'fax' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'queue-unstaffed', message: expect.stringContaining('"fax"'), details: { queue: 'billing', skill: 'fax' } });
    const after = (await api.app.inject({ url: '/v1/queues/billing', headers: bearer(api.keys.viewer) })).json();
    expect(after).toMatchObject({ version: before.version, queue: { skill: 'billing' } });
  });

  it('an overflow level no agent of the overflow skill reaches is refused with 409 naming the skill and the level', async () => {
    // 1001 has billing 3: billing's overflow raised to billing agents of level 4 or more finds nobody.
    const res = await api.app.inject({
      method: 'PATCH', url: '/v1/queues/orders', headers: bearer(api.keys.supervisor), payload: { overflowSkill: 'billing', overflowMinLevel: 4 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'queue-unstaffed', message: expect.stringContaining('"billing"'), details: { queue: 'orders', skill: 'billing', minLevel: 4, field: 'overflowSkill' } });
    const raised = await api.app.inject({
      method: 'PATCH', url: '/v1/queues/billing', headers: bearer(api.keys.supervisor), payload: { overflowMinLevel: 4 },
    });
    expect(raised.statusCode).toBe(409);
    expect(raised.json()).toMatchObject({ error: 'queue-unstaffed', details: { queue: 'billing', skill: 'general', minLevel: 4, field: 'overflowMinLevel' } });
    const staffed = await api.app.inject({
      method: 'PATCH', url: '/v1/queues/orders', headers: bearer(api.keys.supervisor), payload: { overflowSkill: 'billing', overflowMinLevel: 3 },
    });
    expect(staffed.statusCode).toBe(200);
  });

  it('with force: true the change is made and audited as forced', async () => {
    const res = await api.app.inject({
      method: 'PATCH', url: '/v1/queues/broadband', headers: bearer(api.keys.supervisor), payload: { skill: 'fibre', force: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ changed: true, after: { skill: 'fibre' } });
    const audit = (await api.app.inject({ url: '/v1/audit', headers: bearer(api.keys.viewer) })).json() as { entries: { action: string; target: string; after: unknown }[] };
    expect(audit.entries.find((e) => e.action === 'queue.update.forced')).toMatchObject({
      target: 'broadband',
      after: { unstaffed: [{ skill: 'fibre' }] },
    });
  });
});
