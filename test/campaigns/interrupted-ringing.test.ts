import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignLeg } from '../../src/campaigns/campaign-dialer.js';
import { CampaignStore } from '../../src/campaigns/campaign-store.js';
import { customerDialString } from '../../src/outbound/dial-template.js';
import { OUTBOUND_LEG_ARGS } from '../../src/outbound/outbound-legs.js';
import { ManualClock } from '../../src/time/clock.js';
import { watchSwitch } from '../acd/support/assignment-switch-watch.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { campaignDials, supervisorApi, until } from './campaign-fixture.js';

/** 10:00 in Shanghai on Tuesday 6 January 2026: outside the default quiet hours. */
const MORNING = Date.UTC(2026, 0, 6, 2, 0);
const RETRY_DELAY_SEC = 600;
/** The Stasis app of the run that died: its WebSocket closed, its channels still on the switch. */
const DEAD_APP = 'cmp-dead-run';

/**
 * A try whose run died after it dialled the customer: the run taking it over
 * finds the try claimed and does not dial it again itself. The customer's leg
 * still ringing on the switch (never answered) proves the customer heard
 * nothing: the leg is hung up and the try ends as a no-answer, so the retry
 * plan applies. A leg up at the takeover keeps the try's end: answered
 * ("interrupted"), never dialled again.
 */
