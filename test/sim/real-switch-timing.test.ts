import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { connect } from 'node:net';
import { Pool } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest, SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { AUTH, EventStream, eventually, placeLocalCall, rest, startSim, type AriMessage } from './sim-harness.js';

/*
 * Contract tests for docs/ari-facts.md, "Timing under real conditions": how a
 * real Asterisk 22 serves requests while prompts play, how it closes idle HTTP
 * connections, and what a slow switch does. Each title names the fact.
 *
 * A prompt that must block something is `tone:ring`, which plays until it is
 * stopped: a request that should not wait for it and did would never be
 * answered, so the test fails (times out) instead of measuring anything.
 */

/** A tone plays until stopped. */
const ENDLESS = 'tone:ring';

/** The entry of the one request to `path` (with `method`) in the switch's log. */
function logged(sim: SimulatedAsterisk, method: string, path: string): RecordedRequest | undefined {
  return sim.requests().find((r) => r.method === method && r.path === path);
}

/** Waits until the request is running inside the switch (executed, not yet answered). */
async function running(sim: SimulatedAsterisk, method: string, path: string): Promise<void> {
  await eventually(() => {
    const entry = logged(sim, method, path);
    return !!entry && entry.executedAt !== null && entry.answeredAt === null;
  }, `${method} ${path} is running in the switch`);
}

/** Position of the first event matching `match` in arrival order (-1 if none). */
function indexOf(stream: EventStream, match: (e: AriMessage) => boolean): number {
  return stream.events.findIndex(match);
}

const playbackEvent = (type: string, id: string) => (e: AriMessage) =>
  e.type === type && (e.playback as { id?: string } | undefined)?.id === id;

