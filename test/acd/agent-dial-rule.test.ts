import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/service/config-schema.js';
import { ManualClock } from '../../src/time/clock.js';
import { agentDef, startAcd, uniquePrefix, type AcdFixture } from './support/acd-fixture.js';

/** An agent's dial string is what the switch rings in the service's name: only the allowed patterns, from the file as from the API. */
const redisUrl = inject('redisUrl');
let fixtures: AcdFixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

const mallory = { id: '1999', name: 'Mallory', dial: 'PJSIP/00900123456@trunk', skills: { billing: 3 } };

describe('allowed dial strings at start-up', () => {
  it('a configuration whose agent dials a trunk or a context back into the hotline is refused, naming the agent, the field and the rule', () => {
    const load = () => loadConfig({ env: {}, overrides: { agents: [agentDef('1001', { billing: 3 }), mallory, { ...mallory, id: '1998', dial: 'Local/10000@from-external' }] } });
    expect(load).toThrow(/agents\.1\.dial: "PJSIP\/00900123456@trunk" is not an agent endpoint.*acd\.allowedDialStrings/);
    expect(load).toThrow(/agents\.2\.dial: "Local\/10000@from-external"/);
  });

  it('the allowed patterns are configurable, and a pattern that is not a regular expression is refused naming it', () => {
    const config = loadConfig({ env: {}, overrides: { acd: { allowedDialStrings: ['SIP/\\d{4}'] }, agents: [{ ...mallory, dial: 'SIP/1999' }] } });
    expect(config.agents.map((a) => a.dial)).toEqual(['SIP/1999']);
    expect(() => loadConfig({ env: {}, overrides: { acd: { allowedDialStrings: ['PJSIP/(\\d+'] } } })).toThrow(/acd\.allowedDialStrings\.0: not a valid regular expression/);
  });

  it('the shipped agents all dial their own phones', () => {
    expect(loadConfig({ env: {} }).agents.every((a) => /^Local\/\d{4}@agents$/.test(a.dial))).toBe(true);
  });

  it('seeding refuses a bad dial string before writing any agent', async () => {
    const f = await startAcd({ redisUrl, prefix: uniquePrefix('dial-rule'), clock: new ManualClock() });
    fixtures.push(f);
    await expect(f.acd.agents.seed([agentDef('1001', { billing: 3 }), mallory])).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/^agents\.1\.dial: .*acd\.allowedDialStrings/),
      details: { field: 'agents.1.dial', rule: 'acd.allowedDialStrings' },
    });
    expect(await f.acd.agents.list()).toEqual([]);
  });
});
