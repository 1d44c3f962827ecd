import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { AriConnection, type AriConnectionOptions } from '../../src/ari/ari-connection.js';
import { AriError } from '../../src/ari/ari-error.js';
import type { AriEvent } from '../../src/ari/models.js';
import { reconnectDelay } from '../../src/ari/reconnect-delay.js';

/**
 * A bare events endpoint standing in for Asterisk's /ari/events: it records
 * each upgrade (URL and auth), lets the test push events, drop sockets or
 * refuse the upgrade, and optionally ignores pings.
 */
interface FakeEvents {
  url: string;
  /** REST requests received ("POST /ari/applications/ivr/subscription?..."), answered 200 {}. */
  rest: string[];
  upgrades: { url: string; authorization: string | undefined }[];
  sockets: Set<WebSocket>;
  push(event: Record<string, unknown>): void;
  dropAll(): void;
  refuseWith: number | null;
  close(): Promise<void>;
}

async function startFakeEvents(options: { autoPong?: boolean } = {}): Promise<FakeEvents> {
  const server: Server = createServer((req, res) => {
    fake.rest.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  const wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
  const fake: FakeEvents = {
    url: '',
    rest: [],
    upgrades: [],
    sockets: new Set(),
    refuseWith: null,
    push(event) {
      for (const ws of fake.sockets) ws.send(JSON.stringify(event));
    },
    dropAll() {
      for (const ws of fake.sockets) ws.terminate();
    },
    async close() {
      for (const ws of fake.sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    fake.upgrades.push({ url: req.url ?? '', authorization: req.headers.authorization });
    if (fake.refuseWith !== null) {
      socket.end(`HTTP/1.1 ${fake.refuseWith} Unauthorized\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      fake.sockets.add(ws);
      ws.on('close', () => fake.sockets.delete(ws));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(options: Partial<AriConnectionOptions> = {}, fakeOptions: { autoPong?: boolean } = {}) {
  const fake = await startFakeEvents(fakeOptions);
  const connection = new AriConnection({
    url: fake.url,
    user: 'ivr',
    password: 'pw',
    app: 'ivr',
    requestTimeoutMs: 2000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, factor: 2 },
    ...options,
  });
  cleanups.push(() => fake.close());
  cleanups.push(() => connection.stop());
  return { fake, connection };
}

function nextEvent<K extends 'ready' | 'disconnected'>(connection: AriConnection, name: K): Promise<void> {
  return new Promise((resolve) => {
    const off = connection.on(name, () => {
      off();
      resolve();
    });
  });
}

const channel = (id: string) => ({ id, name: `Local/x-${id}`, state: 'Up', caller: { name: '', number: '13800000001' } });

describe('AriConnection', () => {
  it('opens the events socket for its apps with Basic auth', async () => {
    const { fake, connection } = await setup({ app: undefined, apps: ['ivr', 'harness'] });
    expect(connection.ready).toBe(false);
    connection.start();
    await connection.waitUntilReady();
    expect(connection.ready).toBe(true);
    expect(fake.upgrades).toHaveLength(1);
    const url = new URL(fake.upgrades[0]!.url, fake.url);
    expect(url.pathname).toBe('/ari/events');
    expect(url.searchParams.get('app')).toBe('ivr,harness');
    expect(url.searchParams.get('subscribeAll')).toBe('false');
    expect(fake.upgrades[0]!.authorization).toBe(`Basic ${Buffer.from('ivr:pw').toString('base64')}`);
  });

  it('routes each event to the listeners of its channel and app only', async () => {
    const { fake, connection } = await setup({ app: undefined, apps: ['ivr', 'harness'] });
    connection.start();
    await connection.waitUntilReady();
    const forA: string[] = [];
    const forB: string[] = [];
    const harnessA: string[] = [];
    const starts: string[] = [];
    const all: AriEvent[] = [];
    connection.on('event', (e) => all.push(e));
    connection.events.onChannel('a', (e) => forA.push(e.type));
    connection.events.onChannel('b', (e) => forB.push(e.type));
    connection.events.onChannel('a', (e) => harnessA.push(e.type), 'harness');
    connection.events.onStasisStart((e) => starts.push(e.channel.id));
    fake.push({ type: 'StasisStart', application: 'ivr', args: ['10001'], channel: channel('a') });
    // The same key seen once per app subscribed to the channel.
    fake.push({ type: 'ChannelDtmfReceived', application: 'ivr', digit: '1', duration_ms: 100, channel: channel('a') });
    fake.push({ type: 'ChannelDtmfReceived', application: 'harness', digit: '1', duration_ms: 100, channel: channel('a') });
    fake.push({ type: 'PlaybackStarted', application: 'ivr', playback: { id: 'p', media_uri: 'sound:x', target_uri: 'channel:b', language: 'en', state: 'playing' } });
    fake.push({ type: 'StasisStart', application: 'someone-else', args: [], channel: channel('a') });
    fake.push({ type: 'StasisEnd', application: 'ivr', channel: channel('a') });
    await until(() => forA.includes('StasisEnd'));
    expect(forA).toEqual(['StasisStart', 'ChannelDtmfReceived', 'StasisEnd']);
    expect(harnessA).toEqual(['ChannelDtmfReceived']);
    expect(forB).toEqual(['PlaybackStarted']);
    expect(starts).toEqual(['a']);
    expect(all.map((e) => e.application)).not.toContain('someone-else');
  });

  it('counts listeners and forgets them when removed', async () => {
    const { connection } = await setup();
    const offs = [
      connection.events.onChannel('a', () => {}),
      connection.events.onChannel('a', () => {}),
      connection.events.onBridge('br', () => {}),
      connection.events.onStasisStart(() => {}),
    ];
    expect(connection.events.listenerCount).toBe(4);
    for (const off of offs) off();
    offs[0]!();
    expect(connection.events.listenerCount).toBe(0);
  });

  it('when the socket drops, ready goes false and comes back after a quick retry', async () => {
    const { fake, connection } = await setup();
    connection.start();
    await connection.waitUntilReady();
    const states: string[] = [];
    connection.on('disconnected', () => states.push(`down:${connection.ready}`));
    connection.on('ready', () => states.push(`up:${connection.ready}`));
    const down = nextEvent(connection, 'disconnected');
    const up = nextEvent(connection, 'ready');
    fake.dropAll();
    await down;
    await up;
    expect(states).toEqual(['down:false', 'up:true']);
    expect(connection.reconnects).toBe(1);
    expect(connection.disconnects).toBe(1);
    expect(fake.upgrades).toHaveLength(2);
  });

  it('restores its subscriptions after a reconnect', async () => {
    const { fake, connection } = await setup();
    const subscribed = fake.rest;
    connection.start();
    await connection.waitUntilReady();
    await connection.subscribe('bridge:');
    expect(subscribed).toEqual(['POST /ari/applications/ivr/subscription?eventSource=bridge:']);
    const up = nextEvent(connection, 'ready');
    fake.dropAll();
    await up;
    expect(subscribed).toEqual([
      'POST /ari/applications/ivr/subscription?eventSource=bridge:',
      'POST /ari/applications/ivr/subscription?eventSource=bridge:',
    ]);
  });

  it('when the app is taken over by another client, it is not ready, says why, and takes the app back', async () => {
    const { fake, connection } = await setup({ takeBack: { initialDelayMs: 20, maxDelayMs: 200, factor: 2 } });
    connection.start();
    await connection.waitUntilReady();
    expect(connection.notReadyReason).toBeNull();
    const infos: { reason: string; willReconnect: boolean; replaced: boolean }[] = [];
    const reasons: (string | null)[] = [];
    connection.on('disconnected', (info) => {
      infos.push(info);
      reasons.push(connection.notReadyReason);
    });
    const back = nextEvent(connection, 'ready');
    fake.push({ type: 'ApplicationReplaced', application: 'ivr', timestamp: '2026-01-01T00:00:00.000+0000' });
    await back;
    expect(infos).toEqual([{ reason: 'application ivr replaced by another client', willReconnect: true, replaced: true }]);
    expect(reasons).toEqual(['application ivr replaced by another client']);
    // Taking it back is opening a new events socket for the app.
    expect(fake.upgrades).toHaveLength(2);
    expect(connection.ready).toBe(true);
    expect(connection.notReadyReason).toBeNull();
    expect(connection.replacedCount).toBe(1);
  });

  it('two clients taking the app from each other do it with growing delays, which start again after a quiet spell', async () => {
    const logs: { msg: string; takeBackInMs?: number; replacements?: number }[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const maxDelayMs = 1000;
    const { fake, connection } = await setup({ logger, takeBack: { initialDelayMs: 10, maxDelayMs, factor: 2 } });
    connection.start();
    await connection.waitUntilReady();
    // Another client takes the app each time we have it back.
    for (let round = 0; round < 4; round++) {
      const back = nextEvent(connection, 'ready');
      fake.push({ type: 'ApplicationReplaced', application: 'ivr' });
      await back;
    }
    const delays = () => logs.filter((l) => l.takeBackInMs !== undefined).map((l) => [l.replacements, l.takeBackInMs]);
    const steps = [10, 20, 40, 80];
    expect(delays().map(([n]) => n)).toEqual([1, 2, 3, 4]);
    delays().forEach(([, ms], i) => {
      expect(ms).toBeGreaterThanOrEqual(steps[i]! / 2);
      expect(ms).toBeLessThanOrEqual(steps[i]!);
    });
    expect(logs.filter((l) => /taking the Stasis app back/.test(l.msg))).toHaveLength(4);

    // Held undisturbed for twice the longest delay: the next take-over is a new incident.
    const heldFrom = Date.now();
    await until(() => Date.now() - heldFrom > 2 * maxDelayMs, 4 * maxDelayMs);
    const back = nextEvent(connection, 'ready');
    fake.push({ type: 'ApplicationReplaced', application: 'ivr' });
    await back;
    expect(delays().at(-1)![0]).toBe(1);
    expect(delays().at(-1)![1]).toBeLessThanOrEqual(10);
    expect(connection.replacedCount).toBe(5);
  });

  it('waitUntilReady keeps waiting while the app is with another client, and resolves once taken back', async () => {
    const { fake, connection } = await setup({ takeBack: { initialDelayMs: 200, maxDelayMs: 200, factor: 2 } });
    connection.start();
    await connection.waitUntilReady();
    const down = nextEvent(connection, 'disconnected');
    fake.push({ type: 'ApplicationReplaced', application: 'ivr' });
    await down;
    await connection.waitUntilReady(5000);
    expect(connection.ready).toBe(true);
  });

  it('drops a socket that stops answering pings and reconnects', async () => {
    const { fake, connection } = await setup({ keepaliveMs: 50 }, { autoPong: false });
    connection.start();
    await connection.waitUntilReady();
    const up = nextEvent(connection, 'ready');
    await up;
    expect(connection.reconnects).toBeGreaterThanOrEqual(1);
    expect(fake.upgrades.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps retrying while the upgrade is refused, and waitUntilReady says why it gave up', async () => {
    const { fake, connection } = await setup();
    fake.refuseWith = 401;
    connection.start();
    const err = (await connection.waitUntilReady(400).catch((e: unknown) => e)) as AriError;
    expect(err).toBeInstanceOf(AriError);
    expect(err.code).toBe('ari-not-ready');
    expect(fake.upgrades.length).toBeGreaterThanOrEqual(2);
    fake.refuseWith = null;
    await connection.waitUntilReady(2000);
    expect(connection.ready).toBe(true);
    // Never connected before, so this is the first connection, not a reconnect.
    expect(connection.reconnects).toBe(0);
  });

  it('stop closes the socket and leaves no timers running', async () => {
    const { fake, connection } = await setup({ keepaliveMs: 1000 });
    const timersBefore = countTimers();
    connection.start();
    await connection.waitUntilReady();
    await connection.stop();
    expect(connection.ready).toBe(false);
    await until(() => fake.sockets.size === 0);
    expect(countTimers()).toBeLessThanOrEqual(timersBefore);
    await expect(connection.waitUntilReady(100)).rejects.toThrow(/stopped/);
  });
});

describe('reconnectDelay', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 5000, factor: 2 };
  it('starts well under a second, grows, and is capped', () => {
    expect(reconnectDelay(policy, 0, () => 1)).toBe(100);
    expect(reconnectDelay(policy, 0, () => 0)).toBe(50);
    expect(reconnectDelay(policy, 3, () => 1)).toBe(800);
    expect(reconnectDelay(policy, 30, () => 1)).toBe(5000);
    expect(reconnectDelay(policy, 30, () => 0)).toBe(2500);
  });
});

function countTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  await vi.waitFor(() => expect(check()).toBe(true), { timeout: timeoutMs, interval: 5 });
}

