import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AriClient } from '../../src/ari/ari-client.js';
import { AriConnection } from '../../src/ari/ari-connection.js';
import { AriError } from '../../src/ari/ari-error.js';
import { AriCallControl } from '../../src/call-control/ari-call-control.js';
import type { Call } from '../../src/call-control/call-control.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { AriHarness, type HarnessCall } from '../support/ari-harness.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * The call-control over ARI against the simulated Asterisk, over real HTTP and
 * WebSocket: the service side is an AriCallControl on app 'ivr', the caller a
 * harness on app 'harness' placing Local calls into the dialplan. The service
 * reaches the switch through a TCP relay that can cut, refuse or stall its
 * connections; the harness talks to the switch directly.
 */
let sim: SimulatedAsterisk;
let proxy: TcpProxy;
let service: AriConnection;
let control: AriCallControl;
let harness: AriHarness;
const incoming: Call[] = [];
let baselineListeners = 0;

/** Each sound lasts 4 s of switch time, 200 ms at speed 20: long enough to press a key in. */
const SOUND_MS = 4000;
const SPEED = 20;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, defaultPlaybackMs: SOUND_MS, dialplanApp: 'ivr' });
  proxy = new TcpProxy(sim.port);
  await proxy.start();
  service = new AriConnection({
    url: proxy.url,
    user: 'ivr',
    password: 'ivr',
    app: 'ivr',
    requestTimeoutMs: 3000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 500, factor: 2 },
    keepaliveMs: 500,
  });
  control = new AriCallControl(service, { originateGraceMs: 2000 });
  control.onIncomingCall((call) => incoming.push(call));
  service.start();
  await service.waitUntilReady(5000);
  harness = await AriHarness.start({ url: sim.url });
  baselineListeners = control.resources().eventListeners;
});

afterAll(async () => {
  await harness?.stop();
  control?.close();
  await service?.stop();
  await proxy?.close();
  await sim?.close();
});

/** A failed test must not leave calls up for the next one to trip over. */
afterEach(async () => {
  const left = sim.channels();
  if (left.length === 0) return;
  await Promise.all(left.map((c) => service.client.channels.hangup(c.id).catch(() => {})));
  await vi.waitFor(() => expect(sim.channels()).toEqual([]), { timeout: 5000, interval: 10 });
});

/** Places a call through the dialplan and returns both ends once the service has it. */
async function placeCall(number: string, from: string): Promise<{ caller: HarnessCall; call: Call }> {
  const before = incoming.length;
  const caller = await harness.call(number, { from });
  await vi.waitFor(() => expect(incoming.length).toBeGreaterThan(before), { timeout: 5000, interval: 5 });
  const call = incoming.find((c, i) => i >= before && c.callerNumber === from);
  if (!call) throw new Error(`no incoming call from ${from}`);
  await caller.waitForService();
  return { caller, call };
}

const sounds = (n: number) => Array.from({ length: n }, (_, i) => `sound:prompt-${i + 1}`);

async function expectNothingLeft(): Promise<void> {
  await vi.waitFor(() => {
    expect(sim.channels()).toEqual([]);
    expect(control.resources()).toEqual({
      calls: 0, originating: 0, unwanted: 0, eventListeners: baselineListeners, callListeners: 0, timers: 0,
    });
  }, { timeout: 5000, interval: 10 });
}

