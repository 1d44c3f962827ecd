import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CallbackStore } from '../../src/callbacks/callback-store.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { until } from '../acd/support/acd-fixture.js';
import { startCallbackWorld } from './support/callback-world.js';

/**
 * A callback rings its agent with the customer's number in the service's
 * name, as a live call does: an agent whose stored dial string is not one the
 * rules allow (written before the rules, or by an instance with looser ones)
 * is never rung for it.
 */
const redisUrl = inject('redisUrl');
/** Customers may be called at any hour here (the wall clock decides nothing in this test). */
const ANY_HOUR = { outbound: { quietHours: null } };
let sim: SimulatedAsterisk;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: 'no-callers' });
});
afterAll(async () => {
  await sim?.close();
});

describe('callbacks and the dial-string rule', () => {
  it('an agent with a trunk dial string is refused without being rung; the callback goes to the next agent', async () => {
    const prefix = `test:cb:dialrule:${randomUUID().slice(0, 8)}`;
    const app = `cbdr-${randomUUID().slice(0, 6)}`;
    const trunk = 'PJSIP/00900123456@trunk';
    const loose = await startCallbackWorld({ redisUrl, prefix, simUrl: sim.url, app: `${app}-loose`, allowedDialStrings: ['.+'], callbacks: ANY_HOUR });
    await loose.acd.agents.add({ id: '7901', name: 'Mallory', dial: trunk, skills: { billing: 3 } });
    await loose.stop();

    const world = await startCallbackWorld({ redisUrl, prefix, simUrl: sim.url, app, callbacks: ANY_HOUR });
    try {
      sim.setAgent('7902', { kind: 'answer', afterMs: 200 });
      await world.acd.agents.add({ id: '7902', name: 'Agent 7902', dial: 'PJSIP/7902', skills: { billing: 3 } });
      // Mallory has waited longest: offered first.
      await world.acd.agents.login('7901');
      await new Promise((r) => setTimeout(r, 5));
      await world.acd.agents.login('7902');
      const number = '13900009901';
      sim.setAgent(number, { kind: 'answer', afterMs: 300, hangupAfterMs: 40_000 });
      const { callbackId } = await world.callbacks.request({
        callId: 'dialrule-call', queue: 'billing', skill: 'billing', minAgentLevel: 1, priority: 20, preferHighestLevel: false,
        overflow: null, tier: 'standard', number, context: null, reason: 'need billing', lang: 'zh',
      });
      const store = new CallbackStore(world.redis, prefix, 3600);
      await until(async () => (await store.get(callbackId))?.state === 'connected', 'the callback connected', 30_000);
      const rung = sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels/') && r.path.includes(callbackId)).map((r) => r.query.endpoint);
      expect(rung).not.toContain(trunk);
      expect(rung).toContain('PJSIP/7902');
      expect(await world.acd.agents.get('7901')).toMatchObject({ state: 'paused' });
    } finally {
      await world.stop();
    }
  }, 60_000);
});