describe('a campaign try interrupted while its leg is on the switch', () => {
  let h: HotlineFixture;
  let api: Awaited<ReturnType<typeof supervisorApi>>;
  let store: CampaignStore;
  const clock = new ManualClock(MORNING);
  beforeAll(async () => {
    h = await startHotline({ clock, overrides: { campaigns: { tickMs: 100 } } });
    api = await supervisorApi(h);
    store = new CampaignStore(h.redis, h.prefix);
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
  });

  const results = async (id: string) => Object.fromEntries(((await api('GET', `/campaigns/${id}/results`)).json.results as { number: string; state: string; attempts: number }[]).map((r) => [r.number, r]));
  const campaignOf = async (id: string) => (await api('GET', `/campaigns/${id}`)).json as { status: string; progress: Record<string, number> };
  const moveTo = async (at: number) => {
    await clock.advance(at - clock.now());
    await h.service.campaigns.catchUp();
  };
  const legOnSwitch = (leg: string) => h.sim.channels().find((c) => c.id === leg) ?? null;

  /** A campaign of one number, two tries each, created (not yet started). */
  async function createCampaign(number: string): Promise<string> {
    const created = await api('POST', '/campaigns', {
      name: `interrupted ${number}`, kind: 'notice', target: { kind: 'csv', csv: number },
      schedule: { endAt: new Date(MORNING + 86_400_000).toISOString() }, limits: { attempts: 2, retryDelaySec: RETRY_DELAY_SEC },
    });
    expect(created.status).toBe(201);
    return (created.json.campaign as { id: string }).id;
  }

  /**
   * What a run dying right after its dial leaves: the try's claim in Redis and
   * the customer's leg (the try's own id) originated into that run's app.
   */
  async function dialledByADeadRun(id: string, number: string): Promise<string> {
    const leg = campaignLeg({ campaignId: id, number, attempt: 1 });
    await h.redis.set(store.key('claim', id, number, '1'), '1', 'EX', 3600);
    const query = new URLSearchParams({
      endpoint: customerDialString(h.config.callbacks.outbound.dialTemplate, number), app: DEAD_APP,
      appArgs: [OUTBOUND_LEG_ARGS.campaign, id].join(','), timeout: '3600',
    });
    const res = await fetch(`${h.sim.url}/ari/channels/${leg}?${query}`, {
      method: 'POST', headers: { authorization: `Basic ${Buffer.from('ivr:ivr').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    return leg;
  }

  it('a leg still ringing is hung up and the try ends as a no-answer: due again after the delay and dialled again, counted once', async () => {
    const number = '13980000101';
    h.sim.setAgent(number, { kind: 'no-answer' });
    const id = await createCampaign(number);
    const deadLeg = await dialledByADeadRun(id, number);
    await until(() => legOnSwitch(deadLeg) !== null, 'the dead run\'s leg to ring');
    expect(legOnSwitch(deadLeg)!.state).not.toBe('Up');

    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    await until(async () => (await results(id))[number]?.attempts === 1 && (await campaignOf(id)).progress.dialling === 0, 'the taken-over try to end');
    expect(await results(id)).toMatchObject({ [number]: { state: 'pending', attempts: 1, detail: 'no-answer' } });
    expect((await campaignOf(id)).progress).toMatchObject({ pending: 1, dialling: 0, failed: 0, answered: 0 });
    // The customer is no longer rung by a run nobody listens to, and nothing was dialled by the run taking over.
    await until(() => legOnSwitch(deadLeg) === null, 'the dead run\'s leg to be hung up');
    expect(campaignDials(h.sim.requests(), id).map((d) => d.leg)).toEqual([deadLeg]);

    // Not before the retry delay.
    await moveTo(MORNING + (RETRY_DELAY_SEC - 1) * 1000);
    await new Promise((r) => setTimeout(r, 500));
    expect(campaignDials(h.sim.requests(), id)).toHaveLength(1);
    await moveTo(MORNING + (RETRY_DELAY_SEC + 60) * 1000);
    await until(async () => (await campaignOf(id)).status === 'done', 'the retry to end');
    // The second try: its own leg, rung out unanswered, the last of the plan's two.
    expect(campaignDials(h.sim.requests(), id).map((d) => d.leg)).toEqual([deadLeg, campaignLeg({ campaignId: id, number, attempt: 2 })]);
    expect(await results(id)).toMatchObject({ [number]: { state: 'unreached', attempts: 2, detail: 'no-answer' } });
    expect((await campaignOf(id)).progress).toMatchObject({ unreached: 1, pending: 0, failed: 0, answered: 0 });
  }, 60_000);

  it('a leg answered before the takeover keeps the try answered ("interrupted"), hung up and never dialled again', async () => {
    const number = '13980000102';
    h.sim.setAgent(number, { kind: 'answer', afterMs: 200 });
    const id = await createCampaign(number);
    // The dead run's app was there when the customer answered; its WebSocket is gone by the takeover.
    const deadRun = await watchSwitch(h.sim.url, DEAD_APP);
    const deadLeg = await dialledByADeadRun(id, number);
    await until(() => legOnSwitch(deadLeg)?.state === 'Up', 'the customer to answer the dead run\'s leg');
    // The dead run noted the answer before it died, as a run does before its message.
    await store.markAnswered({ campaignId: id, number, attempt: 1 });
    await deadRun.close();

    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    await until(async () => (await campaignOf(id)).status === 'done', 'the taken-over try to end');
    expect(await results(id)).toMatchObject({ [number]: { state: 'answered', attempts: 1, detail: 'interrupted' } });
    await until(() => legOnSwitch(deadLeg) === null, 'the dead run\'s leg to be hung up');
    await moveTo(clock.now() + (RETRY_DELAY_SEC + 60) * 1000);
    await new Promise((r) => setTimeout(r, 500));
    expect(campaignDials(h.sim.requests(), id).map((d) => d.leg)).toEqual([deadLeg]);
  }, 60_000);
});

describe('an agent-assisted campaign try interrupted while its customer\'s leg still rings', () => {
  let h: HotlineFixture;
  let api: Awaited<ReturnType<typeof supervisorApi>>;
  beforeAll(async () => {
    h = await startHotline({
      overrides: {
        callbacks: { outbound: { quietHours: null, ringSec: 10 } },
        campaigns: { tickMs: 100 },
        queues: { billing: { wrapUpSec: 0 } },
      },
      readyAgents: ['1007'],
    });
    api = await supervisorApi(h);
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('ends as a no-answer with the agent free again, and is dialled through an agent on the next try', async () => {
    const number = '13972000101';
    h.sim.setAgent('1007', { kind: 'answer', afterMs: 300 });
    h.sim.setAgent(number, { kind: 'no-answer' });
    const created = await api('POST', '/campaigns', {
      name: 'arrears desk', kind: 'reminder', target: { kind: 'csv', csv: `number\n${number}\n` }, schedule: { endAt: new Date(Date.now() + 3600_000).toISOString() },
      pacing: { mode: 'assisted', skill: 'billing' }, limits: { attempts: 2, retryDelaySec: 10 },
    });
    expect(created.status).toBe(201);
    const id = (created.json.campaign as { id: string }).id;
    const results = async () => ((await api('GET', `/campaigns/${id}/results`)).json.results as { number: string; state: string; attempts: number; detail: string | null }[])[0];
    // The dead run's claim and its customer's leg, ringing into its app.
    const deadLeg = campaignLeg({ campaignId: id, number, attempt: 1 });
    await h.redis.set(new CampaignStore(h.redis, h.prefix).key('claim', id, number, '1'), '1', 'EX', 3600);
    const query = new URLSearchParams({
      endpoint: customerDialString(h.config.callbacks.outbound.dialTemplate, number), app: DEAD_APP,
      appArgs: [OUTBOUND_LEG_ARGS.campaign, id].join(','), timeout: '3600',
    });
    const res = await fetch(`${h.sim.url}/ari/channels/${deadLeg}?${query}`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('ivr:ivr').toString('base64')}` } });
    expect(res.status).toBe(200);

    await api('POST', `/campaigns/${id}/start`);
    await until(async () => {
      const r = await results();
      return r?.attempts === 1 && r.state !== 'dialling';
    }, 'the taken-over try to end');
    expect(await results()).toMatchObject({ state: 'pending', attempts: 1, detail: 'no-answer' });
    await until(() => !h.sim.channels().some((c) => c.id === deadLeg), 'the dead run\'s leg to be hung up');
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', 'the second try', 60_000);
    expect(await results()).toMatchObject({ state: 'unreached', attempts: 2, detail: 'no-answer' });
    expect(campaignDials(h.sim.requests(), id).map((d) => d.leg)).toEqual([deadLeg, campaignLeg({ campaignId: id, number, attempt: 2 })]);
    expect((await h.service.acd.agents.get('1007')).state).toBe('available');
  }, 90_000);
});