describe('calls into the service', () => {
  it('a call into 10001 arrives with the dialled number and the calling number', async () => {
    const { caller, call } = await placeCall('10001', '13800000004');
    expect(call.dialled).toBe('10001');
    expect(call.args).toEqual(['10001']);
    expect(call.callerNumber).toBe('13800000004');
    expect(call.gone).toBe(false);
    await call.hangup();
    await call.ended;
    await caller.waitForEnd();
    await expectNothingLeft();
  });

  it('a playback of a media list plays every item and finishes', async () => {
    const { caller, call } = await placeCall('10001', '13800000001');
    const result = await call.play(['sound:welcome', 'sound:menu'], { language: 'zh' });
    expect(result).toEqual({ kind: 'finished' });
    expect(await caller.waitForHeard(2)).toEqual(['sound:welcome', 'sound:menu']);
    const play = sim.requests().find((r) => r.method === 'POST' && r.path.startsWith(`/ari/channels/${call.id}/play`));
    expect(play?.query).toMatchObject({ media: 'sound:welcome,sound:menu', lang: 'zh' });
    await call.hangup();
    await expectNothingLeft();
  });

  it('a key pressed during a prompt interrupts it and is the first key collect reads', async () => {
    const { caller, call } = await placeCall('10001', '13800000002');
    const playing = call.play(sounds(10));
    await caller.waitForHeard(1);
    await caller.sendKeys('5');
    const result = await playing;
    expect(result).toEqual({ kind: 'interrupted', digit: '5' });
    // The whole list was stopped, not just the current item.
    expect(caller.heard.length).toBeLessThan(10);
    expect(sim.requests().some((r) => r.method === 'DELETE' && r.path.startsWith('/ari/playbacks/'))).toBe(true);
    await caller.sendKeys('12#');
    const keys = await call.collect({ maxDigits: 6, firstKeyTimeoutMs: 5000, interKeyTimeoutMs: 5000 });
    expect(keys).toEqual({ kind: 'digits', digits: '512', terminated: true });
    await call.hangup();
    await expectNothingLeft();
  });

  it('a hang-up mid-prompt is reported as caller-gone and leaves nothing behind', async () => {
    const { caller, call } = await placeCall('10001', '13800000003');
    const events: string[] = [];
    call.on((e) => events.push(e.type));
    const playing = call.play(sounds(10));
    await caller.waitForHeard(1);
    await caller.hangup();
    expect(await playing).toEqual({ kind: 'caller-gone' });
    await call.ended;
    expect(call.gone).toBe(true);
    expect(events).toEqual(['hangup', 'end']);
    // Steps on a gone call resolve quietly.
    expect(await call.collect({ maxDigits: 1, firstKeyTimeoutMs: 1000, interKeyTimeoutMs: 1000 })).toEqual({ kind: 'caller-gone' });
    expect(await call.play(['sound:bye'])).toEqual({ kind: 'caller-gone' });
    await call.startMoh();
    await call.setVar('X', '1');
    expect(await call.getVar('X')).toBeNull();
    await call.hangup();
    await expectNothingLeft();
  });

  it('music on hold starts and stops, and variables round-trip', async () => {
    const { call } = await placeCall('10000', '13800000005');
    await call.startMoh('default');
    expect(sim.mohChannels()).toContain(call.id);
    await call.stopMoh();
    expect(sim.mohChannels()).not.toContain(call.id);
    await call.setVar('HOTLINE_TIER', 'gold');
    expect(await call.getVar('HOTLINE_TIER')).toBe('gold');
    expect(await call.getVar('NEVER_SET')).toBeNull();
    await call.hangup();
    await expectNothingLeft();
  });

  it('a channel that is gone cannot be adopted; a live one is adopted as the same call', async () => {
    expect(await control.adopt('no-such-channel')).toBeNull();
    const { call } = await placeCall('10001', '13800000006');
    expect(await control.adopt(call.id)).toBe(call);
    await call.hangup();
    await expectNothingLeft();
  });
});

