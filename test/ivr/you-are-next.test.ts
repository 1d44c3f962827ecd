import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heardIds, startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * The position announcement while waiting: the caller at the head of the
 * queue is told they are next; a caller behind is told how many are ahead.
 */
let hotline: HotlineFixture;

beforeAll(async () => {
  // No agent logged in at first: both callers stay in the queue.
  hotline = await startHotline();
});
afterAll(async () => hotline?.stop());

async function waitingIn(queue: string, count: number) {
  await expect.poll(async () => (await hotline.service.acd.waiting(queue)).length, { timeout: 15_000, interval: 25 }).toBe(count);
}

/** The prompts of the first hold announcement: after the queue's name, up to hold/thanks-for-waiting. */
function firstAnnouncement(ids: string[]): string[] {
  const end = ids.indexOf('hold/thanks-for-waiting');
  return ids.slice(ids.lastIndexOf('queue/billing', end) + 1, end);
}

describe('the position announcement', () => {
  it('the caller at the head of the queue hears "you are next"; the one behind hears that one caller is ahead', async () => {
    // The first caller stays at the head until an agent answers; the second
    // hangs up once it has heard its first announcement.
    const first = hotline.call('10000', '13800000004', ['1'], { maxQueueWaitMs: 20_000 });
    await waitingIn('billing', 1);
    const second = hotline.call('10000', '13800000005', ['1'], {
      maxQueueWaitMs: 20_000,
      hangupWhen: (p) => p.heard.some((h) => h.media.endsWith('hold/thanks-for-waiting')),
    });
    await waitingIn('billing', 2);
    const behind = await second;
    hotline.sim.setAgent('1005', { kind: 'answer', afterMs: 100, hangupAfterMs: 10_000 });
    await hotline.service.acd.agents.login('1005', { ready: true });
    const head = await first;
    expect(head.outcome).toMatchObject({ kind: 'agent', agent: '1005' });

    const atHead = firstAnnouncement(heardIds(head));
    expect(atHead[0]).toBe('hold/you-are-next');
    expect(atHead).not.toContain('hold/position-prefix');
    expect(atHead).not.toContain('num/0');

    const [prefix, ...rest] = firstAnnouncement(heardIds(behind));
    expect(prefix).toBe('hold/position-prefix');
    expect(rest.slice(0, 2)).toEqual(['num/1', 'hold/position-suffix']);
    expect(rest).not.toContain('hold/you-are-next');
    await hotline.service.acd.agents.logout('1005').catch(() => {});
  });
});
