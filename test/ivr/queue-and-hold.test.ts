import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heardIds, startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * 10000 callers of several tiers wait in one queue and are answered by a
 * simulated agent in priority order; while waiting they hear music on hold and
 * their position and estimated wait.
 */
let hotline: HotlineFixture;

beforeAll(async () => {
  // No after-call work, so one agent takes the queued calls back to back.
  hotline = await startHotline({ overrides: { queues: { general: { wrapUpSec: 0 } } } });
});
afterAll(async () => hotline?.stop());

async function waitingIn(queue: string, count: number) {
  await expect.poll(async () => (await hotline.service.acd.waiting(queue)).length, { timeout: 15_000, interval: 25 }).toBe(count);
}

describe('calls from several tiers queue and are answered in priority order', () => {
  it('gold before silver before standard, whatever the order they arrived in', async () => {
    // 0 from each tier's menu: the general queue, at the tier's priority.
    const standard = hotline.call('10000', '13800000004', ['0'], { maxQueueWaitMs: 20_000 });
    await waitingIn('general', 1);
    const silver = hotline.call('10000', '13800000003', ['0'], { maxQueueWaitMs: 20_000 });
    await waitingIn('general', 2);
    const gold = hotline.call('10000', '13800000002', ['0'], { maxQueueWaitMs: 20_000 });
    await waitingIn('general', 3);

    // One general agent, taking each caller in turn. Each caller hangs up once told an agent answered; the agent
    // does not hang up first, which could end the call before that outcome reaches the caller's channel.
    hotline.sim.setAgent('1016', { kind: 'answer', afterMs: 100, hangupAfterMs: 60_000 });
    await hotline.service.acd.agents.login('1016', { ready: true });
    const reports = await Promise.all([gold, silver, standard]);
    for (const r of reports) expect(r.outcome).toMatchObject({ kind: 'agent', agent: '1016', queue: 'general' });

    await hotline.idle();
    const answered = (await hotline.service.recorder.range())
      .filter((e) => e.type === 'answered' && reports.some((r) => r.callId === e.callId))
      .map((e) => reports.findIndex((r) => r.callId === e.callId));
    expect(answered).toEqual([0, 1, 2]);
    await hotline.service.acd.agents.logout('1016').catch(() => {});
  });
});

describe('the hold experience', () => {
  it('a waiting caller hears music on hold, then position and estimated wait at the tier\'s interval', async () => {
    const waiting = hotline.call('10000', '13800000004', ['1'], {
      maxQueueWaitMs: 20_000,
      hangupWhen: (p) => p.heard.some((h) => h.media.endsWith('hold/thanks-for-waiting')),
    });
    await waitingIn('billing', 1);
    const [entry] = await hotline.service.acd.waiting('billing');
    await expect.poll(() => hotline.sim.mohChannels().includes(entry!.callId), { timeout: 5000 }).toBe(true);
    const r = await waiting;
    const ids = heardIds(r);
    // Alone in the queue, the caller is at its head: "you are next".
    const at = ids.indexOf('hold/you-are-next');
    expect(at).toBeGreaterThan(ids.indexOf('queue/billing'));
    expect(ids.slice(at)).toContain('hold/thanks-for-waiting');
  });
});