describe('agents and bridges', () => {
  it('an agent who answers becomes a call, is bridged with the caller and unbridged', async () => {
    sim.setAgent('1001', { kind: 'answer', afterMs: 200 });
    const { caller, call } = await placeCall('10000', '13800000001');
    const result = await control.originate({
      endpoint: 'PJSIP/1001',
      callerId: '"Hotline" <10000>',
      timeoutSec: 10,
      channelId: 'agent-leg-1',
      variables: { HOTLINE_CALL: call.id },
      args: ['agent', call.id],
    });
    expect(result.kind).toBe('answered');
    if (result.kind !== 'answered') return;
    const agent = result.call;
    expect(agent.id).toBe('agent-leg-1');
    expect(agent.args).toEqual(['agent', call.id]);
    // The answered agent is ours, not a new incoming call.
    expect(incoming.map((c) => c.id)).not.toContain('agent-leg-1');
    expect(await agent.getVar('HOTLINE_CALL')).toBe(call.id);

    const bridge = await control.createBridge('call-with-agent');
    await bridge.add(call);
    await bridge.add(agent);
    await vi.waitFor(() => {
      const found = sim.bridges().find((b) => b.id === bridge.id);
      expect(found?.channels.slice().sort()).toEqual([call.id, agent.id].sort());
    }, { timeout: 5000, interval: 10 });

    // While bridged, Asterisk also reports the caller's key on the agent's channel:
    // the caller's call must still see it exactly once.
    const callerKeys: string[] = [];
    call.on((e) => e.type === 'key' && callerKeys.push(e.digit));
    await caller.sendKeys('78');
    expect(await call.collect({ maxDigits: 2, firstKeyTimeoutMs: 5000, interKeyTimeoutMs: 5000 }))
      .toEqual({ kind: 'digits', digits: '78', terminated: false });
    expect(callerKeys).toEqual(['7', '8']);

    await bridge.remove(agent);
    await vi.waitFor(() => {
      expect(sim.bridges().find((b) => b.id === bridge.id)?.channels).toEqual([call.id]);
    }, { timeout: 5000, interval: 10 });
    await bridge.destroy();
    await bridge.destroy();
    await vi.waitFor(() => expect(sim.bridges().find((b) => b.id === bridge.id)).toBeUndefined(), { timeout: 5000 });
    await agent.hangup();
    await call.hangup();
    await expectNothingLeft();
  });

  it('adding a caller who already hung up to a bridge is not an error', async () => {
    const { caller, call } = await placeCall('10000', '13800000002');
    await caller.hangup();
    await call.ended;
    const bridge = await control.createBridge();
    await bridge.add(call);
    await bridge.add(call.id);
    await bridge.destroy();
    await expectNothingLeft();
  });

  it('a busy agent gives busy (cause 17)', async () => {
    sim.setAgent('1002', { kind: 'busy' });
    expect(await control.originate({ endpoint: 'PJSIP/1002', timeoutSec: 10 })).toEqual({ kind: 'busy', cause: 17 });
    await expectNothingLeft();
  });

  it('an agent who does not answer within the ring timeout gives no-answer (cause 19)', async () => {
    sim.setAgent('1003', { kind: 'no-answer' });
    expect(await control.originate({ endpoint: 'PJSIP/1003', timeoutSec: 2 })).toEqual({ kind: 'no-answer', cause: 19 });
    await expectNothingLeft();
  });

  it('an unreachable agent gives failed with its cause', async () => {
    sim.setAgent('1004', { kind: 'unreachable' });
    const result = await control.originate({ endpoint: 'PJSIP/1004', timeoutSec: 10 });
    expect(result).toMatchObject({ kind: 'failed', cause: 20 });
    await expectNothingLeft();
  });

  it('aborting while the agent rings hangs the leg up and gives cancelled', async () => {
    sim.setAgent('1005', { kind: 'no-answer' });
    const abort = new AbortController();
    const pending = control.originate({ endpoint: 'PJSIP/1005', timeoutSec: 60, channelId: 'ringing-leg', signal: abort.signal });
    await vi.waitFor(() => expect(sim.channels().map((c) => c.id)).toContain('ringing-leg'), { timeout: 5000, interval: 5 });
    abort.abort();
    expect(await pending).toEqual({ kind: 'cancelled' });
    await expectNothingLeft();
  });

  it('an originate that Asterisk refuses gives failed with its message', async () => {
    const result = await control.originate({ endpoint: 'Bogus/1', timeoutSec: 5 });
    expect(result.kind).toBe('failed');
    await expectNothingLeft();
  });
});

describe('REST failures', () => {
  it('an error answer gives an AriError with Asterisk status and message', async () => {
    sim.failNextRequests(1, 500);
    const err = (await service.client.channels.list().catch((e: unknown) => e)) as AriError;
    expect(err).toBeInstanceOf(AriError);
    expect(err.ariStatus).toBe(500);
    expect(err.ariMessage).toBe('Simulated failure');
    expect(err.method).toBe('GET');
    expect(err.path).toBe('/channels');
    expect(await service.client.channels.list()).toEqual(expect.any(Array));
  });

  it('a REST failure during a prompt rejects play (it is not a hang-up)', async () => {
    const { call } = await placeCall('10001', '13800000004');
    sim.failNextRequests(1, 500);
    await expect(call.play(['sound:welcome'])).rejects.toMatchObject({ ariStatus: 500 });
    expect(call.gone).toBe(false);
    await call.hangup();
    await expectNothingLeft();
  });
});

