import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_INSTALL_TIMEOUT_MS, ensureChromium } from '../support/ensure-chromium.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { http } from './desk-support.js';

/**
 * The /desk page in headless Chromium against the whole service and the
 * simulated Asterisk: two agents sign in with their PINs, a caller placed
 * through the simulator pops on the first agent's page while the phone
 * rings, the agent transfers from the page and closes the call with a
 * disposition from the keyboard. Set DESK_SCREENSHOT to a file name to keep
 * a picture of the desk during the call.
 */
let hotline: HotlineFixture;
let browser: Browser;
let admin: string;
let viewer: string;

beforeAll(async () => {
  const executablePath = await ensureChromium();
  hotline = await startHotline({
    overrides: { queues: { billing: { wrapUpSec: 600, ringTimeoutSec: 120 }, complaints: { wrapUpSec: 600, ringTimeoutSec: 120 } } },
  });
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  admin = (await hotline.service.keys.create({ role: 'admin', name: 'ada' })).key;
  viewer = (await hotline.service.keys.create({ role: 'viewer', name: 'vera' })).key;
  // About a second of ringing (simulated time runs 20 times faster), then they talk until hung up.
  hotline.sim.setAgent('1004', { kind: 'answer', afterMs: 25_000, hangupAfterMs: 3_600_000 });
  hotline.sim.setAgent('1013', { kind: 'answer', afterMs: 25_000, hangupAfterMs: 3_600_000 });
  for (const [agent, pin] of [['1004', '318204'], ['1013', '902611'], ['1014', '550123']] as const) {
    expect((await http(hotline, 'PUT', `/v1/agents/${agent}/pin`, admin, { pin })).status).toBe(204);
  }
}, CHROMIUM_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await hotline?.stop();
});

async function signIn(agent: string, pin: string, origin = `http://127.0.0.1:${hotline.service.port}`): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await page.goto(`${origin}/desk`);
  await page.fill('#agent-id', agent);
  await page.fill('#pin', pin);
  await page.click('#signin-button');
  await page.locator('#state[data-state="offline"]').waitFor();
  await page.locator('#link.live').waitFor();
  return page;
}

/** The port of the address the page was opened at. */
function portOf(page: Page): number {
  return Number(new URL(page.url()).port);
}

function text(page: Page, field: string): Promise<string> {
  return page.locator(`#pop [data-field="${field}"]`).first().innerText();
}

