import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sayAmount } from '../../src/prompts/say-amount.js';
import { sayPoints } from '../../src/prompts/say-points.js';
import { heardIds, startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/** 10001 end to end: the simulated Asterisk, the real ARI adapter, real Redis. */
let hotline: HotlineFixture;

beforeAll(async () => {
  hotline = await startHotline();
});
afterAll(async () => {
  await hotline?.stop();
});

async function eventsOf(callId: string) {
  return hotline.service.recorder.forCall(callId);
}

describe('10001 self-service', () => {
  it('speaks the balance of a standard customer in Mandarin', async () => {
    const r = await hotline.call('10001', '13800000004', ['1']);
    const ids = heardIds(r);
    expect(ids.slice(0, 2)).toEqual(['ss/welcome', 'ss/main-menu']);
    const balance = ['ss/balance-is', ...sayAmount(56.78, 'zh').ids];
    expect(ids.join(' ')).toContain(balance.join(' '));
    expect(r.heard.map((h) => h.text).join('')).toContain('五十六点七八元');
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'balance' });
    expect(r.pressed).toEqual(['1']);
  });

  it('tells a customer in arrears what they owe and asks them to top up', async () => {
    const r = await hotline.call('10001', '13800000005', ['1']);
    const ids = heardIds(r);
    expect(ids.join(' ')).toContain(['ss/balance-is', ...sayAmount(-12.5, 'zh').ids, 'ss/arrears-notice'].join(' '));
    expect(r.heard.map((h) => h.text).join('')).toContain('欠费十二点五元');
  });

  it('asks for the service password before this month\'s bill, then reads it', async () => {
    const r = await hotline.call('10001', '13800000004', ['2', '123456#', '1']);
    const ids = heardIds(r);
    expect(ids).toContain('pw/enter');
    expect(ids).toContain('ss/bill-menu');
    expect(ids.join(' ')).toContain(['ss/bill-this-month-is', ...sayAmount(45.5, 'zh').ids].join(' '));
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'bill' });
  });

  it('reads last month\'s bill with its main items, largest first', async () => {
    const r = await hotline.call('10001', '13800000004', ['2', '123456#', '2']);
    const ids = heardIds(r).join(' ');
    expect(ids).toContain(['ss/bill-last-month-is', ...sayAmount(88, 'zh').ids, 'ss/bill-items-intro',
      'bill-item/plan', ...sayAmount(39, 'zh').ids, 'bill-item/data', ...sayAmount(30, 'zh').ids,
      'bill-item/voice', ...sayAmount(19, 'zh').ids].join(' '));
  });

  it('asks for the password only once per call', async () => {
    const r = await hotline.call('10001', '13800000004', ['2', '123456#', '1', '4']);
    expect(heardIds(r).filter((id) => id === 'pw/enter')).toHaveLength(1);
    expect(heardIds(r)).toContain('order-type/relocation');
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'orders' });
  });

  it('speaks loyalty points', async () => {
    const r = await hotline.call('10001', '13800000004', ['3']);
    expect(heardIds(r).join(' ')).toContain(['ss/points-are', ...sayPoints(1200, 'zh').ids].join(' '));
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'points' });
  });

  it('says there are no orders in progress when there are none', async () => {
    const r = await hotline.call('10001', '13800000005', ['4', '123456#']);
    expect(heardIds(r)).toContain('ss/orders-none');
  });

  it('a key pressed during a prompt interrupts it and counts as the choice (barge-in)', async () => {
    const r = await hotline.call('10001', '13800000004', ['1'], { keyTiming: 'during-prompt' });
    const ids = heardIds(r);
    expect(ids[0]).toBe('ss/welcome');
    expect(ids).toContain('ss/balance-is');
    // The key came during the welcome: the main menu before the balance was skipped.
    expect(ids.slice(0, ids.indexOf('ss/balance-is'))).not.toContain('ss/main-menu');
  });

  it('silence gets "we did not hear you" and the menu again, then a polite goodbye after the retries', async () => {
    const r = await hotline.call('10001', '13800000004', []);
    expect(heardIds(r)).toEqual([
      'ss/welcome', 'ss/main-menu',
      'common/no-input', 'ss/main-menu',
      'common/no-input', 'ss/main-menu',
      'common/goodbye',
    ]);
    expect(r.outcome).toEqual({ kind: 'hangup', reason: 'goodbye' });
  });

  it('an invalid key gets "invalid choice" and the menu again', async () => {
    const r = await hotline.call('10001', '13800000004', ['7', '3']);
    const ids = heardIds(r);
    expect(ids.slice(0, 4)).toEqual(['ss/welcome', 'ss/main-menu', 'common/invalid-choice', 'ss/main-menu']);
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'points' });
  });

  it('* repeats the menu without counting as a mistake', async () => {
    const r = await hotline.call('10001', '13800000004', ['*', '3']);
    const ids = heardIds(r);
    expect(ids.slice(0, 3)).toEqual(['ss/welcome', 'ss/main-menu', 'ss/main-menu']);
    expect(ids).not.toContain('common/invalid-choice');
  });

  it('0 reaches a human through the routing, with what the caller already did', async () => {
    const r = await hotline.call('10001', '13800000004', ['1', '0'], { maxQueueWaitMs: 300 });
    const ids = heardIds(r);
    expect(ids).toContain('route/connecting-to');
    expect(r.outcome).toMatchObject({ kind: 'queued', tier: 'standard' });
    await hotline.idle();
    const route = (await eventsOf(r.callId!)).find((e) => e.type === 'route');
    // Used self-service, then asked for a human: a transfer with its context (rule 3).
    expect(route).toMatchObject({ type: 'route', rules: expect.arrayContaining([3]) });
  });

  it('a caller who is not a customer hears so and is offered a human', async () => {
    const r = await hotline.call('10001', '02100000001', ['1']);
    expect(heardIds(r)).toContain('common/not-a-customer');
    expect(heardIds(r)).toContain('common/offer-agent');
  });
});

