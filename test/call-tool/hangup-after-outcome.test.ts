import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeCall } from '../../src/call-tool/place-call.js';
import { sayAmount } from '../../src/prompts/say-amount.js';
import { heardIds, startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * The call tool on 10001 hangs up as soon as the caller has heard the answer
 * to what they asked, instead of listening to the menu again until it waits
 * for keys; --no-hangup-after-outcome keeps listening.
 */
let hotline: HotlineFixture;

beforeAll(async () => {
  hotline = await startHotline();
});
afterAll(async () => hotline?.stop());

/** As the fixture places calls, with the hang-up choice made explicitly. */
function call(number: string, from: string, keys: string[], hangupAfterOutcome?: boolean) {
  return placeCall({
    ariUrl: hotline.sim.url, user: 'ivr', password: 'ivr', serviceApp: hotline.config.ari.app,
    number, from, keys, manifest: hotline.service.manifest,
    quietMs: 150, maxQueueWaitMs: 5000, maxCallMs: 60_000,
    ...(hangupAfterOutcome === undefined ? {} : { hangupAfterOutcome }),
  });
}

async function endOf(callId: string) {
  await hotline.idle();
  const records = await hotline.service.recorder.forCall(callId);
  return { session: hotline.ends.get(callId), ended: records.find((e) => e.type === 'ended'), menus: records.filter((e) => e.type === 'menu') };
}

describe('the call tool hangs up once the outcome is known and its answer heard', () => {
  it('on 10001 by default: --keys 1 ends with the balance heard to its last word, the caller hanging up', async () => {
    const r = await call('10001', '13800000004', ['1']);
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'balance' });
    const ids = heardIds(r);
    // The balance is the last thing heard, all of it; nothing of the menu that follows.
    const answer = ['ss/balance-is', ...sayAmount(56.78, 'zh').ids];
    expect(ids.slice(-answer.length)).toEqual(answer);
    expect(r.heard.map((h) => h.text).join('')).toContain('五十六点七八元');
    expect(ids).not.toContain('ss/anything-else');
    expect(ids.filter((id) => id === 'ss/main-menu')).toHaveLength(1);

    // The IVR saw the caller hang up having been served, after one menu choice: no menu timeout, no goodbye.
    const end = await endOf(r.callId!);
    expect(end.session).toEqual({ outcome: 'self-service' });
    expect(end.ended).toMatchObject({ outcome: 'self-service' });
    expect(end.menus).toEqual([expect.objectContaining({ choice: '1' })]);
  });

  it('after several key groups it waits for the answer to the last one (this month\'s bill after the password)', async () => {
    const r = await call('10001', '13800000004', ['2', '123456#', '1']);
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'bill' });
    const ids = heardIds(r);
    expect(ids).toContain('pw/enter');
    const from = ids.indexOf('ss/bill-this-month-is');
    expect(from).toBeGreaterThan(ids.indexOf('ss/bill-menu'));
    expect(ids.slice(from, from + 1 + sayAmount(45.5, 'zh').ids.length)).toEqual(['ss/bill-this-month-is', ...sayAmount(45.5, 'zh').ids]);
    expect(ids).not.toContain('ss/anything-else');
    expect((await endOf(r.callId!)).session).toEqual({ outcome: 'self-service' });
  });

  it('with --no-hangup-after-outcome the caller keeps listening: the menu comes back after the balance', async () => {
    const r = await call('10001', '13800000004', ['1'], false);
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'balance' });
    const ids = heardIds(r);
    const at = ids.indexOf('ss/balance-is');
    expect(ids.slice(at)).toContain('ss/anything-else');
    expect(ids.slice(at)).toContain('ss/main-menu');
  });
});
