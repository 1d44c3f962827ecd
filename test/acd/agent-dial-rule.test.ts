import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/service/config-schema.js';
import { ManualClock } from '../../src/time/clock.js';
import { agentDef, context, decision, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

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

describe('allowed dial strings when ringing', () => {
  it('an agent whose stored dial string is not allowed is never rung: refused as unreachable, and the call goes to the next agent', async () => {
    // An agent written by an instance with looser rules (or before the rules existed) is still in Redis.
    const prefix = uniquePrefix('dial-ring');
    const clock = new ManualClock();
    const loose = await startAcd({ redisUrl, prefix, clock, instanceId: 'loose-1', allowedDialStrings: ['.+'] });
    fixtures.push(loose);
    await loose.acd.agents.add(mallory);
    await loose.close();
    fixtures = fixtures.filter((f) => f !== loose);
    const strict = await startAcd({ redisUrl, prefix, clock, instanceId: 'strict-1' });
    fixtures.push(strict);
    await strict.acd.agents.add(agentDef('1001', { billing: 3 }));
    // Mallory has waited longest, so is offered the call first.
    await strict.acd.agents.login(mallory.id);
    await clock.advance(1);
    await strict.acd.agents.login('1001');

    const caller = strict.switch.caller('dial-ring-call');
    await strict.acd.enqueue(caller, decision({ skill: 'billing' }), context(caller.id));
    await until(() => strict.switch.rings.length > 0, 'an agent rung');
    expect(strict.switch.rings.map((r) => r.endpoint)).toEqual(['Local/1001@agents']);
    expect(await strict.acd.agents.get(mallory.id)).toMatchObject({ state: 'paused' });
    const record = await strict.recorder.forCall(caller.id);
    expect(record.find((e) => e.type === 'agent-unavailable')).toMatchObject({ agent: mallory.id, result: 'failed' });
  });
});
