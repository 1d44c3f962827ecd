import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/sim/request-log.js';
import { ManualClock } from '../../src/time/clock.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { watchSwitch, type SwitchWatch } from '../acd/support/assignment-switch-watch.js';
import { campaignDials, mostAtOnce, supervisorApi, until } from './campaign-fixture.js';

/**
 * Agent-assisted campaigns through the simulated switch: each try waits in
 * the billing queue for an agent; the agent is reserved and rung first, then
 * the customer dialled and bridged to them with the campaign in the call's
 * context. One billing agent (1007, billing only) is logged in.
 */
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

/** The originates of the agents' legs for a campaign's tries, in order, with what the switch was asked. */
function agentRings(requests: readonly RecordedRequest[], campaignId: string) {
  return requests
    .filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels') && r.executedAt != null)
    .map((r) => ({ r, leg: r.path.slice('/ari/channels/'.length) || r.query.channelId || '' }))
    .filter(({ leg }) => leg.startsWith(`agent-cmp-${campaignId}-`) && !leg.includes('/'))
    .map(({ r, leg }) => ({ leg, number: leg.split('-')[3]!, attempt: Number(leg.split('-')[4]), at: r.executedAt!, request: r }));
}

/** The channels added to each bridge, by bridge. */
function bridged(requests: readonly RecordedRequest[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of requests) {
    const m = /^\/ari\/bridges\/([^/]+)\/addChannel$/.exec(r.path);
    if (r.method !== 'POST' || !m || r.status !== 204) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), ...String(r.query.channel ?? '').split(',')]);
  }
  return out;
}

