import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_INSTALL_TIMEOUT_MS, ensureChromium } from '../support/ensure-chromium.js';
import { startApi, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
let browser: Browser;

beforeAll(async () => {
  const executablePath = await ensureChromium();
  api = await startApi({ redisUrl: inject('redisUrl'), listen: true });
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}, CHROMIUM_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** An hour of billing calls for every tier, two agents short. */
const REQUEST = {
  source: {
    kind: 'forecast',
    start: '2026-01-05T09:00:00Z',
    arrivals: ['diamond', 'gold', 'silver', 'standard'].map((tier) => ({ need: 'billing', tier, perQuarterHour: [8, 8, 8, 8] })),
    handleTime: { meanSec: 200 },
    patience: { meanSec: 180 },
  },
  staffing: { kind: 'listed', agents: Array.from({ length: 8 }, (_, i) => ({ id: `p${i}`, skills: { billing: 4 } })) },
  changes: [
    { kind: 'tier', id: 'diamond', patch: { queuePriority: 200 } },
    { kind: 'add-agents', count: 2, skills: { billing: 4 } },
  ],
};

describe('the what-if page', () => {
  it('runs a request and shows baseline against change per tier as a chart and a table', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${api.url}/whatif#key=${encodeURIComponent(api.keys.supervisor)}`);
      // The key leaves the address bar for the tab's session storage; the example request is filled in.
      expect(page.url()).toBe(`${api.url}/whatif`);
      expect(JSON.parse(await page.locator('#request').inputValue())).toMatchObject({ source: { kind: 'replay', lastMinutes: 120 } });

      await page.locator('#request').fill(JSON.stringify(REQUEST));
      await page.locator('#run').click();
      await page.locator('#out:not([hidden])').waitFor({ timeout: 60_000 });
      expect(page.url()).toMatch(/#run=[0-9a-f-]{36}$/);

      // The chart: a baseline and a change bar for each tier, at the heights of the figures.
      const bars = await page.locator('svg rect[data-tier]').evaluateAll((rects) => rects.map((r) => [r.getAttribute('data-tier'), r.getAttribute('data-side'), r.getAttribute('data-value')]));
      expect(bars.map(([tier, side]) => `${tier} ${side}`)).toEqual([
        'diamond baseline', 'diamond change', 'gold baseline', 'gold change', 'silver baseline', 'silver change', 'standard baseline', 'standard change',
      ]);
      const id = page.url().split('#run=')[1]!;
      const view = (await api.app.inject({ url: `/v1/whatif/${id}`, headers: { authorization: `Bearer ${api.keys.supervisor}` } })).json();
      const diamond = view.result.comparison.total.tiers.diamond;
      expect(bars[0]![2]).toBe(String(diamond.baseline.serviceLevelPercent));
      expect(bars[1]![2]).toBe(String(diamond.change.serviceLevelPercent));
      expect(await page.locator('svg line[data-target="diamond"]').count()).toBe(1);

      // The table: the same figures, with the difference.
      const row = page.locator('#tiers tr[data-tier="diamond"]');
      expect(await row.locator('[data-field="baseline-serviceLevelPercent"]').innerText()).toBe(`${diamond.baseline.serviceLevelPercent.toFixed(1)}%`);
      expect(await row.locator('[data-field="change-serviceLevelPercent"]').innerText()).toBe(`${diamond.change.serviceLevelPercent.toFixed(1)}%`);
      expect(await row.locator('[data-field="diff-serviceLevelPercent"]').innerText()).toMatch(/^[+-]?\d+\.\d pt$|^–$/);
      expect(await page.locator('#queues tr[data-queue="billing"]').count()).toBe(1);
      expect(await page.locator('#facts').innerText()).toMatch(/agents 8 → 10/);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('says why a request was refused', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${api.url}/whatif#key=${encodeURIComponent(api.keys.supervisor)}`);
      await page.locator('#request').fill(JSON.stringify({ ...REQUEST, changes: [{ kind: 'remove-agent', id: 'nobody' }] }));
      await page.locator('#run').click();
      await page.waitForFunction(() => (document.getElementById('error')?.textContent ?? '') !== '');
      expect(await page.locator('#error').innerText()).toMatch(/changes\.0\.id: no agent nobody/);
    } finally {
      await page.close();
    }
  });
});
