import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startOfLocalDay } from '../../src/time/time-zone.js';
import { CHROMIUM_ARGS, CHROMIUM_INSTALL_TIMEOUT_MS, ensureChromium } from '../support/ensure-chromium.js';
import { startApi, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
let browser: Browser;

beforeAll(async () => {
  const executablePath = await ensureChromium();
  api = await startApi({ redisUrl: inject('redisUrl'), listen: true, api: { streamIntervalSec: 1 } });
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}, CHROMIUM_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

function field(page: Page, card: string, name: string): Promise<string> {
  return page.locator(`${card} [data-field="${name}"]`).first().innerText();
}

/** Waits (bounded by the test timeout, asserting nothing about speed) until the card's field shows `text`. */
async function shows(page: Page, card: string, name: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([selector, expected]) => document.querySelector(selector!)?.textContent === expected,
    [`${card} [data-field="${name}"]`, text] as const,
    { timeout: 20_000 },
  );
}

describe('the wallboard', () => {
  it('shows every queue and tier, and updates when the stream sends new figures', async () => {
    const page = await browser.newPage();
    try {
      api.live.waitingNow = { queues: { billing: { waiting: 2, longestWaitMs: 65_000, estimatedWaitMs: 90_000 } }, tiers: { gold: { waiting: 2, longestWaitMs: 65_000 } } };
      api.live.agentsNow = { total: { available: 3, 'on-call': 4 }, queues: { billing: { available: 1, 'on-call': 2 } } };
      await page.goto(`${api.url}/wallboard#key=${encodeURIComponent(api.keys.viewer)}`);
      await page.locator('[data-queue="billing"]').waitFor();
      // The key leaves the address bar for the tab's session storage.
      expect(page.url()).toBe(`${api.url}/wallboard`);
      expect(await page.evaluate(() => sessionStorage.getItem('hotline.wallboard.key'))).toBe(api.keys.viewer);

      const queues = await page.locator('[data-queue]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-queue')));
      expect(queues).toEqual(['billing', 'broadband', 'complaints', 'enterprise', 'general', 'orders', 'senior']);
      const tiers = await page.locator('[data-tier]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-tier')));
      expect(tiers).toEqual(['diamond', 'gold', 'silver', 'standard']);
      expect(await field(page, '[data-queue="billing"]', 'waiting')).toBe('2');
      expect(await field(page, '[data-queue="billing"]', 'longest-wait')).toBe('1:05');
      expect(await field(page, '[data-queue="billing"]', 'agents-on-call')).toBe('2');
      expect(await field(page, '#agents', 'total-available')).toBe('3');
      await page.locator('#status.live').waitFor();

      // A call waits, another is answered late for gold (15 s) but in time for billing (20 s).
      const t = startOfLocalDay(Date.now(), 'Asia/Shanghai');
      api.live.waitingNow = { queues: { billing: { waiting: 3, longestWaitMs: 70_000, estimatedWaitMs: 90_000 } }, tiers: {} };
      await api.recorder.append('w1', { type: 'queued', queue: 'billing', tier: 'gold', priority: 80, position: 1 }, t + 1000);
      await api.recorder.append('w1', { type: 'answered', queue: 'billing', agent: '1001', tier: 'gold', waitMs: 18_000 }, t + 19_000);
      await shows(page, '[data-queue="billing"]', 'waiting', '3');
      await shows(page, '[data-queue="billing"]', 'service-level', '100.0%');
      await shows(page, '[data-tier="gold"]', 'service-level', '0.0%');
      // Gold is below its 90 % target: its figure and card turn red; billing has no target share and stays neutral.
      expect(await page.locator('[data-tier="gold"]').getAttribute('class')).toContain('bad');
      expect(await page.locator('[data-tier="gold"] .sl').getAttribute('class')).toContain('bad');
      expect(await page.locator('[data-queue="billing"] .sl').getAttribute('class')).toContain('none');
    } finally {
      await page.close();
    }
  });

  it('asks for the key once when the address has none, and keeps it for the session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const asked: string[] = [];
      page.on('dialog', (dialog) => {
        asked.push(dialog.message());
        void dialog.accept(api.keys.viewer);
      });
      await page.goto(`${api.url}/wallboard`);
      await page.locator('[data-tier="diamond"]').waitFor();
      await page.reload();
      await page.locator('[data-tier="diamond"]').waitFor();
      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatch(/API key/);
    } finally {
      await context.close();
    }
  });

  it('follows the stream with a single-use ticket, never with the key in a URL, and drops it when the key is revoked', async () => {
    const page = await browser.newPage();
    const wall = await api.keyStore.create({ role: 'viewer', name: 'corridor screen' });
    try {
      const urls: string[] = [];
      page.on('request', (request) => urls.push(request.url()));
      page.on('dialog', (dialog) => void dialog.accept(wall.key));
      await page.goto(`${api.url}/wallboard`);
      await page.locator('#status.live').waitFor();
      for (const url of urls) expect(url).not.toContain(wall.key.slice(16));
      const streams = urls.filter((u) => u.includes('/v1/stream'));
      expect(streams.some((u) => /\/v1\/stream\?ticket=st_/.test(u))).toBe(true);
      await api.keyStore.revoke(wall.record.id);
      await page.waitForFunction(() => /was revoked/.test(document.getElementById('message')?.textContent ?? ''), undefined, { timeout: 20_000 });
      expect(await page.locator('#status').getAttribute('class')).toBe('down');
    } finally {
      await page.close();
    }
  });

  it('says so when the key is refused', async () => {
    const page = await browser.newPage();
    try {
      page.on('dialog', (dialog) => void dialog.dismiss());
      await page.goto(`${api.url}/wallboard?key=${encodeURIComponent(api.revokedKey)}`);
      await page.locator('#status.down').waitFor();
      await page.waitForFunction(() => /was revoked/.test(document.getElementById('message')?.textContent ?? ''), undefined, { timeout: 20_000 });
    } finally {
      await page.close();
    }
  });
});
