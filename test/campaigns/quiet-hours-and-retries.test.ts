import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/time/clock.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { campaignDials, supervisorApi, until } from './campaign-fixture.js';

/** 22:00 in Shanghai on Monday 5 January 2026: within the default quiet hours (21:00–08:00). */
const EVENING = Date.UTC(2026, 0, 5, 14, 0);
/** 08:00 the next morning, Shanghai time. */
const MORNING = Date.UTC(2026, 0, 6, 0, 0);

describe('campaign calls keep quiet hours, retry no answer and busy, and end with their window', () => {
  let h: HotlineFixture;
  let api: Awaited<ReturnType<typeof supervisorApi>>;
  const clock = new ManualClock(EVENING);
  beforeAll(async () => {
    h = await startHotline({ clock, overrides: { campaigns: { tickMs: 100 } } });
    api = await supervisorApi(h);
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
  });

  const progress = async (id: string) => (await api('GET', `/campaigns/${id}`)).json.progress as Record<string, number>;
  const results = async (id: string) => Object.fromEntries(((await api('GET', `/campaigns/${id}/results`)).json.results as { number: string; state: string }[]).map((r) => [r.number, r]));
  const moveTo = async (at: number) => {
    await clock.advance(at - clock.now());
    await h.service.campaigns.catchUp();
  };

  it('nobody is called at night; at 08:00 they are; no answer and busy are dialled again after the delay, then given up', async () => {
    h.sim.setAgent('13980000001', { kind: 'answer', afterMs: 300 });
    h.sim.setAgent('13980000002', { kind: 'no-answer' });
    h.sim.setAgent('13980000003', { kind: 'busy' });
    const created = await api('POST', '/campaigns', {
      name: 'night', kind: 'notice', target: { kind: 'csv', csv: '13980000001\n13980000002\n13980000003' },
      schedule: { endAt: new Date(EVENING + 2 * 86_400_000).toISOString() }, limits: { attempts: 2, retryDelaySec: 600 },
    });
    const id = (created.json.campaign as { id: string }).id;
    await api('POST', `/campaigns/${id}/start`);
    // Many ticks at 22:00: the numbers stay due, nobody is dialled.
    await new Promise((r) => setTimeout(r, 1000));
    expect(campaignDials(h.sim.requests(), id)).toEqual([]);
    expect(await progress(id)).toMatchObject({ pending: 3, dialling: 0 });

    await moveTo(MORNING);
    await until(async () => (await progress(id)).answered === 1 && (await progress(id)).dialling === 0, 'the morning dials to end');
    expect(await results(id)).toMatchObject({
      '13980000002': { state: 'pending', attempts: 1, detail: 'no-answer' },
      '13980000003': { state: 'pending', attempts: 1, detail: 'busy' },
    });
    // Not before the retry delay.
    await moveTo(MORNING + 599_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(campaignDials(h.sim.requests(), id)).toHaveLength(3);
    await moveTo(MORNING + 600_000 + 60_000);
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', 'the retries to end');
    expect(await results(id)).toMatchObject({
      '13980000001': { state: 'answered', attempts: 1 },
      '13980000002': { state: 'unreached', attempts: 2, detail: 'no-answer' },
      '13980000003': { state: 'unreached', attempts: 2, detail: 'busy' },
    });
    const dialled = campaignDials(h.sim.requests(), id).map((d) => d.number).sort();
    expect(dialled).toEqual(['13980000001', '13980000002', '13980000002', '13980000003', '13980000003']);
    expect(await progress(id)).toMatchObject({ answered: 1, unreached: 2, pending: 0 });
  }, 60_000);

  it('does not start before its window, and once the window has ended the numbers left are not called', async () => {
    h.sim.setAgent('13980000011', { kind: 'no-answer' });
    h.sim.setAgent('13980000012', { kind: 'no-answer' });
    const now = clock.now();
    const created = await api('POST', '/campaigns', {
      name: 'window', kind: 'notice', target: { kind: 'csv', csv: '13980000011\n13980000012' },
      schedule: { startAt: new Date(now + 600_000).toISOString(), endAt: new Date(now + 3600_000).toISOString() },
      limits: { concurrent: 1, attempts: 3, retryDelaySec: 7200 },
    });
    const id = (created.json.campaign as { id: string }).id;
    await api('POST', `/campaigns/${id}/start`);
    await new Promise((r) => setTimeout(r, 500));
    expect(campaignDials(h.sim.requests(), id)).toEqual([]);
    await moveTo(now + 600_000);
    await until(async () => (await results(id))['13980000012']?.state === 'pending' && (await progress(id)).dialling === 0 && (await results(id))['13980000011']?.state === 'pending' && (await progress(id)).pending === 2 && campaignDials(h.sim.requests(), id).length === 2, 'both first dials to end');
    await moveTo(now + 3600_000);
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'stopped', 'the window to end the campaign');
    expect((await api('GET', `/campaigns/${id}`)).json.stopReason).toBe('window-ended');
    expect(await results(id)).toMatchObject({ '13980000011': { state: 'skipped', detail: 'window-ended' }, '13980000012': { state: 'skipped', detail: 'window-ended' } });
    expect(campaignDials(h.sim.requests(), id)).toHaveLength(2);
  }, 60_000);
});

describe('a dial started but whose job was lost', () => {
  let h: HotlineFixture;
  let api: Awaited<ReturnType<typeof supervisorApi>>;
  const clock = new ManualClock(EVENING);
  beforeAll(async () => {
    h = await startHotline({ clock, overrides: { campaigns: { tickMs: 100 } } });
    api = await supervisorApi(h);
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('gets its job back from any instance\'s tick, and still waits for the end of quiet hours to dial', async () => {
    h.sim.setAgent('13980000021', { kind: 'answer', afterMs: 300 });
    const created = await api('POST', '/campaigns', { name: 'lost job', kind: 'notice', target: { kind: 'csv', csv: '13980000021' }, schedule: { endAt: new Date(EVENING + 86_400_000).toISOString() } });
    const id = (created.json.campaign as { id: string }).id;
    await api('POST', `/campaigns/${id}/start`);
    // As an instance dying right after starting the dial, before adding its job: the slot taken, no job.
    const started = await h.service.campaigns.store.take(id, clock.now(), { perCampaign: 1, total: 1, periodEnd: clock.now() + 1000, most: 1 });
    expect(started).toEqual([{ campaignId: id, number: '13980000021', attempt: 1 }]);
    await clock.advance(3000);
    await until(async () => (await h.service.campaigns.pendingWork()) > 0, 'the job given back');
    await new Promise((r) => setTimeout(r, 800));
    // 22:00: not dialled, still in progress.
    expect(campaignDials(h.sim.requests(), id)).toEqual([]);
    expect((await api('GET', `/campaigns/${id}`)).json.progress).toMatchObject({ dialling: 1 });
    await clock.advance(MORNING - clock.now());
    await h.service.campaigns.catchUp();
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', 'the campaign to end in the morning');
    expect(campaignDials(h.sim.requests(), id)).toHaveLength(1);
    expect((await api('GET', `/campaigns/${id}`)).json.progress).toMatchObject({ answered: 1, dialling: 0 });
  }, 60_000);
});
