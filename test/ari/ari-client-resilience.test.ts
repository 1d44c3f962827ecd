import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AriClient, type AriClientOptions } from '../../src/ari/ari-client.js';
import { AriError } from '../../src/ari/ari-error.js';
import { loadConfig } from '../../src/service/config-schema.js';
import { ValidationError } from '../../src/errors.js';

/**
 * The ARI client against a node:http server standing in for Asterisk, made to
 * fail the ways a loaded Asterisk does: a connection that closes under a
 * request before any answer (Asterisk closing an idle keep-alive connection
 * as the request is written), requests held in a channel's queue, slow answers.
 */
interface Seen {
  method: string;
  url: string;
  /** The client's port: tells connections apart. */
  port: number;
  res: ServerResponse;
}

type Handler = (req: IncomingMessage, res: ServerResponse, nth: number) => void;

let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let handler: Handler;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', port: req.socket.remotePort ?? 0, res });
      handler(req, res, seen.length);
    });
  });
  // Longer than any test: only the client closes idle connections here.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const s of seen) if (!s.res.writableEnded) s.res.destroy();
  seen = [];
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function client(options: Partial<AriClientOptions> = {}): AriClient {
  return new AriClient({ url: baseUrl, user: 'ivr', password: 'ivr', requestTimeoutMs: 2000, ...options });
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  res.statusCode = status;
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

/** The connection closes under the request without a byte of answer. */
function closeUnanswered(req: IncomingMessage): void {
  req.socket.destroy();
}

const channel = (id: string) => ({ id, name: `PJSIP/1001-${id}`, state: 'Down' });
const requests = () => seen.map((s) => `${s.method} ${s.url.split('?')[0]}`);

describe('ARI client on a connection that breaks before any answer', () => {
  it('sends a GET again once, on a new connection', async () => {
    handler = (req, res, nth) => (nth === 1 ? closeUnanswered(req) : reply(res, 200, channel('c1')));
    const ari = client();
    const result = await ari.channels.get('c1');
    await ari.close();
    expect(result.id).toBe('c1');
    expect(requests()).toEqual(['GET /ari/channels/c1', 'GET /ari/channels/c1']);
    expect(seen[1]!.port).not.toBe(seen[0]!.port);
  });

  it('sends a hang-up again once; the second failure is reported as a lost connection', async () => {
    handler = (req) => closeUnanswered(req);
    const ari = client();
    const err = (await ari.channels.hangup('c1').catch((e: unknown) => e)) as AriError;
    await ari.close();
    expect(err).toBeInstanceOf(AriError);
    expect(err.code).toBe('ari-connection-lost');
    expect(requests()).toEqual(['DELETE /ari/channels/c1', 'DELETE /ari/channels/c1']);
  });

  it('never sends again a request that doing twice would be wrong (DTMF, an originate without our id)', async () => {
    handler = (req) => closeUnanswered(req);
    const ari = client();
    const dtmf = (await ari.channels.sendDtmf('c1', '1').catch((e: unknown) => e)) as AriError;
    const originate = (await ari.channels.originate({ endpoint: 'PJSIP/1001', app: 'ivr' }).catch((e: unknown) => e)) as AriError;
    await ari.close();
    expect(dtmf.code).toBe('ari-connection-lost');
    expect(originate.code).toBe('ari-connection-lost');
    expect(requests()).toEqual(['POST /ari/channels/c1/dtmf', 'POST /ari/channels']);
  });

  it('an originate with our channel id that Asterisk carried out is found, not dialled twice', async () => {
    handler = (req, res, nth) => (nth === 1 ? closeUnanswered(req) : reply(res, 200, channel('leg-1')));
    const ari = client();
    const result = await ari.channels.originateWithId('leg-1', { endpoint: 'PJSIP/1001', app: 'ivr' });
    await ari.close();
    expect(result.id).toBe('leg-1');
    expect(requests()).toEqual(['POST /ari/channels/leg-1', 'GET /ari/channels/leg-1']);
  });

  it('an originate with our channel id that never reached Asterisk is sent again once', async () => {
    handler = (req, res, nth) => {
      if (nth === 1) closeUnanswered(req);
      else if (nth === 2) reply(res, 404, { message: 'Channel not found' });
      else reply(res, 200, channel('leg-2'));
    };
    const ari = client();
    const result = await ari.channels.originateWithId('leg-2', { endpoint: 'PJSIP/1001', app: 'ivr' });
    await ari.close();
    expect(result.id).toBe('leg-2');
    expect(requests()).toEqual(['POST /ari/channels/leg-2', 'GET /ari/channels/leg-2', 'POST /ari/channels/leg-2']);
    expect(seen[2]!.port).toBe(seen[1]!.port);
    expect(seen[1]!.port).not.toBe(seen[0]!.port);
  });

  it('an originate whose check fails is reported failed, not sent again', async () => {
    handler = (req, res, nth) => (nth === 1 ? closeUnanswered(req) : reply(res, 500, { message: 'Internal Server Error' }));
    const ari = client();
    const err = (await ari.channels.originateWithId('leg-3', { endpoint: 'PJSIP/1001', app: 'ivr' }).catch((e: unknown) => e)) as AriError;
    await ari.close();
    expect(err).toBeInstanceOf(AriError);
    expect(requests()).toEqual(['POST /ari/channels/leg-3', 'GET /ari/channels/leg-3']);
  });

  it('a channel command (addChannel, variable set) is sent again once', async () => {
    handler = (req, res, nth) => (nth % 2 === 1 ? closeUnanswered(req) : reply(res, 204));
    const ari = client();
    await ari.bridges.addChannel('b1', 'c1');
    await ari.channels.setVariable('c1', 'X', '1');
    await ari.close();
    expect(requests()).toEqual([
      'POST /ari/bridges/b1/addChannel', 'POST /ari/bridges/b1/addChannel',
      'POST /ari/channels/c1/variable', 'POST /ari/channels/c1/variable',
    ]);
  });
});

describe('ARI client keep-alive', () => {
  it('closes an idle connection itself, long before the switch would', async () => {
    handler = (_req, res) => reply(res, 200, channel('c1'));
    const ari = client({ keepAliveMs: 100, serverKeepAliveMs: 15_000 });
    await ari.channels.get('c1');
    const used = [...sockets].find((s) => s.remotePort === seen[0]!.port)!;
    expect(used).toBeDefined();
    // The server keeps connections 60 s: an end seen now comes from the client.
    await new Promise<void>((resolve) => (used.readableEnded ? resolve() : used.once('end', resolve)));
    await ari.close();
  });

  it('refuses a keep-alive that is not well under the switch\'s', () => {
    expect(() => client({ keepAliveMs: 10_000, serverKeepAliveMs: 15_000 })).toThrow(ValidationError);
    expect(() => client({ keepAliveMs: 10_000, serverKeepAliveMs: 15_000 })).toThrow(/session_keep_alive/);
    expect(() => loadConfig({ files: [], env: { HOTLINE__ari__keepAliveMs: '9000' } })).toThrow(/keepAliveMs/);
    const config = loadConfig({ files: [], env: {} });
    expect(config.ari.keepAliveMs * 2).toBeLessThanOrEqual(config.ari.serverKeepAliveMs);
  });
});

describe('ARI client under requests held by the switch', () => {
  const held = (s: Seen) => s.url.includes('/addChannel') || s.url.includes('/variable');

  it('requests held in channels\' queues never take the connections of hang-ups and queries', async () => {
    handler = (req, res) => {
      if (req.url!.includes('/addChannel')) return; // held, as behind a prompt
      reply(res, req.method === 'GET' ? 200 : 204, req.method === 'GET' ? channel('c9') : undefined);
    };
    const ari = client({ connections: 1, channelConnections: 2 });
    const adds = ['c1', 'c2', 'c3'].map((id) => ari.bridges.addChannel('b1', id).catch((e: unknown) => e));
    await vi.waitFor(() => expect(seen.filter(held)).toHaveLength(2), { timeout: 2000, interval: 5 });
    // Both channel connections are held; the others are free.
    await ari.channels.hangup('c9');
    expect((await ari.channels.get('c9')).id).toBe('c9');
    await ari.playbacks.stop('pb-1');
    await ari.bridges.destroy('b2');
    for (const s of seen.filter(held)) reply(s.res, 204);
    await vi.waitFor(() => expect(seen.filter(held)).toHaveLength(3), { timeout: 2000, interval: 5 });
    reply(seen.filter(held)[2]!.res, 204);
    expect(await Promise.all(adds)).toEqual([undefined, undefined, undefined]);
    await ari.close();
  });

  it('sends one command at a time per channel, in order, so a busy channel holds one connection', async () => {
    handler = () => {}; // every command held
    const ari = client({ channelConnections: 8 });
    const first = ari.bridges.addChannel('b1', 'c1');
    const second = ari.channels.setVariable('c1', 'X', '1');
    const other = ari.channels.setVariable('c2', 'Y', '2');
    await vi.waitFor(() => expect(seen.some((s) => s.url.includes('/channels/c2/'))).toBe(true), { timeout: 2000, interval: 5 });
    const third = ari.channels.answer('c3');
    await vi.waitFor(() => expect(seen.some((s) => s.url.includes('/channels/c3/'))).toBe(true), { timeout: 2000, interval: 5 });
    expect(requests()).not.toContain('POST /ari/channels/c1/variable');
    expect(ari.rest.busyChannels).toBe(3);
    reply(seen.find((s) => s.url.includes('/addChannel'))!.res, 204);
    await first;
    await vi.waitFor(() => expect(requests()).toContain('POST /ari/channels/c1/variable'), { timeout: 2000, interval: 5 });
    for (const s of seen) if (!s.res.writableEnded) reply(s.res, 204);
    await Promise.all([second, other, third]);
    expect(ari.rest.busyChannels).toBe(0);
    await ari.close();
  });

  it('a command waiting behind its channel\'s earlier one times out without being sent', async () => {
    handler = () => {};
    const ari = client({ channelCommandTimeoutMs: 300 });
    const first = ari.bridges.addChannel('b1', 'c1').catch((e: unknown) => e);
    const second = (await ari.channels.setVariable('c1', 'X', '1').catch((e: unknown) => e)) as AriError;
    expect(second).toBeInstanceOf(AriError);
    expect(second.code).toBe('ari-timeout');
    expect(second.path).toBe('/channels/c1/variable');
    expect(((await first) as AriError).code).toBe('ari-timeout');
    expect(requests()).toEqual(['POST /ari/bridges/b1/addChannel']);
    await ari.close();
  });

  it('gives each kind of request its own deadline', async () => {
    // Every answer comes late: later than a query may take, well within an originate's or a channel command's time.
    handler = (_req, res) => setTimeout(() => reply(res, 200, channel('x')), 600);
    const ari = client({ requestTimeoutMs: 100, originateTimeoutMs: 5000, channelCommandTimeoutMs: 5000 });
    const query = (await ari.channels.get('c1').catch((e: unknown) => e)) as AriError;
    expect(query.code).toBe('ari-timeout');
    expect(query.message).toContain('100 ms');
    expect((await ari.channels.originateWithId('leg-4', { endpoint: 'PJSIP/1001', app: 'ivr' })).id).toBe('x');
    await ari.bridges.addChannel('b1', 'c1');
    await ari.close();
  });
});