describe('the agent desk page', () => {
  it('reconnects by itself when its connection drops, and shows a supervisor\'s change made meanwhile', async () => {
    // Between the page and the service, a relay whose connections the test cuts: a network drop.
    const sockets = new Set<Socket>();
    const relay = createServer((inbound) => {
      const outbound = connect(hotline.service.port, '127.0.0.1');
      for (const s of [inbound, outbound]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const page = await signIn('1014', '550123', `http://127.0.0.1:${(relay.address() as AddressInfo).port}`);
    try {
      await page.click('#login');
      await page.locator('#state[data-state="paused"]').waitFor();
      relay.close();
      for (const s of sockets) s.destroy();
      await page.locator('#link.down').waitFor();
      const supervisor = (await hotline.service.keys.create({ role: 'supervisor', name: 'sam' })).key;
      expect((await http(hotline, 'POST', '/v1/agents/1014/state', supervisor, { action: 'ready' })).status).toBe(200);
      // The relay comes back on the same port; the page gets a new ticket and a new stream whose first event is the whole desk.
      await new Promise<void>((resolve) => relay.listen(portOf(page), '127.0.0.1', resolve));
      await page.locator('#link.live').waitFor({ timeout: 20_000 });
      await page.locator('#state[data-state="available"]').waitFor();
      expect((await http(hotline, 'POST', '/v1/agents/1014/state', supervisor, { action: 'pause', reason: 'coaching' })).status).toBe(200);
      await page.locator('#state[data-state="paused"]').waitFor();
      expect(await page.locator('#state').innerText()).toContain('coaching');
    } finally {
      await page.close();
      relay.close();
      for (const s of sockets) s.destroy();
    }
  }, 60_000);

  it('signs in, goes ready, pops the caller while the phone rings, transfers from the page and closes with a disposition', async () => {
    const first = await signIn('1004', '318204');
    const second = await signIn('1013', '902611');
    await first.click('#login');
    await first.locator('#state[data-state="paused"]').waitFor();
    await first.keyboard.press('Alt+R');
    await first.locator('#state[data-state="available"]').waitFor();
    await second.click('#login');
    await second.locator('#state[data-state="paused"]').waitFor();

    // When the pop appears on the page, note the time and the agent's state at that moment.
    await first.evaluate(() => {
      const w = window as unknown as { popSeen?: { at: number; state: string | null }; accountSeen?: number };
      new MutationObserver(() => {
        if (!w.popSeen && document.querySelector('#pop [data-field="tier"]')) {
          w.popSeen = { at: Date.now(), state: document.getElementById('state')!.getAttribute('data-state') };
        }
        if (w.accountSeen === undefined && /¥/.test(document.querySelector('#pop [data-field="balance"]')?.textContent ?? '')) w.accountSeen = Date.now();
      }).observe(document.getElementById('pop')!, { childList: true, subtree: true });
    });
    let rungAt = 0;
    const off = hotline.service.acd.onEvent((e) => {
      if (e.type === 'ringing' && e.agent === '1004' && rungAt === 0) rungAt = Date.now();
    });
    const calling = hotline.call('10000', '13800000002', ['1'], { maxQueueWaitMs: 30_000, talkMs: 3_600_000 });

    await first.waitForFunction(() => (window as unknown as { popSeen?: unknown }).popSeen !== undefined, undefined, { timeout: 20_000 });
    off();
    const seen = await first.evaluate(() => (window as unknown as { popSeen: { at: number; state: string } }).popSeen);
    // Shown before the answer: the page still said "ringing" when the caller appeared.
    expect(seen.state).toBe('ringing');
    process.stderr.write(`desk screen pop: ${seen.at - rungAt} ms from the ACD ringing the agent to the pop on the page\n`);
    expect(await text(first, 'tier')).toBe('金卡 Gold');
    expect(await text(first, 'name')).toBe('Li Na');
    expect(await text(first, 'need')).toContain('billing');
    expect(await text(first, 'number')).toBe('138****0002');
    expect(await first.locator('#pop .tier').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(245, 197, 66)');

    await first.locator('#state[data-state="on-call"]').waitFor();
    await first.waitForFunction(() => /¥/.test(document.querySelector('#pop [data-field="balance"]')?.textContent ?? ''), undefined, { timeout: 20_000 });
    const accountSeen = await first.evaluate(() => (window as unknown as { accountSeen: number }).accountSeen);
    process.stderr.write(`desk screen pop: ${accountSeen - rungAt} ms from the ACD ringing the agent to the account (balance, bill, tickets) on the page\n`);
    if (process.env.DESK_SCREENSHOT) await first.screenshot({ path: process.env.DESK_SCREENSHOT, fullPage: true });

    // The second agent's session sees nothing of the first agent's call.
    const callId = (await (await fetch(`http://127.0.0.1:${hotline.service.port}/v1/agents/1004`, { headers: { authorization: `Bearer ${viewer}` } })).json() as { callId: string }).callId;
    const peek = await second.evaluate(async (id) => {
      const token = (JSON.parse(sessionStorage.getItem('hotline.desk')!) as { token: string }).token;
      const get = async (path: string) => (await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status;
      return { desk: await get('/v1/desk/agents/1004'), call: await get(`/v1/desk/agents/1004/calls/${id}`), own: await get(`/v1/desk/agents/1013/calls/${id}`) };
    }, callId);
    expect(peek).toEqual({ desk: 403, call: 403, own: 403 });
    expect(await second.locator('#pop').innerText()).toContain('No call');

    // Transfer from the page: the caller lands in complaints, on the second agent's desk with the context.
    await second.keyboard.press('Alt+R');
    await second.locator('#state[data-state="available"]').waitFor();
    await first.selectOption('#transfer-queue', 'complaints');
    await first.fill('#transfer-reason', 'wants to complain about roaming');
    await first.keyboard.press('Alt+T');
    await first.locator('#state[data-state="wrap-up"]').waitFor();
    await second.locator('#pop [data-field="transfer"]').waitFor({ timeout: 20_000 });
    expect(await text(second, 'name')).toBe('Li Na');
    expect(await text(second, 'need')).toContain('complaints');
    expect(await text(second, 'transfer')).toContain('1004');
    expect(await text(second, 'transfer')).toContain('wants to complain about roaming');

    // Wrap-up asks for a disposition: key 1 is the first of the list; the customer leaves the page.
    await first.locator('#wrapup:not(.hidden)').waitFor();
    await first.keyboard.press('1');
    await first.locator('#state[data-state="available"]').waitFor();
    await first.locator('#pop.empty').waitFor();
    expect(await first.locator('body').innerText()).not.toContain('Li Na');
    const stats = await http(hotline, 'GET', '/v1/stats/agents?agent=1004', viewer);
    expect(stats.body.agents).toEqual([expect.objectContaining({ agent: '1004', calls: 1, dispositions: { resolved: 1 } })]);

    // The second agent answers, then ends the call: wrap-up on their page.
    await second.locator('#state[data-state="on-call"]').waitFor();
    const leg = hotline.sim.channels().find((c) => c.name.includes('1013') && c.state === 'Up');
    expect(leg).toBeDefined();
    await hotline.service.ari.client.channels.hangup(leg!.id);
    await calling;
    await second.locator('#state[data-state="wrap-up"]').waitFor();
  }, 60_000);
});
