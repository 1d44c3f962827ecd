import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { watchSwitch, type SwitchWatch } from '../acd/support/assignment-switch-watch.js';
import { eventPayload } from '../../src/api/stream/stream-payload.js';
import { campaignDials, mostAtOnce, supervisorApi, until } from './campaign-fixture.js';

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

describe('campaign pacing, lists and control', () => {
  let h: HotlineFixture;
  let api: Awaited<ReturnType<typeof supervisorApi>>;
  let watch: SwitchWatch;
  beforeAll(async () => {
    h = await startHotline({
      overrides: { callbacks: { outbound: { quietHours: null } }, campaigns: { tickMs: 100, maxDialsPerCampaign: 2, maxDialsTotal: 3, periodDays: 0 } },
    });
    api = await supervisorApi(h);
    watch = await watchSwitch(h.sim.url, 'campaign-pacing-watch');
  }, 30_000);
  afterAll(async () => {
    await watch?.close();
    await h?.stop();
  });

  it('never has more dials up than the campaign limit, nor than the total: as the switch saw them', async () => {
    const numbers = (base: number) => Array.from({ length: 8 }, (_, i) => String(base + i));
    const a = numbers(13910000000);
    const b = numbers(13920000000);
    // Each customer answers after 0.5 to 2 s and hears the notice to its end (simulated time; the switch runs 20 times faster).
    for (const [i, n] of [...a, ...b].entries()) h.sim.setAgent(n, { kind: 'answer', afterMs: 500 + (i % 4) * 500 });
    const startedAt = Date.now();
    const ids: string[] = [];
    for (const list of [a, b]) {
      const created = await api('POST', '/campaigns', { name: 'maintenance', kind: 'notice', target: { kind: 'csv', csv: `number\n${list.join('\n')}\n` }, schedule: { endAt: inAnHour() } });
      expect(created.status).toBe(201);
      ids.push((created.json.campaign as { id: string }).id);
    }
    for (const id of ids) expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    for (const id of ids) await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', `campaign ${id} to end`, 90_000);
    await until(() => ids.every((id) => campaignDials(h.sim.requests(), id).every((d) => watch.destroyedAt(d.leg) !== null)), 'every leg destroyed');

    const requests = h.sim.requests().filter((r) => r.at >= startedAt);
    const legs = (id: string) => campaignDials(requests, id).map((d) => ({ start: d.at, end: watch.destroyedAt(d.leg)! }));
    const perCampaign = ids.map((id) => mostAtOnce(legs(id)));
    const total = mostAtOnce(ids.flatMap(legs));
    // Reported for the README's figures.
    console.log(`campaign pacing: ${ids.flatMap(legs).length} calls, most at once per campaign ${perCampaign.join(' and ')} (limit 2), in total ${total} (limit 3)`);
    expect(ids.map((id) => campaignDials(requests, id).length)).toEqual([8, 8]);
    for (const most of perCampaign) expect(most).toBeLessThanOrEqual(2);
    expect(total).toBeLessThanOrEqual(3);
    // The limits were reached, so the check above could have failed.
    expect(total).toBe(3);
    for (const id of ids) expect((await api('GET', `/campaigns/${id}`)).json.progress).toMatchObject({ answered: 8, listened: 8, dialling: 0, pending: 0 });
  }, 120_000);

  it('reports each bad row of a list with its line and never dials it: duplicates, malformed, withheld, do-not-call', async () => {
    expect((await api('POST', '/do-not-call', { numbers: ['13930000004'] })).json).toEqual({ added: 1, rejected: [] });
    const csv = [
      'number,amount',
      '13930000001,12.50',
      '13930000002',
      '13930000001,12.50',
      '1393000000x',
      'anonymous',
      '13930000004',
      '',
      '123',
      '13930000005,abc',
      '+86 139 3000 0006,7',
    ].join('\n');
    for (const n of ['13930000001', '13930000002', '13930000006']) h.sim.setAgent(n, { kind: 'answer', afterMs: 300 });
    const created = await api('POST', '/campaigns', { name: 'list', kind: 'reminder', target: { kind: 'csv', csv }, schedule: { endAt: inAnHour() } });
    expect(created.status).toBe(201);
    expect(created.json.rejected).toEqual([
      { line: 4, number: '13930000001', reason: 'duplicate' },
      { line: 5, number: '1393000000x', reason: 'malformed' },
      { line: 6, number: 'anonymous', reason: 'withheld' },
      { line: 7, number: '13930000004', reason: 'do-not-call' },
      { line: 9, number: '123', reason: 'malformed' },
      { line: 10, number: '13930000005', reason: 'malformed' },
    ]);
    const id = (created.json.campaign as { id: string }).id;
    expect((await api('GET', `/campaigns/${id}`)).json.progress).toMatchObject({ targets: 3, rejected: 6 });
    const startedAt = Date.now();
    await api('POST', `/campaigns/${id}/start`);
    await until(async () => (await api('GET', `/campaigns/${id}`)).json.status === 'done', 'the list campaign to end');
    expect(campaignDials(h.sim.requests().filter((r) => r.at >= startedAt), id).map((d) => d.number).sort()).toEqual(['13930000001', '13930000002', '13930000006']);
    expect((await api('GET', `/campaigns/${id}/rejected`)).json.rejected).toHaveLength(6);
  }, 60_000);

  it('refuses a flow naming a prompt missing from the manifest, and bad input, naming the field (never a 5xx)', async () => {
    const flow = {
      id: 'district-notice', description: 'a notice', runs: 'dialogue', start: 'say', onExhausted: 'end', onZero: 'end',
      steps: { say: { kind: 'play', prompts: ['campaign/no-such-prompt'], next: 'end' }, end: { kind: 'done', result: 'listened' } },
    };
    const refused = await api('POST', '/campaigns', { name: 'x', kind: 'notice', flow, target: { kind: 'csv', csv: '13940000001' }, schedule: { endAt: inAnHour() } });
    expect(refused.status).toBe(400);
    expect(refused.json.message).toContain('prompt "campaign/no-such-prompt" is missing from the prompt manifest');
    const good = { ...flow, steps: { ...flow.steps, say: { kind: 'play', prompts: ['campaign/notice-maintenance'], next: 'end' } } };
    expect((await api('POST', '/campaigns', { name: 'x', kind: 'notice', flow: good, target: { kind: 'csv', csv: '13940000001' }, schedule: { endAt: inAnHour() } })).status).toBe(201);
    const bad = [
      [{ name: 'x', kind: 'notice', target: { kind: 'csv', csv: '1' }, schedule: { endAt: new Date(Date.now() - 1000).toISOString() } }, 'schedule.endAt'],
      [{ name: 'x', kind: 'notice', target: { kind: 'csv', csv: '1' }, schedule: { endAt: inAnHour() }, limits: { concurrent: 3 } }, 'limits.concurrent'],
      [{ name: 'x', kind: 'notice', target: { kind: 'csv', csv: '1' }, schedule: { endAt: inAnHour() }, flow: 'self-service' }, 'flow'],
      [{ name: 'x', kind: 'fax', target: { kind: 'csv', csv: '1' }, schedule: { endAt: inAnHour() } }, 'kind'],
      [{ name: 'x', kind: 'notice', target: { kind: 'sql' }, schedule: { endAt: inAnHour() } }, 'target'],
    ] as const;
    for (const [body, field] of bad) {
      const res = await api('POST', '/campaigns', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(String(res.json.message)).toContain(field);
    }
    expect((await api('GET', '/campaigns/nosuch')).status).toBe(404);
  });

  it('starts, pauses, resumes and stops: nothing dialled while paused, the rest not called once stopped; every change audited', async () => {
    const list = Array.from({ length: 6 }, (_, i) => String(13950000000 + i));
    for (const n of list) h.sim.setAgent(n, { kind: 'answer', afterMs: 2000 });
    const created = await api('POST', '/campaigns', { name: 'control', kind: 'notice', target: { kind: 'csv', csv: list.join('\n') }, schedule: { endAt: inAnHour() }, limits: { concurrent: 1 } });
    const id = (created.json.campaign as { id: string }).id;
    expect((await api('POST', `/campaigns/${id}/pause`)).status).toBe(409);
    await api('POST', `/campaigns/${id}/start`);
    await until(async () => ((await api('GET', `/campaigns/${id}`)).json.progress as { answered: number }).answered >= 1, 'a first call answered');
    expect((await api('POST', `/campaigns/${id}/pause`)).json.status).toBe('paused');
    // The dial in progress finishes; no other starts while paused.
    await until(async () => ((await api('GET', `/campaigns/${id}`)).json.progress as { dialling: number }).dialling === 0, 'the dial in progress to end');
    const paused = campaignDials(h.sim.requests(), id).length;
    await new Promise((r) => setTimeout(r, 600));
    expect(campaignDials(h.sim.requests(), id).length).toBe(paused);
    expect((await api('POST', `/campaigns/${id}/resume`)).json.status).toBe('running');
    await until(() => campaignDials(h.sim.requests(), id).length > paused, 'a dial after the resume');
    const stopped = await api('POST', `/campaigns/${id}/stop`);
    expect(stopped.json.status).toBe('stopped');
    await until(async () => ((await api('GET', `/campaigns/${id}`)).json.progress as { dialling: number }).dialling === 0, 'the last dial to end');
    const dialled = campaignDials(h.sim.requests(), id).length;
    expect(dialled).toBeLessThan(6);
    const progress = (await api('GET', `/campaigns/${id}`)).json.progress as { answered: number; skipped: number; pending: number };
    expect(progress).toMatchObject({ answered: dialled, skipped: 6 - dialled, pending: 0 });
    expect((await api('POST', `/campaigns/${id}/resume`)).status).toBe(409);
    const audit = await h.service.audit.list(50);
    const actions = audit.filter((e) => e.target === id).map((e) => e.action).reverse();
    expect(actions).toEqual(['campaign.create', 'campaign.start', 'campaign.pause', 'campaign.resume', 'campaign.stop']);
  }, 60_000);

  it('manages the do-not-call list: a CSV import reports bad rows by line; numbers removed are audited', async () => {
    const imported = await api('POST', '/do-not-call', { csv: 'number\n13960000001\nnot-a-number\n13960000002\n13960000001\n' });
    expect(imported.json).toEqual({ added: 2, rejected: [{ line: 3, number: 'not-a-number', reason: 'malformed' }] });
    const list = await api('GET', '/do-not-call');
    expect((list.json.entries as { number: string }[]).map((e) => e.number)).toEqual(expect.arrayContaining(['13960000001', '13960000002']));
    expect((await api('DELETE', '/do-not-call/13960000002')).json).toEqual({ removed: true });
    expect((await api('DELETE', '/do-not-call/13960000002')).json).toEqual({ removed: false });
    const viewer = await supervisorApi(h, 'viewer');
    expect((await viewer('GET', '/do-not-call')).status).toBe(403);
    const audit = await h.service.audit.list(20);
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['do-not-call.add', 'do-not-call.remove']));
  });

  it('shows each campaign\'s progress on /metrics and in the stream', async () => {
    const events: Record<string, unknown>[] = [];
    const off = h.service.events.subscribe((e) => {
      const data = eventPayload(e, 'masked');
      if (e.kind === 'campaign' && data) events.push(data);
    });
    h.sim.setAgent('13970000001', { kind: 'answer', afterMs: 300, keys: 'W9' });
    const created = await api('POST', '/campaigns', { name: 'stream', kind: 'notice', target: { kind: 'csv', csv: '13970000001' }, schedule: { endAt: inAnHour() } });
    const id = (created.json.campaign as { id: string }).id;
    await api('POST', `/campaigns/${id}/start`);
    await until(() => events.some((e) => e.id === id && e.status === 'done'), 'the stream to tell the campaign done');
    off();
    expect(events.find((e) => e.id === id && e.status === 'done')).toMatchObject({ campaignKind: 'notice', targets: 1, answered: 1, listened: 1, pressed9: 1, dialling: 0 });
    expect(events.some((e) => e.id === id && e.dialling === 1)).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${h.service.port}/metrics`)).text();
    expect(metrics).toMatch(/hotline_campaign_targets\{campaign="[a-z0-9]+",state="answered"\} 8/);
    expect(metrics).toContain(`hotline_campaign_targets{campaign="${id}",state="pressed-9"} 1`);
  });
});