describe('[timing-playback-blocks] channel commands wait behind the prompt the channel is playing', () => {
  let sim: SimulatedAsterisk;
  let ivr: EventStream;
  let caller: string;
  let bridgeId: string;

  beforeEach(async () => {
    sim = await startSim({ speed: 20, defaultPlaybackMs: 1000 });
    ivr = await EventStream.open(sim, 'ivr');
    await EventStream.open(sim, 'harness');
    await placeLocalCall(sim, '10000');
    caller = (await ivr.waitForType('StasisStart')).channel!.id;
    bridgeId = (await rest(sim, 'POST', '/ari/bridges', { type: 'mixing', name: 'timing' })).body.id;
  });

  afterEach(async () => {
    await sim.close();
  });

  async function play(target: string, playbackId: string, media = ENDLESS): Promise<void> {
    const res = await rest(sim, 'POST', `/ari/${target}/play/${playbackId}`, { media });
    expect(res.status).toBe(201);
  }

  it('fact [timing-playback-blocks]: a playback on a channel blocks addChannel on that channel until the prompt ends', async () => {
    await play(`channels/${caller}`, 'prompt-1', 'sound:hello-world');
    expect((await rest(sim, 'POST', `/ari/bridges/${bridgeId}/addChannel`, { channel: caller })).status).toBe(204);
    const finished = indexOf(ivr, playbackEvent('PlaybackFinished', 'prompt-1'));
    const entered = indexOf(ivr, (e) => e.type === 'ChannelEnteredBridge' && e.channel?.id === caller);
    expect(finished).toBeGreaterThanOrEqual(0);
    expect(entered).toBeGreaterThan(finished);
  });

  it('fact [timing-playback-blocks]: DELETE /playbacks/{id} answers at once and lets the addChannel waiting behind it through', async () => {
    await play(`channels/${caller}`, 'hold-1');
    const add = rest(sim, 'POST', `/ari/bridges/${bridgeId}/addChannel`, { channel: caller });
    await running(sim, 'POST', `/ari/bridges/${bridgeId}/addChannel`);
    expect(ivr.ofType('ChannelEnteredBridge')).toHaveLength(0);

    expect((await rest(sim, 'DELETE', '/ari/playbacks/hold-1')).status).toBe(204);
    expect((await add).status).toBe(204);
    await ivr.waitForType('ChannelEnteredBridge', caller);
    expect(indexOf(ivr, (e) => e.type === 'ChannelEnteredBridge')).toBeGreaterThan(indexOf(ivr, playbackEvent('PlaybackFinished', 'hold-1')));
  });

  it('fact [timing-playback-blocks]: a variable set on a channel waits for the end of its prompt', async () => {
    await play(`channels/${caller}`, 'hold-2');
    const set = rest(sim, 'POST', `/ari/channels/${caller}/variable`, { variable: 'OUTCOME', value: 'bridged' });
    await running(sim, 'POST', `/ari/channels/${caller}/variable`);
    // Not set yet: reading the variable answers at once that it does not exist.
    expect((await rest(sim, 'GET', `/ari/channels/${caller}/variable`, { variable: 'OUTCOME' })).status).toBe(404);
    expect(ivr.ofType('ChannelVarset')).toHaveLength(0);

    expect((await rest(sim, 'DELETE', '/ari/playbacks/hold-2')).status).toBe(204);
    expect((await set).status).toBe(204);
    await ivr.waitForType('ChannelVarset', caller);
    expect(indexOf(ivr, (e) => e.type === 'ChannelVarset')).toBeGreaterThan(indexOf(ivr, playbackEvent('PlaybackFinished', 'hold-2')));
    expect((await rest(sim, 'GET', `/ari/channels/${caller}/variable`, { variable: 'OUTCOME' })).body).toEqual({ value: 'bridged' });
  });

  it('fact [timing-playback-blocks]: a variable set waiting behind a prompt answers 404 when the channel hangs up first', async () => {
    await play(`channels/${caller}`, 'hold-3');
    const set = rest(sim, 'POST', `/ari/channels/${caller}/variable`, { variable: 'OUTCOME', value: 'late' });
    await running(sim, 'POST', `/ari/channels/${caller}/variable`);
    expect((await rest(sim, 'DELETE', `/ari/channels/${caller}`)).status).toBe(204);
    expect(await set).toMatchObject({ status: 404, body: { message: 'Channel not found' } });
    expect(ivr.ofType('ChannelVarset')).toHaveLength(0);
  });

  it('fact [timing-playback-blocks]: during a prompt another play (queued), music on hold, GET and hang-up of the channel answer at once', async () => {
    await play(`channels/${caller}`, 'hold-4');
    const second = await rest(sim, 'POST', `/ari/channels/${caller}/play/next-1`, { media: 'sound:hello-world' });
    expect(second).toMatchObject({ status: 201, body: { id: 'next-1', state: 'queued' } });
    expect((await rest(sim, 'POST', `/ari/channels/${caller}/moh`)).status).toBe(204);
    expect((await rest(sim, 'DELETE', `/ari/channels/${caller}/moh`)).status).toBe(204);
    expect((await rest(sim, 'GET', `/ari/channels/${caller}`)).body).toMatchObject({ id: caller, state: 'Up' });
    expect(indexOf(ivr, playbackEvent('PlaybackFinished', 'hold-4'))).toBe(-1);
    expect((await rest(sim, 'DELETE', `/ari/channels/${caller}`)).status).toBe(204);
    await ivr.waitForType('StasisEnd', caller);
    // The queued prompt never started.
    expect(indexOf(ivr, playbackEvent('PlaybackStarted', 'next-1'))).toBe(-1);
  });

  it('fact [timing-playback-blocks]: a playback on a bridge blocks none of its channels (variable set answers)', async () => {
    expect((await rest(sim, 'POST', `/ari/bridges/${bridgeId}/addChannel`, { channel: caller })).status).toBe(204);
    await play(`bridges/${bridgeId}`, 'bridge-hold');
    await ivr.waitFor(playbackEvent('PlaybackStarted', 'bridge-hold'), 'the bridge prompt started');
    expect((await rest(sim, 'POST', `/ari/channels/${caller}/variable`, { variable: 'IN_BRIDGE', value: 'yes' })).status).toBe(204);
    await ivr.waitForType('ChannelVarset', caller);
    expect(indexOf(ivr, playbackEvent('PlaybackFinished', 'bridge-hold'))).toBe(-1);
  });

  it('fact [timing-playback-blocks]: music on hold on a channel (no playback) does not block addChannel', async () => {
    expect((await rest(sim, 'POST', `/ari/channels/${caller}/moh`)).status).toBe(204);
    await eventually(() => sim.mohChannels().includes(caller), 'the caller hears music on hold');
    expect((await rest(sim, 'POST', `/ari/bridges/${bridgeId}/addChannel`, { channel: caller })).status).toBe(204);
    await ivr.waitForType('ChannelEnteredBridge', caller);
  });

  it('fact [timing-playback-blocks]: continue is queued like the other commands: 204 at once, the channel leaves the app once its prompt has ended', async () => {
    await play(`channels/${caller}`, 'last-words', 'sound:hello-world');
    expect((await rest(sim, 'POST', `/ari/channels/${caller}/continue`)).status).toBe(204);
    await ivr.waitForType('StasisEnd', caller);
    expect(indexOf(ivr, (e) => e.type === 'StasisEnd' && e.channel?.id === caller))
      .toBeGreaterThan(indexOf(ivr, playbackEvent('PlaybackFinished', 'last-words')));
  });
});

