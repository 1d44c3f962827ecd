import { request } from 'undici';
import type { HotlineFixture } from './hotline-fixture.js';

/**
 * A scripted day on the billing queue through the simulated Asterisk, with
 * known outcomes (README, "Statistics: definitions"): three callers give up
 * after different waits while nobody is staffed, one asks for a callback that
 * a supervisor then cancels through the API, one is answered at once and one
 * after waiting for an agent back from a break.
 *
 * Thresholds are shortened so the day runs in seconds: short abandon 1 s,
 * service-level threshold 2 s for the queue and for both tiers. Start the
 * hotline with SCRIPTED_DAY_OVERRIDES.
 */
export const SCRIPTED_DAY_OVERRIDES = {
  stats: { shortAbandonSec: 1 },
  queues: { billing: { serviceLevelThresholdSec: 2, wrapUpSec: 0 } },
  routing: { tiers: { standard: { serviceLevelTarget: { seconds: 2 } }, gold: { serviceLevelTarget: { seconds: 2 } } } },
};

/** The callers of the day (standard and gold tier customers in config/customers.sample.json). */
export const SCRIPTED_DAY_CALLERS = { standard: '13800000004', gold: '13800000002' } as const;

export interface ScriptedDayOptions {
  /** Why the supervisor cancels the callback. Default "customer called back". */
  cancelReason?: string;
}

export interface ScriptedDay {
  /** When the first call was placed (ms since the epoch). */
  startedAt: number;
  /** The callback requested and then cancelled. */
  callbackId: string;
  /** The supervisor's key that cancelled it (named "sup"). */
  supervisorKey: string;
}

export async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('scenario step did not happen in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function runScriptedDay(hotline: HotlineFixture, options: ScriptedDayOptions = {}): Promise<ScriptedDay> {
  const { standard, gold } = SCRIPTED_DAY_CALLERS;
  hotline.sim.setAgent('1005', { kind: 'answer', afterMs: 100, hangupAfterMs: 4000 });
  const startedAt = Date.now();

  // Nobody staffed: three callers give up after different waits.
  await Promise.all([
    hotline.call('10000', standard, ['1'], { maxQueueWaitMs: 200 }),    // standard: short abandon (< 1 s)
    hotline.call('10000', standard, ['1'], { maxQueueWaitMs: 1400 }),   // standard: abandoned within 2 s
    hotline.call('10000', gold, ['1'], { maxQueueWaitMs: 3500 }),       // gold: abandoned after 2 s
  ]);
  // A standard caller asks for a callback with key 5 (1 = this number); it is then cancelled by a supervisor.
  const callback = await hotline.call('10000', standard, ['1', '5', '1'], { maxQueueWaitMs: 5000 });
  if (callback.outcome.kind !== 'callback') throw new Error(`expected a callback, got ${JSON.stringify(callback.outcome)}`);
  const callbackId = callback.outcome.callbackId;
  const supervisorKey = (await hotline.service.keys.create({ role: 'supervisor', name: 'sup' })).key;
  const reason = encodeURIComponent(options.cancelReason ?? 'customer called back');
  const cancelled = await request(`http://127.0.0.1:${hotline.service.port}/v1/callbacks/${callbackId}?reason=${reason}`, {
    method: 'DELETE', headers: { authorization: `Bearer ${supervisorKey}` },
  });
  if (cancelled.statusCode !== 200) throw new Error(`cancel failed: ${cancelled.statusCode} ${await cancelled.body.text()}`);
  await cancelled.body.text();
  // An agent is free: answered at once.
  await hotline.service.acd.agents.login('1005', { ready: true });
  await hotline.call('10000', gold, ['1'], { maxQueueWaitMs: 5000, talkMs: 1000 });   // gold: answered within 2 s
  await hotline.idle();
  await until(async () => (await hotline.service.acd.agents.get('1005')).state === 'available');
  // The agent steps away; the next caller waits 3 s for them.
  await hotline.service.acd.agents.pause('1005', 'break');
  const late = hotline.call('10000', standard, ['1'], { maxQueueWaitMs: 10_000, talkMs: 1000 });   // standard: answered after 2 s
  await until(async () => (await hotline.service.acd.waiting('billing')).length === 1);
  await new Promise((r) => setTimeout(r, 3000));
  await hotline.service.acd.agents.ready('1005');
  await late;
  await hotline.idle();
  return { startedAt, callbackId, supervisorKey };
}
