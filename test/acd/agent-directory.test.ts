import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { agentsConfigSchema } from '../../src/acd/agents-config.js';
import { ManualClock } from '../../src/time/clock.js';
import { agentDef, context, decision, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

const redisUrl = inject('redisUrl');
let fixtures: AcdFixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

async function setup() {
  const clock = new ManualClock();
  const f = await startAcd({ redisUrl, prefix: uniquePrefix('directory'), clock });
  fixtures.push(f);
  return { ...f, clock };
}

describe('agents configuration', () => {
  it('config/agents.yaml is valid and covers every skill, every level and senior level-5 agents', () => {
    const doc = parseYaml(readFileSync('config/agents.yaml', 'utf8')) as { agents: unknown };
    const agents = agentsConfigSchema.parse(doc.agents);
    expect(agents.length).toBeGreaterThanOrEqual(12);
    expect(agents.length).toBeLessThanOrEqual(20);
    const skills = new Set(agents.flatMap((a) => Object.keys(a.skills)));
    expect([...skills].sort()).toEqual(['billing', 'broadband', 'complaints', 'enterprise', 'general', 'orders', 'senior']);
    const levels = new Set(agents.flatMap((a) => Object.values(a.skills)));
    expect([...levels].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(agents.filter((a) => a.skills.senior === 5).length).toBeGreaterThanOrEqual(2);
  });

  it('rejects duplicate ids, bad dial strings and levels out of range, naming the item and field', () => {
    const result = agentsConfigSchema.safeParse([
      { id: '1001', name: 'A', dial: 'PJSIP/1001', skills: { billing: 3 } },
      { id: '1001', name: 'B', dial: 'PJSIP/1002', skills: { billing: 6 } },
      { id: '1003', name: 'C', dial: '1003', skills: {} },
    ]);
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(expect.arrayContaining([
      expect.stringMatching(/^1\.skills\.billing: must be from 1 to 5/),
      expect.stringMatching(/^2\.dial: must be an Asterisk dial string/),
      expect.stringMatching(/^2\.skills: an agent needs at least one skill/),
      expect.stringMatching(/^1\.id: duplicate agent id 1001/),
    ]));
  });
});

describe('agent directory', () => {
  it('adds agents logged out, and refuses a second agent with the same id', async () => {
    const f = await setup();
    const added = await f.acd.agents.add(agentDef('1001', { billing: 3 }));
    expect(added).toMatchObject({ id: '1001', state: 'offline', skills: { billing: 3 } });
    await expect(f.acd.agents.add(agentDef('1001', { general: 1 }))).rejects.toMatchObject({ status: 409, code: 'agent-exists' });
    await expect(f.acd.agents.add({ id: '1002', name: 'X', dial: 'PJSIP/1002', skills: { billing: 9 } })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/skills\.billing/) });
  });

  it('seeds only the configured agents Redis does not know, keeping run-time changes', async () => {
    const f = await setup();
    await f.acd.agents.add(agentDef('1001', { billing: 3 }));
    await f.acd.agents.update('1001', { skills: { billing: 5 } });
    const added = await f.acd.agents.seed([agentDef('1001', { billing: 1 }), agentDef('1002', { general: 2 })]);
    expect(added).toEqual(['1002']);
    expect((await f.acd.agents.get('1001')).skills).toEqual({ billing: 5 });
    expect((await f.acd.agents.list()).map((a) => a.id)).toEqual(['1001', '1002']);
  });

  it('a new skill given to an available agent offers them the waiting calls it allows at once', async () => {
    const f = await setup();
    await f.acd.agents.add(agentDef('1001', { general: 3 }));
    await f.acd.agents.login('1001');
    await f.acd.enqueue(f.switch.caller('c-1'), decision(), context('c-1'));
    expect(f.switch.rings).toHaveLength(0);
    await f.acd.agents.update('1001', { skills: { general: 3, billing: 2 } });
    const ring = await until(() => f.switch.rings[0], 'offer after the skill change');
    expect(ring.callId).toBe('c-1');
  });

  it('login, pause with a reason, ready and logout change the state; an illegal change is refused', async () => {
    const f = await setup();
    await f.acd.agents.add(agentDef('1001', { billing: 3 }));
    expect((await f.acd.agents.login('1001', { ready: false })).state).toBe('paused');
    expect((await f.acd.agents.ready('1001')).state).toBe('available');
    expect(await f.acd.agents.pause('1001', 'training')).toMatchObject({ state: 'paused', pauseReason: 'training' });
    expect((await f.acd.agents.logout('1001')).state).toBe('offline');
    await expect(f.acd.agents.ready('1001')).rejects.toMatchObject({ status: 409, code: 'illegal-agent-transition' });
    await expect(f.acd.agents.login('nobody')).rejects.toMatchObject({ status: 404, code: 'no-such-agent' });
  });

  it('an agent holding a call cannot be removed; a free one can', async () => {
    const f = await setup();
    await f.acd.agents.add(agentDef('1001', { billing: 3 }));
    await f.acd.agents.login('1001');
    await f.acd.enqueue(f.switch.caller('c-1'), decision(), context('c-1'));
    await until(async () => (await f.acd.agents.get('1001')).state === 'ringing', 'ringing');
    await expect(f.acd.agents.remove('1001')).rejects.toMatchObject({ status: 409, code: 'agent-busy' });
    await f.acd.agents.add(agentDef('1002', { billing: 3 }));
    await f.acd.agents.login('1002');
    await f.acd.agents.remove('1002');
    await expect(f.acd.agents.get('1002')).rejects.toMatchObject({ code: 'no-such-agent' });
    // Removed agents are out of the indexes: a new call is not offered to them.
    await f.acd.enqueue(f.switch.caller('c-2'), decision(), context('c-2'));
    expect(f.switch.rings.map((r) => r.endpoint)).toEqual(['Local/1001@agents']);
  });

  it('rejects an empty or invalid change to an agent, naming the field', async () => {
    const f = await setup();
    await f.acd.agents.add(agentDef('1001', { billing: 3 }));
    await expect(f.acd.agents.update('1001', {})).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/nothing to change/) });
    await expect(f.acd.agents.update('1001', { dial: 'nope' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^dial:/) });
  });
});
