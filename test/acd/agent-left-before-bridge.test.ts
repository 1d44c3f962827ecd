import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallControl } from '../../src/call-control/call-control.js';
import { agentDef, context, decision, eventTypes, until } from './support/acd-fixture.js';
import { startAcdOverSim, type AcdOverSim } from './support/acd-over-sim.js';

/**
 * An agent answers, but the service is slow to put the caller through (Redis
 * stalled, the machine busy) and the agent, hearing nothing, hangs up before
 * the bridge is made. Nobody talked to the caller: they keep their place and
 * are served by the next offer — not recorded answered and hung up on as if
 * the call had been handled.
 */
const AGENT = '1901';
let world: AcdOverSim;
/** The first bridge is made only once the agent's first leg has gone; then the agent stays on. */
let firstBridge = true;

beforeAll(async () => {
  world = await startAcdOverSim({
    name: 'left-before-bridge',
    wrap: (control, sim) => {
      const slow: CallControl = Object.create(control) as CallControl;
      slow.createBridge = async (name) => {
        if (firstBridge) {
          firstBridge = false;
          await until(() => !sim.channels().some((c) => c.name.includes(`/${AGENT}`)), "the agent's leg gone");
          sim.setAgent(AGENT, { kind: 'answer', afterMs: 200 });
        }
        return control.createBridge(name);
      };
      return slow;
    },
  });
});

afterAll(async () => {
  await world?.hangUpAll();
  await world?.stop();
});

describe('an agent whose leg ends before the caller is put through', () => {
  it('leaves the caller in the queue, who is then served by a leg that does join them', async () => {
    const { sim, harness, acd, incoming, recorder } = world;
    const caller = await harness.call('10000', { from: '13800000019' });
    const call = await until(() => incoming.find((c) => c.callerNumber === '13800000019'), 'the call in the service');
    await caller.waitForService();
    const queued = await acd.enqueue(call, decision(), context(call.id, { callerNumber: '13800000019' }));
    if (queued.kind !== 'queued') throw new Error('not queued');
    // Answers after 10 ms and hangs up 25 ms later (speed 20).
    sim.setAgent(AGENT, { kind: 'answer', afterMs: 200, hangupAfterMs: 500 });
    await acd.agents.add(agentDef(AGENT, { billing: 2 }));
    await acd.agents.login(AGENT);

    expect(await queued.settled).toMatchObject({ kind: 'answered', agent: AGENT });
    const bridge = await until(() => sim.bridges().find((b) => b.channels.includes(call.id)), "the caller's bridge", 5000).catch(() => null);
    expect({ callerUp: sim.channels().some((c) => c.id === call.id), bridged: bridge?.channels.length ?? 0 }).toEqual({ callerUp: true, bridged: 2 });
    const types = await eventTypes(recorder, call.id);
    expect(types.filter((t) => t === 'answered')).toHaveLength(1);
    expect(types.filter((t) => t === 'offered')).toHaveLength(2);
    expect(types).not.toContain('ended');
  });
});
