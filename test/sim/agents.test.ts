import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { EventStream, eventually, rest, startSim } from './sim-harness.js';

describe('scripted agent endpoints', () => {
  let sim: SimulatedAsterisk;
  let ivr: EventStream;

  beforeEach(async () => {
    sim = await startSim({ speed: 20 });
    ivr = await EventStream.open(sim, 'ivr');
  });

  afterEach(async () => {
    await sim.close();
  });

  async function originate(endpoint: string, extra: Record<string, string | number> = {}): Promise<string> {
    const res = await rest(sim, 'POST', '/ari/channels', { endpoint, app: 'ivr', appArgs: 'agent,1001', callerId: '10000', ...extra });
    expect(res.status).toBe(200);
    return res.body.id;
  }

  it('rings, answers after afterMs and enters the app with the originate appArgs', async () => {
    sim.setAgent('1001', { kind: 'answer', afterMs: 2000 });
    const id = await originate('PJSIP/1001');
    const start = await ivr.waitForType('StasisStart', id);
    expect(start.args).toEqual(['agent', '1001']);
    expect(start.channel).toMatchObject({ state: 'Up', name: expect.stringMatching(/^PJSIP\/1001-[0-9a-f]{8}$/) });
    const seen = ivr.events.filter((e) => e.channel?.id === id || (e.peer as { id?: string })?.id === id)
      .map((e) => (e.type === 'Dial' ? `Dial:${e.dialstatus}` : e.type === 'ChannelStateChange' ? `State:${e.channel?.state}` : e.type));
    expect(seen).toEqual(['Dial:', 'State:Ringing', 'State:Up', 'Dial:ANSWER', 'StasisStart']);
    expect(ivr.ofType('Dial')[0]).toMatchObject({ dialstring: '1001', peer: { id } });
    expect(ivr.ofType('Dial')[0]).not.toHaveProperty('caller');
  });

  it('[originate-unanswered] never answers a no-answer agent: cause 19 when the originate times out, no StasisStart', async () => {
    sim.setAgent('1002', { kind: 'no-answer' });
    const id = await originate('PJSIP/1002', { timeout: 3 });
    const destroyed = await ivr.waitForType('ChannelDestroyed', id);
    expect(destroyed).toMatchObject({ cause: 19, cause_txt: 'User alerting, no answer' });
    expect(ivr.typesFor(id)).toEqual(['Dial', 'ChannelStateChange', 'Dial', 'ChannelDestroyed']);
    expect(ivr.ofType('Dial').at(-1)?.dialstatus).toBe('NOANSWER');
    expect(ivr.ofType('StasisStart')).toHaveLength(0);
  });

  it('[originate-unanswered] reports a busy agent with cause 17 and an unreachable one with cause 20', async () => {
    sim.setAgent('1003', { kind: 'busy' });
    sim.setAgent('1004', { kind: 'unreachable' });
    const busy = await originate('PJSIP/1003');
    const away = await originate('PJSIP/1004');
    expect(await ivr.waitForType('ChannelDestroyed', busy)).toMatchObject({ cause: 17, cause_txt: 'User busy' });
    expect(await ivr.waitForType('ChannelDestroyed', away)).toMatchObject({ cause: 20, cause_txt: 'Subscriber absent' });
    expect(ivr.typesFor(busy)).toEqual(['Dial', 'ChannelHangupRequest', 'Dial', 'ChannelDestroyed']);
    const finals = ivr.ofType('Dial').filter((e) => e.dialstatus !== '').map((e) => [(e.peer as { id: string }).id, e.dialstatus]);
    expect(finals).toEqual(expect.arrayContaining([[busy, 'BUSY'], [away, 'CHANUNAVAIL']]));
    expect(ivr.ofType('StasisStart')).toHaveLength(0);
  });

  it('hangs up after talking hangupAfterMs: HangupRequest, StasisEnd, ChannelDestroyed cause 16', async () => {
    sim.setAgent('1005', { kind: 'answer', afterMs: 0, hangupAfterMs: 1000 });
    const id = await originate('PJSIP/1005');
    await ivr.waitForType('ChannelDestroyed', id);
    expect(ivr.typesFor(id).slice(-4)).toEqual(['StasisStart', 'ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed']);
    expect(ivr.ofType('ChannelHangupRequest')[0]).toMatchObject({ cause: 16 });
    expect(ivr.ofType('ChannelDestroyed')[0]).toMatchObject({ cause: 16, cause_txt: 'Normal Clearing' });
  });

  it('reaches the same script through Local/<agent>@agents, whose ;1 half enters the app', async () => {
    sim.setAgent('1006', { kind: 'answer', afterMs: 500 });
    sim.setAgent('1007', { kind: 'busy' });
    const answered = await originate('Local/1006@agents');
    const refused = await originate('Local/1007@agents');
    const start = await ivr.waitForType('StasisStart', answered);
    expect(start.channel?.name).toMatch(/^Local\/1006@agents-[0-9a-f]{8};1$/);
    expect(await ivr.waitForType('ChannelDestroyed', refused)).toMatchObject({ cause: 17 });
    const dialOfRefused = ivr.ofType('Dial').filter((e) => (e.peer as { id: string }).id === refused).map((e) => e.dialstatus);
    expect(dialOfRefused).toEqual(['', 'BUSY']);
    // ;2 ran Dial(PJSIP/1007,30): the app (subscribed to ;2) saw DIALSTATUS.
    expect(ivr.ofType('ChannelVarset').find((e) => e.variable === 'DIALSTATUS' && e.value === 'BUSY')).toBeDefined();
  });

  it('takes the script from PUT /sim/agents/{resource} and refuses a bad one naming the field', async () => {
    const put = await rest(sim, 'PUT', '/sim/agents/1008', undefined, { kind: 'busy' });
    expect(put.status).toBe(204);
    const id = await originate('PJSIP/1008');
    expect(await ivr.waitForType('ChannelDestroyed', id)).toMatchObject({ cause: 17 });

    const bad = await rest(sim, 'PUT', '/sim/agents/1008', undefined, { kind: 'answer', afterMs: -5 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/afterMs/);
    const unknownKind = await rest(sim, 'PUT', '/sim/agents/1008', undefined, { kind: 'sleepy' });
    expect(unknownKind.status).toBe(400);
  });

  it('hangs up the ringing channel when the originator cancels it: Dial CANCEL', async () => {
    sim.setAgent('1009', { kind: 'no-answer' });
    const id = await originate('PJSIP/1009');
    await ivr.waitFor((e) => e.type === 'ChannelStateChange' && e.channel?.id === id, 'ringing');
    expect((await rest(sim, 'DELETE', `/ari/channels/${id}`)).status).toBe(204);
    await ivr.waitForType('ChannelDestroyed', id);
    expect(ivr.ofType('Dial').at(-1)).toMatchObject({ dialstatus: 'CANCEL' });
    await eventually(() => sim.channels().length === 0, 'the channel is gone');
  });

  it('lists the agent endpoints with their channels', async () => {
    sim.setAgent('1010', { kind: 'no-answer' });
    sim.setAgent('1011', { kind: 'unreachable' });
    const id = await originate('PJSIP/1010');
    const list = await rest(sim, 'GET', '/ari/endpoints');
    expect(list.body).toEqual(expect.arrayContaining([
      { technology: 'PJSIP', resource: '1010', state: 'online', channel_ids: [id] },
      { technology: 'PJSIP', resource: '1011', state: 'offline', channel_ids: [] },
    ]));
    expect((await rest(sim, 'GET', '/ari/endpoints/PJSIP/1010')).body.channel_ids).toEqual([id]);
    expect((await rest(sim, 'GET', '/ari/endpoints/SIP/1010')).status).toBe(404);
  });

  it('refuses originates without an endpoint, with a malformed one, or with an unknown technology', async () => {
    expect(await rest(sim, 'POST', '/ari/channels', { app: 'ivr' })).toMatchObject({ status: 400, body: { message: 'Endpoint must be specified' } });
    expect(await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP', app: 'ivr' })).toMatchObject({ status: 400, body: { message: 'Invalid endpoint specified' } });
    expect(await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1001' })).toMatchObject({ status: 400, body: { message: 'Application or extension must be specified' } });
    // Asterisk finds no channel driver and reports it as an allocation failure.
    expect(await rest(sim, 'POST', '/ari/channels', { endpoint: 'Nope/1', app: 'ivr' })).toMatchObject({ status: 500, body: { message: 'Allocation failed' } });
  });
});
