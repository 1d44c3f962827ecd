import { describe, expect, it } from 'vitest';
import { SwitchDial, extensionOf } from '../../src/acd/switch-dial.js';
import { DialRule } from '../../src/acd/dial-rule.js';
import { loadConfig } from '../../src/service/config-schema.js';

/** Two switches, a and b, this instance serving both; one agent on each. */
const TWO = {
  ari: {
    servers: [
      { id: 'a', url: 'http://asterisk-a:8088', app: 'ivr-1' },
      { id: 'b', url: 'http://asterisk-b:8088', user: 'ivr-b', password: 'secret-b' },
    ],
  },
  acd: {
    allowedDialStrings: ['PJSIP/\\d{3,8}', 'PJSIP/\\d{3,8}@trunk-[ab]'],
    crossSwitchDial: { a: { b: 'PJSIP/{ext}@trunk-b' }, b: { a: 'PJSIP/{ext}@trunk-a' } },
  },
  agents: [
    { id: '1001', name: 'On a', dial: 'PJSIP/1001', switch: 'a', skills: { general: 3 } },
    { id: '2001', name: 'On b', dial: 'PJSIP/2001', switch: 'b', skills: { general: 3 } },
  ],
};

const load = (overrides: Record<string, unknown>, env: Record<string, string> = {}) => loadConfig({ env, overrides });

