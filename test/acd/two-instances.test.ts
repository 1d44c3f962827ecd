import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { systemClock } from '../../src/time/clock.js';
import type { CallSettlement, QueuedCall } from '../../src/acd/call-queue.js';
import { FakeCallControl } from './support/fake-call-control.js';
import { agentDef, context, decision, queueSettings, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

const redisUrl = inject('redisUrl');
let fixtures: AcdFixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

const CALLS = 2000;
const AGENTS = 200;

describe('two service instances on one Redis', () => {
  it('racing on 2,000 calls and 200 agents, never give an agent two calls nor a call two agents', async () => {
    const prefix = uniquePrefix('race');
    const queues = { billing: queueSettings('billing', { maxWaiting: CALLS }), general: queueSettings('general') };
    const switches = [new FakeCallControl(), new FakeCallControl()];
    const active = new Map<string, number>();
    const rungFor = new Map<string, string[]>();
    let overlaps = 0;
    for (const sw of switches) {
      sw.setDefault({ kind: 'answer', hangupAfterAnswer: true });
      sw.onOriginate = (options) => {
        const now = (active.get(options.endpoint) ?? 0) + 1;
        active.set(options.endpoint, now);
        if (now > 1) overlaps++;
        const callId = options.variables?.HOTLINE_CALL_ID ?? '';
        rungFor.set(callId, [...(rungFor.get(callId) ?? []), options.endpoint]);
      };
    }
    // An agent leg is over when it hangs up (once bridged); only then may the agent ring again.
    const trackLegs = (sw: FakeCallControl) => {
      const original = sw.originate.bind(sw);
      sw.originate = async (options) => {
        const result = await original(options);
        const over = () => active.set(options.endpoint, (active.get(options.endpoint) ?? 1) - 1);
        if (result.kind === 'answered') void result.call.ended.then(over);
        else over();
        return result;
      };
    };
    switches.forEach(trackLegs);

    const [a, b] = await Promise.all(
      switches.map((sw, i) => startAcd({ redisUrl, prefix, clock: systemClock, instanceId: `node-${i}`, queues, callControl: sw })),
    );
    fixtures.push(a!, b!);
    const instances = [a!, b!];

    const defs = Array.from({ length: AGENTS }, (_, i) => agentDef(String(5000 + i), i % 3 === 0 ? { billing: 1 + (i % 5), general: 3 } : { billing: 1 + (i % 5) }));
    await Promise.all(defs.map((d, i) => instances[i % 2]!.acd.agents.add(d)));

    // Half the agents are free before the calls come (calls take agents as they
    // arrive), the other half log in while calls wait (agents take calls).
    const early = defs.slice(0, AGENTS / 2);
    const late = defs.slice(AGENTS / 2);
    await Promise.all(early.map((d, i) => instances[i % 2]!.acd.agents.login(d.id)));
    const handles: Promise<QueuedCall>[] = [];
    const logins: Promise<unknown>[] = [];
    for (let i = 0; i < CALLS; i++) {
      const f = instances[i % 2]!;
      const id = `race-${i}`;
      handles.push(
        f.acd.enqueue(f.switch.caller(id), decision({ priority: [20, 60, 80, 100][i % 4]! }), context(id)).then((r) => {
          if (r.kind !== 'queued') throw new Error(`call ${id} not queued`);
          return r;
        }),
      );
      // Agents log in on alternating instances while calls arrive.
      if (i % 10 === 0 && i / 10 < late.length) logins.push(instances[(i / 10 + 1) % 2]!.acd.agents.login(late[i / 10]!.id));
    }
    await Promise.all(logins);
    const queued = await Promise.all(handles);
    const settled: CallSettlement[] = await Promise.all(queued.map((q) => q.settled));

    expect(settled.every((s) => s.kind === 'answered')).toBe(true);
    expect(overlaps).toBe(0);
    expect(rungFor.size).toBe(CALLS);
    expect([...rungFor.values()].every((agents) => agents.length === 1)).toBe(true);
    // Calls were rung by both instances, for agents freed on either.
    expect(switches.every((sw) => sw.rings.length > 0)).toBe(true);

    await until(async () => (await a!.acd.agents.list()).every((ag) => ag.state === 'available'), 'all agents available again');
    const agents = await a!.acd.agents.list();
    expect(agents.reduce((sum, ag) => sum + ag.callsToday, 0)).toBe(CALLS);
    expect(await a!.acd.waiting()).toEqual([]);
    const answered = (await a!.recorder.range()).filter((e) => e.type === 'answered');
    expect(answered).toHaveLength(CALLS);
    expect(new Set(answered.map((e) => e.callId)).size).toBe(CALLS);
  });
});
