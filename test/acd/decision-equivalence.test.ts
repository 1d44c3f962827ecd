import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { chooseAgent, type AgentChoice, type AvailableAgent } from '../../src/acd/choose-agent.js';
import { chooseCall, type WaitingCall } from '../../src/acd/choose-call.js';
import { ManualClock } from '../../src/time/clock.js';
import { agentDef, context, decision, queueSettings, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

/**
 * The Redis scripts decide with indexes; the choose-* functions state the rule
 * plainly. On random queues, agents and calls, both must pick the same.
 */
const redisUrl = inject('redisUrl');
const SKILLS = ['billing', 'broadband', 'general'];
const QUEUES = {
  billing: queueSettings('billing', { agingPerMinute: 10 }),
  broadband: queueSettings('broadband', { agingPerMinute: 3 }),
  general: queueSettings('general', { agingPerMinute: 0 }),
};

let fixtures: AcdFixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

function randomSkills(rnd: () => number): Record<string, number> {
  const skills: Record<string, number> = {};
  for (const s of SKILLS) if (rnd() < 0.5) skills[s] = 1 + Math.floor(rnd() * 5);
  if (!Object.keys(skills).length) skills[pick(rnd, SKILLS)] = 1 + Math.floor(rnd() * 5);
  return skills;
}

async function start(choice: AgentChoice) {
  const clock = new ManualClock();
  const f = await startAcd({ redisUrl, prefix: uniquePrefix('equiv'), clock, queues: QUEUES, agentChoice: choice });
  fixtures.push(f);
  return { ...f, clock };
}

describe('the Redis decisions follow the plain rules', () => {
  it.each([11, 29, 47])('an agent who becomes available takes the call chooseCall picks (seed %i)', async (seed) => {
    const rnd = random(seed);
    const f = await start('longest-idle');
    const model: (WaitingCall & { overflowAfterMs: number | null })[] = [];
    for (let i = 0; i < 40; i++) {
      const queue = pick(rnd, Object.keys(QUEUES));
      const overflow = rnd() < 0.5 ? { afterMs: Math.floor(rnd() * 6) * 60_000, skill: 'general', minAgentLevel: 1 + Math.floor(rnd() * 5) } : null;
      const d = decision({ queue, skill: queue, priority: pick(rnd, [20, 60, 80, 100]), minAgentLevel: 1 + Math.floor(rnd() * 4), overflow });
      const id = `c-${String(i).padStart(2, '0')}`;
      await f.acd.enqueue(f.switch.caller(id), d, context(id));
      model.push({ id, overflowAfterMs: overflow?.afterMs ?? null, skill: d.skill, minLevel: d.minAgentLevel, preferHighestLevel: false, overflow, overflowed: false, priority: d.priority, agingPerMinute: QUEUES[queue as keyof typeof QUEUES].agingPerMinute, enqueuedAt: f.clock.now() });
      await f.clock.advance(Math.floor(rnd() * 20) * 6000);
    }
    const now = f.clock.now();
    for (const call of model) {
      call.overflowed = call.overflowAfterMs !== null && now >= call.enqueuedAt + call.overflowAfterMs;
      if (call.overflowed) await until(async () => (await f.acd.status(call.id))?.overflowed, `overflow of ${call.id}`);
    }
    for (let a = 0; a < 30; a++) {
      const skills = randomSkills(rnd);
      const expected = chooseCall({ skills }, model, now);
      const id = String(3000 + a);
      const rings = f.switch.rings.length;
      await f.acd.agents.add(agentDef(id, skills));
      await f.acd.agents.login(id);
      const got = expected ? (await until(() => f.switch.rings[rings], `offer to ${id}`)).callId : null;
      if (!expected) expect(f.switch.rings.length).toBe(rings);
      expect(got).toBe(expected?.id ?? null);
      if (expected) model.splice(model.indexOf(expected), 1);
    }
  });

  it.each<[number, AgentChoice]>([[5, 'longest-idle'], [17, 'fewest-calls'], [23, 'fewest-calls']])(
    'an enqueued call takes the agent chooseAgent picks (seed %i, %s)',
    async (seed, choice) => {
      const rnd = random(seed);
      const f = await start(choice);
      const free: AvailableAgent[] = [];
      for (let a = 0; a < 40; a++) {
        const id = String(4000 + a);
        const skills = randomSkills(rnd);
        const callsToday = Math.floor(rnd() * 4);
        await f.acd.agents.add(agentDef(id, skills));
        await f.redis.hset(`${(f.acd.agents as unknown as { store: { base: string } }).store.base}:agent:${id}`, 'calls', String(callsToday));
        await f.acd.agents.login(id);
        free.push({ id, skills, callsToday, idleSince: f.clock.now() });
        await f.clock.advance(1 + Math.floor(rnd() * 3));
      }
      for (let i = 0; i < 40; i++) {
        const queue = pick(rnd, Object.keys(QUEUES));
        const prefer = rnd() < 0.3;
        const d = decision({ queue, skill: queue, minAgentLevel: 1 + Math.floor(rnd() * 5), preferHighestLevel: prefer });
        const expected = chooseAgent({ skill: d.skill, minLevel: d.minAgentLevel, preferHighestLevel: prefer, overflow: null, overflowed: false }, free, choice);
        const id = `c-${i}`;
        const rings = f.switch.rings.length;
        const result = await f.acd.enqueue(f.switch.caller(id), d, context(id));
        if (expected) {
          const ring = await until(() => f.switch.rings[rings], `offer of ${id}`);
          expect(ring.endpoint).toBe(`Local/${expected.id}@agents`);
          free.splice(free.indexOf(expected), 1);
        } else {
          expect(result).toMatchObject({ kind: 'queued' });
          expect(f.switch.rings.length).toBe(rings);
        }
      }
    },
  );
});