describe('[timing-blocked-connection] a switch that can be made slow', () => {
  let sim: SimulatedAsterisk;
  let ivr: EventStream;

  beforeEach(async () => {
    sim = await startSim({ speed: 20, defaultAgent: { kind: 'answer', afterMs: 100 } });
    ivr = await EventStream.open(sim, 'ivr');
  });

  afterEach(async () => {
    await sim.close();
  });

  it('starts with no latency, no limit and Asterisk\'s 15 s keep-alive, and refuses a bad condition naming the field (400)', async () => {
    expect((await rest(sim, 'GET', '/sim/conditions')).body).toEqual({ latencyMs: 0, maxConcurrentRequests: null, sessionKeepAliveMs: 15_000 });
    for (const [body, field] of [
      [{ latencyMs: -1 }, 'latencyMs'],
      [{ maxConcurrentRequests: 0 }, 'maxConcurrentRequests'],
      [{ sessionKeepAliveMs: 'soon' }, 'sessionKeepAliveMs'],
      [{ latency: 10 }, 'latency'],
    ] as const) {
      const res = await rest(sim, 'PUT', '/sim/conditions', {}, body);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
    }
    expect(await rest(sim, 'PUT', '/sim/conditions', {}, { latencyMs: 25, maxConcurrentRequests: 4 }))
      .toMatchObject({ status: 200, body: { latencyMs: 25, maxConcurrentRequests: 4, sessionKeepAliveMs: 15_000 } });
    expect(sim.getConditions()).toEqual({ latencyMs: 25, maxConcurrentRequests: 4, sessionKeepAliveMs: 15_000 });
  });

  it('fact [timing-blocked-connection]: every ARI request waits the latency after it is received before it runs; /sim requests do not', async () => {
    sim.setConditions({ latencyMs: 600_000 });
    const list = rest(sim, 'GET', '/ari/bridges');
    await eventually(() => logged(sim, 'GET', '/ari/bridges') !== undefined, 'the request was received');
    // Control requests are served at once while the ARI request sleeps its latency.
    const entry = (await rest(sim, 'GET', '/sim/requests')).body.find((r: RecordedRequest) => r.path === '/ari/bridges');
    expect(entry).toMatchObject({ executedAt: null, answeredAt: null, status: null, dropped: false });

    expect((await rest(sim, 'PUT', '/sim/conditions', {}, { latencyMs: 0 })).status).toBe(200);
    expect(await list).toMatchObject({ status: 200, body: [] });
    const done = logged(sim, 'GET', '/ari/bridges')!;
    expect(done.executedAt).toBeGreaterThanOrEqual(done.at);
    expect(done.answeredAt).toBeGreaterThanOrEqual(done.executedAt!);
    expect(done.status).toBe(200);
  });

  it('fact [timing-blocked-connection]: a request blocked in a channel\'s command queue holds its serving slot, and the others wait for a free one', async () => {
    const caller = (await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1001', app: 'ivr', channelId: 'agent-leg' })).body.id as string;
    await ivr.waitForType('StasisStart', caller);
    const bridgeId = (await rest(sim, 'POST', '/ari/bridges', { type: 'mixing' })).body.id as string;
    expect((await rest(sim, 'POST', `/ari/channels/${caller}/play/hold`, { media: ENDLESS })).status).toBe(201);

    expect((await rest(sim, 'PUT', '/sim/conditions', {}, { maxConcurrentRequests: 1 })).status).toBe(200);
    const add = rest(sim, 'POST', `/ari/bridges/${bridgeId}/addChannel`, { channel: caller });
    await running(sim, 'POST', `/ari/bridges/${bridgeId}/addChannel`);
    const unrelated = rest(sim, 'GET', '/ari/channels');
    await eventually(() => logged(sim, 'GET', '/ari/channels') !== undefined, 'the unrelated request was received');
    expect(logged(sim, 'GET', '/ari/channels')).toMatchObject({ executedAt: null, answeredAt: null });

    // A second slot lets the unrelated request run; the addChannel still waits for the prompt.
    sim.setConditions({ maxConcurrentRequests: 2 });
    expect((await unrelated).status).toBe(200);
    expect(logged(sim, 'POST', `/ari/bridges/${bridgeId}/addChannel`)).toMatchObject({ answeredAt: null });
    expect((await rest(sim, 'DELETE', '/ari/playbacks/hold')).status).toBe(204);
    expect((await add).status).toBe(204);
  });
});

describe('[timing-late-originate] an originate whose client gave up', () => {
  let sim: SimulatedAsterisk;
  let ivr: EventStream;

  beforeEach(async () => {
    sim = await startSim({ speed: 20, defaultAgent: { kind: 'answer', afterMs: 100 } });
    ivr = await EventStream.open(sim, 'ivr');
  });

  afterEach(async () => {
    await sim.close();
  });

  it('fact [timing-late-originate]: still creates its channel, and the agent\'s answer brings its StasisStart', async () => {
    sim.setConditions({ latencyMs: 600_000 });
    const url = new URL('/ari/channels', sim.url);
    for (const [k, v] of Object.entries({ endpoint: 'PJSIP/1001', app: 'ivr', appArgs: 'agent', channelId: 'late-leg', timeout: '30' })) url.searchParams.set(k, v);
    const client = new AbortController();
    const originate = fetch(url, { method: 'POST', headers: { authorization: AUTH }, signal: client.signal });
    await eventually(() => logged(sim, 'POST', '/ari/channels') !== undefined, 'the originate was received');
    // The client times out while the switch has not even started on it.
    client.abort();
    await expect(originate).rejects.toMatchObject({ name: 'AbortError' });
    expect(sim.channels().map((c) => c.id)).not.toContain('late-leg');

    sim.setConditions({ latencyMs: 0 });
    const start = await ivr.waitForType('StasisStart', 'late-leg');
    expect(start.args).toEqual(['agent']);
    expect(logged(sim, 'POST', '/ari/channels')).toMatchObject({ executedAt: expect.any(Number), status: 200 });
  });
});

describe('[timing-keep-alive] idle HTTP connections are closed after session_keep_alive', () => {
  let sim: SimulatedAsterisk;

  afterEach(async () => {
    await sim.close();
  });

  it('fact [timing-keep-alive]: an idle connection is closed by the switch, which sends no Keep-Alive hint', async () => {
    sim = await startSim({ sessionKeepAliveMs: 200 });
    const socket = connect(sim.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    const closedByServer = new Promise<void>((resolve) => socket.once('end', () => resolve()));
    socket.write(`GET /ari/asterisk/ping HTTP/1.1\r\nHost: asterisk\r\nAuthorization: ${AUTH}\r\n\r\n`);
    // The test waits (bounded by its timeout) for the switch to close the connection it left open.
    await closedByServer;
    socket.destroy();
    const [head] = received.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head).not.toMatch(/^keep-alive:/im);
  });

  it('fact [timing-keep-alive]: a request sent at the moment the switch closes the connection fails with UND_ERR_SOCKET and is never executed', async () => {
    sim = await startSim({ sessionKeepAliveMs: 1000 });
    // The client believes its idle connection good for a minute, far beyond the switch's keep-alive.
    const pool = new Pool(sim.url, { connections: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
    const marker = '/ari/channels/sent-on-closing-socket';
    // Deterministic: the switch runs in this process. The second request goes out well within the
    // keep-alive, on the connection of the first. Right after undici has written it (its headers are
    // published just before the write, and a microtask runs once the write is done, before the event
    // loop turns), the loop is blocked past the keep-alive. When it resumes, the switch either fires
    // its overdue idle timer and closes the connection before reading the request, or reads the request
    // first and finds the connection idle past its keep-alive: in both orders the request is not
    // executed, and undici, whose request was already on the wire, sees the connection closed under it.
    const blockAfterWrite = (message: unknown) => {
      if ((message as { request: { path: string } }).request.path !== marker) return;
      queueMicrotask(() => {
        const until = Date.now() + 1200;
        while (Date.now() < until) { /* busy: nothing else may run */ }
      });
    };
    subscribe('undici:client:sendHeaders', blockAfterWrite);
    try {
      const first = await pool.request({ method: 'GET', path: '/ari/channels', headers: { authorization: AUTH } });
      expect(first.statusCode).toBe(200);
      await first.body.text();
      const second = pool.request({ method: 'GET', path: marker, headers: { authorization: AUTH } });
      await expect(second).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
      const marked = sim.requests().filter((r) => r.path === marker);
      expect(marked.filter((r) => r.executedAt !== null)).toEqual([]);
      expect(marked.every((r) => r.dropped)).toBe(true);
    } finally {
      unsubscribe('undici:client:sendHeaders', blockAfterWrite);
      await pool.close();
    }
  });

  it('fact [timing-keep-alive]: a client whose keep-alive is shorter than the switch\'s never sees that error', async () => {
    sim = await startSim({ sessionKeepAliveMs: 2000 });
    const pool = new Pool(sim.url, { connections: 1, keepAliveTimeout: 100, keepAliveMaxTimeout: 100 });
    let connections = 0;
    pool.on('connect', () => {
      connections += 1;
    });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await pool.request({ method: 'GET', path: '/ari/channels', headers: { authorization: AUTH } });
        expect(res.statusCode).toBe(200);
        await res.body.text();
        // Idle longer than the client keeps a connection, well under the switch's keep-alive.
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      await pool.close();
    }
    // The client closed each idle connection itself and opened a new one; nothing was dropped.
    expect(connections).toBe(3);
    expect(sim.requests().filter((r) => r.dropped)).toEqual([]);
  });

  it('fact [timing-keep-alive]: the keep-alive can be changed at runtime and applies to connections idle now', async () => {
    sim = await startSim();
    const socket = connect(sim.port, '127.0.0.1');
    socket.resume();
    const closedByServer = new Promise<void>((resolve) => socket.once('end', () => resolve()));
    const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(`GET /ari/asterisk/ping HTTP/1.1\r\nHost: asterisk\r\nAuthorization: ${AUTH}\r\n\r\n`);
    await answered;
    // Idle under Asterisk's default 15 s; shortening it closes this connection too.
    expect((await rest(sim, 'PUT', '/sim/conditions', {}, { sessionKeepAliveMs: 100 })).body).toMatchObject({ sessionKeepAliveMs: 100 });
    await closedByServer;
    socket.destroy();
  });
});