describe('connection loss', () => {
  it('when the WebSocket drops, ready goes false then true and a new call works', async () => {
    const states: boolean[] = [];
    const offDown = service.on('disconnected', () => states.push(service.ready));
    const offUp = service.on('ready', () => states.push(service.ready));
    const reconnects = service.reconnects;
    const harnessReconnects = harness.connection.reconnects;
    sim.dropWebSockets();
    await vi.waitFor(() => {
      expect(service.reconnects).toBe(reconnects + 1);
      expect(harness.connection.reconnects).toBe(harnessReconnects + 1);
    }, { timeout: 5000, interval: 5 });
    offDown();
    offUp();
    expect(states).toEqual([false, true]);
    expect(control.ready).toBe(true);

    const { caller, call } = await placeCall('10001', '13800000005');
    expect(await call.play(['sound:welcome'])).toEqual({ kind: 'finished' });
    expect(await caller.waitForHeard(1)).toEqual(['sound:welcome']);
    await call.hangup();
    await expectNothingLeft();
  });

  it('a call whose end was missed while disconnected is closed after the reconnect', async () => {
    const { caller, call } = await placeCall('10001', '13800000006');
    const reconnects = service.reconnects;
    // The service loses the switch and cannot get back while the caller hangs up.
    proxy.mode = 'refuse';
    proxy.cutAll();
    await vi.waitFor(() => expect(service.ready).toBe(false), { timeout: 5000, interval: 1 });
    await caller.hangup();
    await vi.waitFor(() => expect(sim.channels()).toEqual([]), { timeout: 5000, interval: 5 });
    // Its StasisEnd went nowhere.
    expect(call.gone).toBe(false);
    proxy.mode = 'pass';
    await vi.waitFor(() => expect(service.reconnects).toBe(reconnects + 1), { timeout: 5000, interval: 5 });
    await call.ended;
    expect(call.gone).toBe(true);
    await expectNothingLeft();
  });

  it('when Asterisk stops answering, requests time out and the silent socket is dropped and replaced', async () => {
    const client = new AriClient({ url: proxy.url, user: 'ivr', password: 'ivr', requestTimeoutMs: 300 });
    const disconnects = service.disconnects;
    proxy.mode = 'stall';
    try {
      const err = (await client.channels.list().catch((e: unknown) => e)) as AriError;
      expect(err).toBeInstanceOf(AriError);
      expect(err.code).toBe('ari-timeout');
      expect(err.path).toBe('/channels');
      // Nothing closed the events socket: only the missing pongs tell it is dead.
      await vi.waitFor(() => expect(service.disconnects).toBe(disconnects + 1), { timeout: 5000, interval: 10 });
      expect(service.ready).toBe(false);
    } finally {
      proxy.mode = 'pass';
      proxy.cutAll();
      await client.close();
    }
    await service.waitUntilReady(5000);
    const { call } = await placeCall('10001', '13800000002');
    expect(await call.play(['sound:welcome'])).toEqual({ kind: 'finished' });
    await call.hangup();
    await expectNothingLeft();
  });

  it('when Asterisk restarts, the connection comes back and calls work again', async () => {
    const reconnects = service.reconnects;
    const harnessReconnects = harness.connection.reconnects;
    await sim.restart();
    await vi.waitFor(() => {
      expect(service.reconnects).toBeGreaterThan(reconnects);
      expect(harness.connection.reconnects).toBeGreaterThan(harnessReconnects);
    }, { timeout: 10_000, interval: 10 });
    expect(service.ready).toBe(true);
    const { call } = await placeCall('10001', '13800000001');
    expect(call.dialled).toBe('10001');
    await call.hangup();
    await expectNothingLeft();
  });
});
