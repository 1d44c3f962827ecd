import { afterAll, beforeAll, expect, it } from 'vitest';
import { heardIds, startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/** "Calls may be recorded" follows the greeting only where the tier's conversations are recorded. */
let hotline: HotlineFixture;
beforeAll(async () => {
  hotline = await startHotline({ overrides: { recordings: { recordCalls: { tiers: { gold: false } } } } });
});
afterAll(async () => hotline?.stop());

it.each([
  ['13800000002', 'gold', ['greet/gold', 'menu/billing']],
  ['13800000004', 'standard', ['greet/standard', 'common/may-be-recorded', 'menu/billing']],
])('%s (%s) hears the notice only where its tier is recorded', async (from, _tier, opening) => {
  const r = await hotline.call('10000', from, ['1'], { maxQueueWaitMs: 200 });
  expect(heardIds(r).slice(0, opening.length)).toEqual(opening);
});