describe('several switches: configuration', () => {
  it('keeps the one-switch configuration as it was: ari.url and ari.app (ARI_URL, ARI_APP) are the switch "main", served', () => {
    const config = load({}, { ARI_URL: 'http://pbx:8088', ARI_APP: 'ivr-7' });
    expect(config.ari.url).toBe('http://pbx:8088');
    expect(config.ari.app).toBe('ivr-7');
    expect(config.ari.switches).toEqual([{ id: 'main', url: 'http://pbx:8088', user: 'ivr', password: 'ivr', app: 'ivr-7' }]);
    expect(config.ari.serve).toEqual(['main']);
    expect(load({}).ari.url).toBe('http://127.0.0.1:8088');
  });

  it('lists the servers with the section\'s user, password and app where a server names none, and serves all of them by default', () => {
    const config = load(TWO);
    expect(config.ari.switches).toEqual([
      { id: 'a', url: 'http://asterisk-a:8088', user: 'ivr', password: 'ivr', app: 'ivr-1' },
      { id: 'b', url: 'http://asterisk-b:8088', user: 'ivr-b', password: 'secret-b', app: 'ivr' },
    ]);
    expect(config.ari.serve).toEqual(['a', 'b']);
    // The instance's own URL and app are the first switch served.
    expect([config.ari.url, config.ari.app]).toEqual(['http://asterisk-a:8088', 'ivr-1']);
    const onlyB = load({ ...TWO, ari: { ...TWO.ari, serve: ['b'] } });
    expect(onlyB.ari.serve).toEqual(['b']);
    expect([onlyB.ari.url, onlyB.ari.app]).toEqual(['http://asterisk-b:8088', 'ivr']);
  });

  it('refuses duplicate ids, a serve naming an unknown switch, one app twice on one Asterisk, and ari.url beside servers', () => {
    const servers = TWO.ari.servers;
    expect(() => load({ ...TWO, ari: { servers: [servers[0], { ...servers[1], id: 'a' }] } })).toThrow(/ari\.servers\.1\.id: duplicate switch id "a" \(also servers\.0\)/);
    expect(() => load({ ...TWO, ari: { servers, serve: ['a', 'c'] } })).toThrow(/ari\.serve\.1: unknown switch "c" \(ari\.servers has "a", "b"\)/);
    expect(() => load({ ...TWO, ari: { servers, serve: ['a', 'a'] } })).toThrow(/ari\.serve\.1: switch "a" is named twice/);
    expect(() => load({ ...TWO, ari: { servers: [servers[0], { id: 'b', url: 'http://asterisk-a:8088/', app: 'ivr-1' }] } }))
      .toThrow(/ari\.servers\.1\.app: switches "a" and "b" are the same Stasis app "ivr-1" on the same ARI URL/);
    expect(() => load(TWO, { ARI_URL: 'http://pbx:8088' })).toThrow(/ari\.url: ari\.url \(ARI_URL\) and ari\.servers are both set/);
    expect(() => load({ ari: { serve: ['b'] } })).toThrow(/ari\.serve\.0: unknown switch "b" \(ari\.servers has "main"\)/);
  });

  it('an agent\'s switch must exist, and every other switch must reach it with an allowed dial string', () => {
    expect(load(TWO).agents.map((a) => a.switch)).toEqual(['a', 'b']);
    const agents = (patch: Record<string, unknown>) => [{ ...TWO.agents[0], ...patch }, TWO.agents[1]];
    expect(() => load({ ...TWO, agents: agents({ switch: 'c' }) })).toThrow(/agents\.0\.switch: unknown switch "c"/);
    expect(() => load({ ...TWO, acd: { ...TWO.acd, crossSwitchDial: { a: { b: 'PJSIP/{ext}@trunk-b' } } } }))
      .toThrow(/agents\.0\.switch: no dial string reaches switch "a" \(agent 1001\) from switch "b" \(acd\.crossSwitchDial\.b\.a\)/);
    expect(() => load({ ...TWO, acd: { ...TWO.acd, allowedDialStrings: ['PJSIP/\\d{3,8}'] } }))
      .toThrow(/agents\.0\.switch: from switch "b": "PJSIP\/1001@trunk-a" is not an agent endpoint this service may ring \(acd\.allowedDialStrings/);
    expect(() => load({ ...TWO, acd: { ...TWO.acd, crossSwitchDial: { ...TWO.acd.crossSwitchDial, c: { a: 'PJSIP/{ext}@x' } } } }))
      .toThrow(/acd\.crossSwitchDial: acd\.crossSwitchDial\.c: unknown switch "c"/);
    // Without a switch an agent is on the first one; one switch needs no pair.
    expect(load({ ...TWO, agents: agents({ switch: undefined }) }).agents[0]!.switch).toBeUndefined();
    expect(() => load({ agents: [{ ...TWO.agents[0], switch: 'main' }] })).not.toThrow();
  });

  it('the same dial string may be used once on each switch', () => {
    const twin = { ...TWO.agents[1], id: '2002', dial: 'PJSIP/1001' };
    expect(() => load({ ...TWO, agents: [...TWO.agents, twin] })).not.toThrow();
    expect(() => load({ ...TWO, agents: [...TWO.agents, { ...twin, switch: 'a' }] })).toThrow(/dial string PJSIP\/1001 is already used by item 0/);
  });
});

describe('several switches: the dial string for a pair', () => {
  const dial = new SwitchDial({ switches: ['a', 'b'], crossSwitchDial: { b: { a: 'PJSIP/{ext}@trunk-a;{id}' } } });

  it('is the agent\'s own on their switch, the pair\'s template from another, and nothing where no pair is set', () => {
    const agent = { id: 'zhang', dial: 'Local/1001@agents', switch: 'a' };
    expect(dial.dialFor(agent, 'a')).toEqual({ dial: 'Local/1001@agents' });
    expect(dial.dialFor(agent, 'b')).toEqual({ dial: 'PJSIP/1001@trunk-a;zhang' });
    expect(dial.dialFor({ ...agent, switch: 'b' }, 'a')).toEqual({ problem: expect.stringContaining('acd.crossSwitchDial.a.b') });
    // No switch: the first.
    expect(dial.dialFor({ id: 'x', dial: 'PJSIP/1009' }, 'b')).toEqual({ dial: 'PJSIP/1009@trunk-a;x' });
    expect(dial.problems({ id: 'x', dial: 'PJSIP/1009' }, new DialRule(['PJSIP/\\d+', 'PJSIP/\\d+@trunk-a;x']))).toEqual([]);
    expect(extensionOf('PJSIP/1001')).toBe('1001');
    expect(extensionOf('Local/1001@agents')).toBe('1001');
  });
});