describe('agent-assisted campaigns', () => {
  let h: HotlineFixture;
  let api: Awaited<ReturnType<typeof supervisorApi>>;
  let watch: SwitchWatch;
  beforeAll(async () => {
    h = await startHotline({
      overrides: {
        callbacks: { outbound: { quietHours: null, ringSec: 10 } },
        campaigns: { tickMs: 100, maxDialsPerCampaign: 3, maxDialsTotal: 3, periodDays: 0 },
        queues: { billing: { wrapUpSec: 0 } },
      },
      readyAgents: ['1007'],
    });
    api = await supervisorApi(h);
    watch = await watchSwitch(h.sim.url, 'campaign-assisted-watch');
  }, 30_000);
  afterAll(async () => {
    await watch?.close();
    await h?.stop();
  });

  const create = (numbers: string[], extra: Record<string, unknown> = {}) => api('POST', '/campaigns', {
    name: 'arrears desk', kind: 'reminder', target: { kind: 'csv', csv: `number\n${numbers.join('\n')}\n` }, schedule: { endAt: inAnHour() },
    pacing: { mode: 'assisted', skill: 'billing' }, ...extra,
  });
  const results = async (id: string) => Object.fromEntries(((await api('GET', `/campaigns/${id}/results`)).json.results as { number: string; state: string; attempts: number; detail: string | null }[]).map((r) => [r.number, r]));

  it('refuses a skill no queue serves, naming the field; shows the pacing of a campaign', async () => {
    const bad = await create(['13970000001'], { pacing: { mode: 'assisted', skill: 'astrology' } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/pacing\.skill/);
    const unknownMode = await create(['13970000001'], { pacing: { mode: 'predictive', skill: 'billing' } });
    expect(unknownMode.status).toBe(400);
    expect(JSON.stringify(unknownMode.json)).toMatch(/pacing/);
    const good = await create(['13970000001']);
    expect(good.status).toBe(201);
    expect((good.json.campaign as { pacing: unknown }).pacing).toEqual({ mode: 'assisted', skill: 'billing', queue: 'billing' });
    const plain = await create(['13970000001'], { pacing: undefined });
    expect((plain.json.campaign as { pacing: unknown }).pacing).toEqual({ mode: 'limits' });
  });

  it('with one agent of the skill: never two customers at once, the agent rung before each customer, the two bridged with the campaign in context', async () => {
    const numbers = Array.from({ length: 4 }, (_, i) => String(13971000000 + i));
    h.sim.setAgent('1007', { kind: 'answer', afterMs: 300 });
    // Each customer answers and talks a while (simulated time; the switch runs faster), then hangs up.
    for (const n of numbers) h.sim.setAgent(n, { kind: 'answer', afterMs: 500, hangupAfterMs: 4000 });
    const startedAt = Date.now();
    const created = await create(numbers, { limits: { concurrent: 3 } });
    const id = (created.json.campaign as { id: string }).id;
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', 'the campaign to end', 90_000);
    await until(() => campaignDials(h.sim.requests(), id).every((d) => watch.destroyedAt(d.leg) !== null), 'every customer leg destroyed');

    const requests = h.sim.requests().filter((r) => r.at >= startedAt);
    const customers = campaignDials(requests, id);
    const agents = agentRings(requests, id);
    expect(customers.map((c) => c.number).sort()).toEqual(numbers);
    // The campaign's own limit (3) would have allowed three at once: the one agent paced it to one.
    const legs = customers.map((d) => ({ start: d.at, end: watch.destroyedAt(d.leg)! }));
    console.log(`agent-assisted pacing: ${customers.length} customers with 1 agent, most at once ${mostAtOnce(legs)} (campaign limit 3)`);
    expect(mostAtOnce(legs)).toBe(1);
    const bridges = [...bridged(requests).values()];
    for (const customer of customers) {
      const attempt = Number(customer.leg.split('-')[3]);
      const ring = agents.find((a) => a.number === customer.number && a.attempt === attempt);
      expect(ring, `an agent rung for ${customer.number}`).toBeDefined();
      // Rung first, and answered before the customer was dialled.
      expect(ring!.at).toBeLessThan(customer.at);
      expect(watch.answeredAt(ring!.leg)).not.toBeNull();
      expect(watch.answeredAt(ring!.leg)!).toBeLessThanOrEqual(customer.at);
      const rung = ring!.request;
      expect(rung.query.endpoint ?? (rung.body as { endpoint?: string } | null)?.endpoint).toBe('Local/1007@agents');
      // The agent's desk sees the campaign and the try's place in the billing queue.
      expect(JSON.stringify(rung)).toContain(`"HOTLINE_CAMPAIGN":"${id}"`);
      expect(JSON.stringify(rung)).toContain('"HOTLINE_QUEUE":"billing"');
      // The customer was put through to that agent.
      expect(bridges.some((b) => b.includes(customer.leg) && b.includes(ring!.leg))).toBe(true);
    }
    expect((await api('GET', `/campaigns/${id}`)).json.progress).toMatchObject({ targets: 4, answered: 4, dialling: 0, pending: 0 });
    for (const n of numbers) expect((await results(id))[n]).toMatchObject({ state: 'answered', attempts: 1, detail: 'agent' });
    expect((await h.service.acd.agents.get('1007')).state).toBe('available');
  }, 120_000);

  it('a customer who does not answer frees the agent without blame and is tried again per the plan', async () => {
    const number = '13972000001';
    h.sim.setAgent('1007', { kind: 'answer', afterMs: 300 });
    h.sim.setAgent(number, { kind: 'no-answer' });
    const startedAt = Date.now();
    const created = await create([number], { limits: { attempts: 2, retryDelaySec: 10 } });
    const id = (created.json.campaign as { id: string }).id;
    await api('POST', `/campaigns/${id}/start`);
    await until(async () => (await results(id))[number]?.state === 'pending' && (await results(id))[number]?.detail === 'no-answer', 'the first try to end unanswered');
    // Not paused as an agent who declined would be: available for the next call at once.
    expect((await h.service.acd.agents.get('1007')).state).toBe('available');
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', 'the second try', 60_000);
    expect((await results(id))[number]).toMatchObject({ state: 'unreached', attempts: 2, detail: 'no-answer' });
    const requests = h.sim.requests().filter((r) => r.at >= startedAt);
    const customers = campaignDials(requests, id);
    const agents = agentRings(requests, id);
    expect(customers.map((c) => c.leg)).toEqual([`cmp-${id}-${number}-1`, `cmp-${id}-${number}-2`]);
    expect(agents.map((a) => a.attempt)).toEqual([1, 2]);
    for (const [i, c] of customers.entries()) expect(agents[i]!.at).toBeLessThan(c.at);
    expect((await h.service.acd.agents.get('1007')).state).toBe('available');
  }, 90_000);

  it('with no agent free nobody is dialled; a pause gives the waiting try back; the callbacks leave the campaign\'s place alone', async () => {
    await h.service.acd.agents.pause('1007', 'break');
    const number = '13973000001';
    h.sim.setAgent(number, { kind: 'answer', afterMs: 300, hangupAfterMs: 1000 });
    const startedAt = Date.now();
    const created = await create([number]);
    const id = (created.json.campaign as { id: string }).id;
    await api('POST', `/campaigns/${id}/start`);
    const placeId = `cmp-${id}-${number}-1`;
    await until(async () => (await h.service.acd.virtual.get(placeId))?.state === 'waiting', 'the try to wait for an agent');
    // The callback service's sweep works only its own virtual calls.
    await h.service.callbacks.sweep();
    expect((await h.service.acd.virtual.get(placeId))?.state).toBe('waiting');
    expect((await results(id))[number]).toMatchObject({ state: 'dialling', attempts: 1 });
    await new Promise((r) => setTimeout(r, 500));
    expect(campaignDials(h.sim.requests().filter((r) => r.at >= startedAt), id)).toEqual([]);

    // Paused: the place leaves the queue and the number is due again, its try given back.
    await api('POST', `/campaigns/${id}/pause`);
    await until(async () => (await h.service.acd.virtual.get(placeId)) === null, 'the place to leave the queue');
    expect((await results(id))[number]).toMatchObject({ state: 'pending', attempts: 0, detail: 'paused' });
    expect((await api('GET', `/campaigns/${id}`)).json.progress).toMatchObject({ pending: 1, dialling: 0 });

    // Resumed with the agent back: dialled once, as its first try.
    await api('POST', `/campaigns/${id}/resume`);
    await h.service.acd.agents.ready('1007');
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', 'the campaign to end', 60_000);
    expect((await results(id))[number]).toMatchObject({ state: 'answered', attempts: 1, detail: 'agent' });
    expect(campaignDials(h.sim.requests().filter((r) => r.at >= startedAt), id).map((d) => d.leg)).toEqual([placeId]);
  }, 90_000);

  it('a number put on the do-not-call list while its try waits for an agent is skipped: no agent rung, nobody dialled', async () => {
    await h.service.acd.agents.pause('1007', 'break');
    const number = '13975000001';
    h.sim.setAgent(number, { kind: 'answer', afterMs: 300, hangupAfterMs: 1000 });
    const startedAt = Date.now();
    const created = await create([number]);
    const id = (created.json.campaign as { id: string }).id;
    await api('POST', `/campaigns/${id}/start`);
    await until(async () => (await h.service.acd.virtual.get(`cmp-${id}-${number}-1`))?.state === 'waiting', 'the try to wait for an agent');
    expect((await api('POST', '/do-not-call', { numbers: [number] })).status).toBe(200);
    await h.service.acd.agents.ready('1007');
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', 'the campaign to end');
    expect((await results(id))[number]).toMatchObject({ state: 'skipped', detail: 'do-not-call' });
    const requests = h.sim.requests().filter((r) => r.at >= startedAt);
    expect(campaignDials(requests, id)).toEqual([]);
    expect(agentRings(requests, id)).toEqual([]);
    expect((await h.service.acd.agents.get('1007')).state).toBe('available');
  }, 60_000);
});

/** 20:59 in Shanghai on Monday 5 January 2026, a minute before the default quiet hours (21:00–08:00). */
const BEFORE_QUIET = Date.UTC(2026, 0, 5, 12, 59);
/** 08:00 the next morning, Shanghai time. */
const MORNING = Date.UTC(2026, 0, 6, 0, 0);

describe('an agent-assisted try waiting for an agent when quiet hours begin', () => {
  let h: HotlineFixture;
  let api: Awaited<ReturnType<typeof supervisorApi>>;
  const clock = new ManualClock(BEFORE_QUIET);
  beforeAll(async () => {
    h = await startHotline({ clock, overrides: { campaigns: { tickMs: 100 }, queues: { billing: { wrapUpSec: 0 } } } });
    api = await supervisorApi(h);
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('leaves the queue at 21:00 with its try given back, and is dialled through an agent in the morning', async () => {
    const number = '13974000001';
    h.sim.setAgent(number, { kind: 'answer', afterMs: 300, hangupAfterMs: 1000 });
    h.sim.setAgent('1007', { kind: 'answer', afterMs: 300 });
    const created = await api('POST', '/campaigns', {
      name: 'evening', kind: 'reminder', target: { kind: 'csv', csv: number }, schedule: { endAt: new Date(MORNING + 86_400_000).toISOString() },
      pacing: { mode: 'assisted', skill: 'billing' },
    });
    const id = (created.json.campaign as { id: string }).id;
    await api('POST', `/campaigns/${id}/start`);
    const placeId = `cmp-${id}-${number}-1`;
    // No billing agent logged in: the try waits in the queue.
    await until(async () => (await h.service.acd.virtual.get(placeId))?.state === 'waiting', 'the try to wait for an agent');

    await clock.advance(90_000);
    await h.service.campaigns.catchUp();
    await until(async () => (await h.service.acd.virtual.get(placeId)) === null, 'the try to leave the queue at 21:00');
    const result = async () => ((await api('GET', `/campaigns/${id}/results`)).json.results as { number: string }[]).find((r) => r.number === number);
    expect(await result()).toMatchObject({ state: 'pending', attempts: 0, detail: 'quiet-hours' });
    // An agent logging in at night is not given the campaign: nobody is dialled.
    await h.service.acd.agents.login('1007', { ready: true });
    await new Promise((r) => setTimeout(r, 800));
    expect(await h.service.acd.virtual.get(placeId)).toBeNull();
    expect(campaignDials(h.sim.requests(), id)).toEqual([]);

    await clock.advance(MORNING - clock.now());
    await h.service.campaigns.catchUp();
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', 'the morning call');
    expect(await result()).toMatchObject({ state: 'answered', attempts: 1, detail: 'agent' });
    expect(campaignDials(h.sim.requests(), id).map((d) => d.leg)).toEqual([placeId]);
    expect(agentRings(h.sim.requests(), id).map((a) => a.number)).toEqual([number]);
  }, 60_000);
});