describe('10001 service password', () => {
  it('three wrong passwords lock it, and it is still locked on a second instance', async () => {
    const r = await hotline.call('10001', '13800000003', ['2', '000000#', '111111#', '222222#']);
    const ids = heardIds(r);
    expect(ids.filter((id) => id === 'pw/wrong')).toHaveLength(2);
    expect(ids).toContain('pw/locked');
    const second = await startHotline({ sharePrefix: hotline.prefix });
    try {
      const again = await second.call('10001', '13800000003', ['2']);
      expect(heardIds(again)).toContain('pw/locked');
      expect(heardIds(again)).not.toContain('pw/enter');
    } finally {
      await second.stop();
    }
  });

  it('the seeded locked customer cannot enter the password', async () => {
    const r = await hotline.call('10001', '13800000007', ['2']);
    expect(heardIds(r)).toContain('pw/locked');
  });
});

describe('10001 hang-ups leave nothing behind', () => {
  async function expectClosed(callId: string, outcome: string) {
    await hotline.idle();
    const events = await eventsOf(callId);
    expect(events.at(-1)).toMatchObject({ type: 'ended', outcome });
    expect(hotline.sim.channels().filter((c) => c.id === callId)).toEqual([]);
    // StasisEnd may still be on its way when the session has ended on the hang-up request.
    await expect.poll(() => hotline.service.callControl.resources().calls, { timeout: 5000 }).toBe(0);
  }

  it('hang-up in the middle of a prompt', async () => {
    const r = await hotline.call('10001', '13800000004', [], { hangupWhen: (p) => p.heard.some((h) => h.media.endsWith('ss/main-menu')) });
    await expectClosed(r.callId!, 'caller-hangup');
  });

  it('hang-up during password entry', async () => {
    const r = await hotline.call('10001', '13800000004', ['2', '12'], { hangupWhen: (p) => p.pressed.includes('12') });
    await expectClosed(r.callId!, 'caller-hangup');
  });

  it('hang-up after hearing the balance counts as served', async () => {
    const r = await hotline.call('10001', '13800000004', ['1'], { hangupWhen: (p) => p.heard.some((h) => h.media.endsWith('ss/anything-else')) });
    await expectClosed(r.callId!, 'self-service');
  });
});

describe('10001 with a failing customer backend', () => {
  let crm: Server;
  let slow: HotlineFixture;

  beforeAll(async () => {
    crm = createServer((req, res) => {
      if (req.url?.startsWith('/customers/by-phone/')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          phone: '13800000004', accountId: 'X4', name: 'Liu Yang', monthlySpend: 88, enterpriseClass: null, vip: false,
          downgradeTo: null, balance: 0, points: 0, bills: [], orders: [], passwordHash: null,
        }));
        return;
      }
      // Everything else hangs past the timeout.
      setTimeout(() => res.writeHead(200).end('{"balance": 1}'), 3000);
    });
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
    const addr = crm.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    slow = await startHotline({ overrides: { customers: { source: { backend: 'http', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200, retries: 0 } } } });
  });
  afterAll(async () => {
    await slow?.stop();
    crm.closeAllConnections();
    await new Promise<void>((r) => crm.close(() => r()));
  });

  it('a slow backend gets "temporarily unavailable" and the offer of a human, never silence', async () => {
    const r = await slow.call('10001', '13800000004', ['1']);
    const ids = heardIds(r);
    expect(ids.join(' ')).toContain('common/service-unavailable common/offer-agent');
    await slow.idle();
    expect((await slow.service.recorder.forCall(r.callId!)).some((e) => e.type === 'self-service' && e.result === 'unavailable')).toBe(true);
  });

  it('the caller can take the offer and press 0 for a human', async () => {
    const r = await slow.call('10001', '13800000004', ['1', '0'], { maxQueueWaitMs: 300 });
    expect(r.outcome).toMatchObject({ kind: 'queued' });
  });

  it('hang-up while the backend is answering ends the call cleanly', async () => {
    const r = await slow.call('10001', '13800000004', ['1'], { hangupWhen: (p) => p.pressed.length === 1 });
    await slow.idle();
    const events = await slow.service.recorder.forCall(r.callId!);
    expect(events.at(-1)).toMatchObject({ type: 'ended', outcome: 'caller-hangup' });
    expect(slow.sim.channels()).toEqual([]);
  });
});
