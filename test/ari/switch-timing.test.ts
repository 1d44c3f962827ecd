import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AriConnection } from '../../src/ari/ari-connection.js';
import { AriCallControl } from '../../src/call-control/ari-call-control.js';
import type { Call } from '../../src/call-control/call-control.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { AriHarness } from '../support/ari-harness.js';

/**
 * The call control against the simulated Asterisk behaving like a real one
 * under load: a prompt occupies its channel's command queue (addChannel and
 * variable sets wait for its end), and the switch can be made slow. Prompts
 * last a minute here, so anything that waited for one would miss the test's
 * deadline instead of passing slowly.
 */
let sim: SimulatedAsterisk;
let service: AriConnection;
let control: AriCallControl;
let harness: AriHarness;
const incoming: Call[] = [];

const PROMPT_MS = 60_000;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 1, soundsDir: null, defaultPlaybackMs: PROMPT_MS, dialplanApp: 'ivr' });
  service = new AriConnection({
    url: sim.url,
    user: 'ivr',
    password: 'ivr',
    app: 'ivr',
    requestTimeoutMs: 3000,
    rest: { originateTimeoutMs: 400, channelCommandTimeoutMs: 3000 },
    reconnect: { initialDelayMs: 20, maxDelayMs: 500, factor: 2 },
  });
  control = new AriCallControl(service, { originateGraceMs: 1000, lateLegMs: 5000 });
  control.onIncomingCall((call) => incoming.push(call));
  service.start();
  await service.waitUntilReady(5000);
  harness = await AriHarness.start({ url: sim.url });
});

afterAll(async () => {
  await harness?.stop();
  control?.close();
  await service?.stop();
  await sim?.close();
});

afterEach(async () => {
  sim.setConditions({ latencyMs: 0 });
  const left = sim.channels();
  await Promise.all(left.map((c) => service.client.channels.hangup(c.id).catch(() => {})));
  await vi.waitFor(() => expect(sim.channels()).toEqual([]), { timeout: 5000, interval: 10 });
});

async function placeCall(from: string): Promise<Call> {
  const before = incoming.length;
  const caller = await harness.call('10001', { from });
  await vi.waitFor(() => expect(incoming.length).toBeGreaterThan(before), { timeout: 5000, interval: 5 });
  const call = incoming.find((c, i) => i >= before && c.callerNumber === from);
  if (!call) throw new Error(`no incoming call from ${from}`);
  await caller.waitForService();
  return call;
}

async function answeredAgent(resource: string): Promise<Call> {
  sim.setAgent(resource, { kind: 'answer', afterMs: 0 });
  const result = await control.originate({ endpoint: `PJSIP/${resource}`, timeoutSec: 10 });
  if (result.kind !== 'answered') throw new Error(`agent ${resource}: ${result.kind}`);
  return result.call;
}

const requestsTo = (pattern: RegExp) => sim.requests().filter((r) => pattern.test(`${r.method} ${r.path}`));

