import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heardIds, startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/** 10000 end to end, one sample number per tier (README, "Sample customers"), no agent logged in. */
let hotline: HotlineFixture;

beforeAll(async () => {
  hotline = await startHotline();
});
afterAll(async () => {
  await hotline?.stop();
});

async function routeOf(callId: string) {
  await hotline.idle();
  const events = await hotline.service.recorder.forCall(callId);
  return { tier: events.find((e) => e.type === 'tier'), route: events.find((e) => e.type === 'route') };
}

describe('10000 differentiated by value tier', () => {
  it.each([
    // number,        keys,  greeting,          first heard after it, queue, priority, level, tier
    ['13800000002', ['1'], 'greet/gold', 'menu/billing', 'billing', 80, 3, 'gold'],
    ['13800000003', ['2'], 'greet/silver', 'menu/billing', 'broadband', 60, 2, 'silver'],
    ['13800000004', ['1'], 'greet/standard', 'menu/billing', 'billing', 20, 1, 'standard'],
    ['02100000001', ['4'], 'greet/standard', 'menu/billing', 'complaints', 20, 1, 'standard'],
  ] as const)('%s hears its tier\'s greeting and menu and is routed as the table says', async (from, keys, greeting, menu, queue, priority, level, tier) => {
    const r = await hotline.call('10000', from, [...keys], { maxQueueWaitMs: 200 });
    const ids = heardIds(r);
    // Calls may be recorded (recordings on for every tier by default): the greeting says so.
    expect(ids.slice(0, 3)).toEqual([greeting, 'common/may-be-recorded', menu]);
    expect(ids).toContain(`queue/${queue}`);
    expect(r.outcome).toEqual({ kind: 'queued', queue, priority, tier });
    const { tier: tierEvent, route } = await routeOf(r.callId!);
    expect(tierEvent).toMatchObject({ tier });
    expect(route).toMatchObject({ queue, priority, minAgentLevel: level, tier });
  });

  it.each(['13800000001', '13800000006'])('diamond caller %s is queued for the senior team at once, while the greeting and the short menu play', async (from) => {
    const r = await hotline.call('10000', from, [], { maxQueueWaitMs: 200 });
    const ids = heardIds(r);
    expect(ids.slice(0, 3)).toEqual(['greet/diamond', 'common/may-be-recorded', 'menu/diamond']);
    // Queued before anything was said: no "connecting you to…" announcement.
    expect(ids).not.toContain('route/connecting-to');
    expect(r.outcome).toEqual({ kind: 'queued', queue: 'senior', priority: 100, tier: 'diamond' });
    await hotline.idle();
    const events = await hotline.service.recorder.forCall(r.callId!);
    expect(events.find((e) => e.type === 'route')).toMatchObject({ queue: 'senior', minAgentLevel: 4, tier: 'diamond' });
    expect(events.map((e) => e.type).slice(0, 4)).toEqual(['arrived', 'tier', 'route', 'queued']);
  });

  it('the diamond caller hears less before an agent than any other tier', () => {
    const text = (id: string) => hotline.service.manifest.text(id, 'zh');
    const standardMenu = ['menu/billing', 'menu/broadband', 'menu/orders', 'menu/complaints', 'menu/enterprise', 'menu/self-service-6', 'common/offer-agent', 'menu/repeat'];
    expect(text('greet/diamond').length + text('menu/diamond').length)
      .toBeLessThan(text('greet/standard').length + standardMenu.map(text).join('').length);
  });

  it('a diamond caller pressing 1 leaves the queue for self-service without being asked who they are', async () => {
    const r = await hotline.call('10000', '13800000001', ['1', '1']);
    const ids = heardIds(r);
    expect(ids).toContain('ss/main-menu');
    expect(ids).toContain('ss/balance-is');
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'balance' });
    await hotline.idle();
    const events = await hotline.service.recorder.forCall(r.callId!);
    expect(events.find((e) => e.type === 'left-queue')).toMatchObject({ queue: 'senior', reason: 'self-service' });
    expect(events.find((e) => e.type === 'menu')).toMatchObject({ flow: '10000-diamond', step: 'senior', choice: '1' });
  });

  it('a diamond caller who left the queue for self-service and then presses 0 is queued again at the tier\'s priority (nothing was used: not a transfer)', async () => {
    const r = await hotline.call('10000', '13800000001', ['1', '0'], { maxQueueWaitMs: 200 });
    expect(heardIds(r)).toContain('ss/main-menu');
    expect(r.outcome).toMatchObject({ kind: 'queued', tier: 'diamond', priority: 100 });
    await hotline.idle();
    const types = (await hotline.service.recorder.forCall(r.callId!)).map((e) => e.type);
    expect(types.filter((t) => t === 'queued')).toHaveLength(2);
    expect(types.indexOf('left-queue')).toBeGreaterThan(types.indexOf('queued'));
  });

  it('a standard caller who never chooses hears the menu twice, then goes to general agents (rule 2)', async () => {
    const r = await hotline.call('10000', '13800000004', [], { maxQueueWaitMs: 200 });
    const ids = heardIds(r);
    expect(ids.filter((id) => id === 'menu/billing')).toHaveLength(2);
    expect(ids.filter((id) => id === 'common/no-input')).toHaveLength(1);
    expect(r.outcome).toMatchObject({ kind: 'queued', queue: 'general', tier: 'standard' });
  });

  it.each([['gold', '13800000002'], ['silver', '13800000003']])('a %s caller who never chooses also reaches general agents after one repetition', async (tier, from) => {
    const r = await hotline.call('10000', from, [], { maxQueueWaitMs: 200 });
    expect(heardIds(r).filter((id) => id === 'menu/billing')).toHaveLength(2);
    expect(r.outcome).toMatchObject({ kind: 'queued', queue: 'general', tier });
  });

  it('0 from any 10000 menu goes to general agents', async () => {
    const r = await hotline.call('10000', '13800000002', ['0'], { maxQueueWaitMs: 200 });
    expect(r.outcome).toMatchObject({ kind: 'queued', queue: 'general', tier: 'gold', priority: 80 });
  });

  it('a withheld number is served as standard, never an error', async () => {
    const r = await hotline.call('10000', '', ['1'], { maxQueueWaitMs: 200 });
    expect(heardIds(r)[0]).toBe('greet/standard');
    const { tier } = await routeOf(r.callId!);
    expect(tier).toMatchObject({ tier: 'standard', reason: 'withheld number' });
  });

  it('changing a tier\'s policy at run time changes the next call, not the call already queued', async () => {
    const first = hotline.call('10000', '13800000002', ['1'], { maxQueueWaitMs: 3000 });
    // Wait until the first call is queued before changing the policy.
    const deadline = Date.now() + 10_000;
    while ((await hotline.service.acd.waiting('billing')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const queuedBefore = await hotline.service.acd.waiting('billing');
    expect(queuedBefore).toHaveLength(1);
    hotline.service.policy.patchTier('gold', { queuePriority: 90, greetingPrompt: 'greet/diamond' }, 'test');
    try {
      const second = await hotline.call('10000', '13800000002', ['1'], { maxQueueWaitMs: 200 });
      expect(heardIds(second)[0]).toBe('greet/diamond');
      expect(second.outcome).toMatchObject({ kind: 'queued', priority: 90 });
      const stillQueued = (await hotline.service.acd.waiting('billing')).find((w) => w.callId === queuedBefore[0]!.callId);
      expect(stillQueued?.priority).toBe(80);
      const firstReport = await first;
      expect(firstReport.outcome).toMatchObject({ kind: 'queued', priority: 80 });
    } finally {
      hotline.service.policy.patchTier('gold', { queuePriority: 80, greetingPrompt: 'greet/gold' }, 'test');
    }
  });
});