describe('a prompt in progress on a caller being bridged', () => {
  it('a caller whose hold announcement is playing is bridged at once: the announcement is stopped first', async () => {
    const call = await placeCall('13900000001');
    const announcement = call.play(['sound:hold-announcement']);
    await vi.waitFor(() => expect(requestsTo(/^POST .*\/play\//).some((r) => r.path.includes(call.id))).toBe(true), { timeout: 2000, interval: 5 });
    const agent = await answeredAgent('2001');
    const bridge = await control.createBridge('caller-and-agent');

    await bridge.add(call);
    await bridge.add(agent);

    expect(await announcement).toEqual({ kind: 'finished' });
    expect(sim.bridges().find((b) => b.id === bridge.id)?.channels.sort()).toEqual([call.id, agent.id].sort());
    const order = requestsTo(/^(DELETE \/ari\/playbacks|POST .*\/addChannel)/).map((r) => r.method);
    expect(order.slice(0, 2)).toEqual(['DELETE', 'POST']);
    await bridge.destroy();
  });

  it('a prompt still being requested when the join starts is stopped too, once Asterisk knows it', async () => {
    const call = await placeCall('13900000002');
    const agent = await answeredAgent('2002');
    const bridge = await control.createBridge();
    // No wait: the play request is in flight (or its playback queued) when the join begins.
    const prompt = call.play(['sound:welcome']);
    await bridge.add(call);
    await bridge.add(agent);
    expect(await prompt).toEqual({ kind: 'finished' });
    expect(sim.bridges().find((b) => b.id === bridge.id)?.channels).toContain(call.id);
    await bridge.destroy();
  });

  it('while a caller joins a bridge no new prompt or music on hold starts; afterwards they work again', async () => {
    const call = await placeCall('13900000003');
    const agent = await answeredAgent('2003');
    const bridge = await control.createBridge();
    const first = call.play(['sound:hold-announcement']);
    await vi.waitFor(() => expect(requestsTo(/^POST .*\/play\//).some((r) => r.path.includes(call.id))).toBe(true), { timeout: 2000, interval: 5 });
    // What a hold loop does when its announcement ends: music again, then the next announcement.
    void first.then(async () => {
      await call.startMoh();
      await call.play(['sound:next-announcement']);
    });
    await bridge.add(call);
    await bridge.add(agent);
    await first;
    await vi.waitFor(() => expect(sim.channels().find((c) => c.id === call.id)).toBeDefined(), { timeout: 1000, interval: 5 });
    expect(sim.mohChannels()).not.toContain(call.id);
    expect(requestsTo(/^POST .*\/play\//).filter((r) => r.path.includes(call.id))).toHaveLength(1);
    await bridge.remove(call);
    await vi.waitFor(() => expect(sim.bridges().find((b) => b.id === bridge.id)?.channels).not.toContain(call.id), { timeout: 2000, interval: 5 });
    await call.startMoh();
    expect(sim.mohChannels()).toContain(call.id);
    await bridge.destroy();
  });
});

describe('a variable set while a prompt plays', () => {
  it('does not hold the caller up; it reaches the channel once the prompt is over', async () => {
    const call = await placeCall('13900000004');
    const stop = new AbortController();
    let promptOver = false;
    const prompt = call.play(['sound:long-menu'], { signal: stop.signal }).then((r) => {
      promptOver = true;
      return r;
    });
    await vi.waitFor(() => expect(requestsTo(/^POST .*\/play\//).some((r) => r.path.includes(call.id))).toBe(true), { timeout: 2000, interval: 5 });

    await call.setVar('HOTLINE_OUTCOME', '{"kind":"queued"}');
    expect(promptOver).toBe(false);
    expect(await call.getVar('HOTLINE_OUTCOME')).toBeNull();

    stop.abort();
    expect(await prompt).toEqual({ kind: 'finished' });
    await vi.waitFor(async () => expect(await call.getVar('HOTLINE_OUTCOME')).toBe('{"kind":"queued"}'), { timeout: 2000, interval: 10 });
    await call.hangup();
  });

  it('is sent before the caller joins a bridge, after the prompt is stopped', async () => {
    const call = await placeCall('13900000005');
    const agent = await answeredAgent('2005');
    const bridge = await control.createBridge();
    const prompt = call.play(['sound:hold-announcement']);
    await vi.waitFor(() => expect(requestsTo(/^POST .*\/play\//).some((r) => r.path.includes(call.id))).toBe(true), { timeout: 2000, interval: 5 });
    await call.setVar('HOTLINE_OUTCOME', 'first');
    await call.setVar('HOTLINE_OUTCOME', 'second');
    await bridge.add(call);
    await bridge.add(agent);
    await prompt;
    expect(await call.getVar('HOTLINE_OUTCOME')).toBe('second');
    const playbackId = requestsTo(/^POST .*\/play\//).find((r) => r.path.includes(call.id))!.path.split('/').pop();
    const order = sim.requests()
      .filter((r) => r.method !== 'GET')
      .filter((r) => r.path === `/ari/playbacks/${playbackId}` || r.path === `/ari/channels/${call.id}/variable` || (r.path.endsWith('/addChannel') && r.query.channel === call.id))
      .map((r) => `${r.method} ${r.path.split('/').pop()}`);
    // One variable set, the last value: the first was replaced while it waited.
    expect(order).toEqual([`DELETE ${playbackId}`, 'POST variable', 'POST addChannel']);
    await bridge.destroy();
  });
});

describe('originates on a slow switch', () => {
  it('an originate answered too late is a switch fault, and the leg it still creates is hung up, never taken for a caller', async () => {
    sim.setAgent('2010', { kind: 'answer', afterMs: 0 });
    sim.setConditions({ latencyMs: 1200 });
    const before = incoming.length;
    const result = await control.originate({ endpoint: 'PJSIP/2010', timeoutSec: 10, channelId: 'late-leg-1', args: [] });
    expect(result).toMatchObject({ kind: 'switch-fault', fault: 'timeout' });
    expect(control.resources().unwanted).toBe(1);
    // The switch carries the originate out after all: the leg appears (and answers) later.
    await vi.waitFor(() => expect(requestsTo(/^POST \/ari\/channels\/late-leg-1$/)[0]?.executedAt).toBeTruthy(), { timeout: 5000, interval: 10 });
    sim.setConditions({ latencyMs: 0 });
    await vi.waitFor(() => {
      expect(sim.channels().map((c) => c.id)).not.toContain('late-leg-1');
      expect(control.resources().unwanted).toBe(0);
    }, { timeout: 5000, interval: 10 });
    expect(incoming.length).toBe(before);
  });

  it('a leg that shows while our first hang-up fails is hung up again, never taken for a caller', async () => {
    sim.setAgent('2011', { kind: 'answer', afterMs: 0 });
    sim.setConditions({ latencyMs: 800 });
    const before = incoming.length;
    expect(await control.originate({ endpoint: 'PJSIP/2011', timeoutSec: 10, channelId: 'late-leg-2' }))
      .toMatchObject({ kind: 'switch-fault', fault: 'timeout' });
    // The originate runs in the switch, the leg answers; the hang-up we sent on giving up fails.
    await vi.waitFor(() => expect(requestsTo(/^POST \/ari\/channels\/late-leg-2$/)[0]?.executedAt).toBeTruthy(), { timeout: 5000, interval: 5 });
    sim.failNextRequests(1, 404);
    await vi.waitFor(() => expect(requestsTo(/^DELETE \/ari\/channels\/late-leg-2$/)[0]?.status).toBe(404), { timeout: 5000, interval: 10 });
    // Its events showed it exists meanwhile: hung up again.
    await vi.waitFor(() => expect(requestsTo(/^DELETE \/ari\/channels\/late-leg-2$/).map((r) => r.status)).toEqual([404, 204]), { timeout: 5000, interval: 10 });
    await vi.waitFor(() => {
      expect(sim.channels().map((c) => c.id)).not.toContain('late-leg-2');
      expect(control.resources().unwanted).toBe(0);
    }, { timeout: 5000, interval: 10 });
    expect(incoming.length).toBe(before);
  });

  it('while the events connection is down an originate rings nobody: a switch fault, nothing sent', async () => {
    const down = new AriConnection({ url: sim.url, user: 'ivr', password: 'ivr', app: 'ivr-down', requestTimeoutMs: 1000 });
    const downControl = new AriCallControl(down);
    const sent = sim.requests().length;
    const result = await downControl.originate({ endpoint: 'PJSIP/2012', timeoutSec: 10 });
    expect(result).toMatchObject({ kind: 'switch-fault', fault: 'not-ready' });
    expect(sim.requests().slice(sent).filter((r) => r.method === 'POST' && r.path.startsWith('/ari/channels'))).toEqual([]);
    downControl.close();
    await down.stop();
  });
});
