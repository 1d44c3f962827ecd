import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type ApiFixture, type ApiFixtureOptions } from './api-fixture.js';
import { SseClient } from './sse-client.js';

/** Far longer than the configured 1 s timeouts and the server's checking interval. */
const GENEROUS_MS = 15_000;

let api: ApiFixture;
let port = 0;

beforeAll(async () => {
  api = await startApi({
    redisUrl: inject('redisUrl'),
    listen: true,
    api: { streamIntervalSec: 1, timeouts: { headersSec: 1, requestSec: 1, keepAliveSec: 1 } } as ApiFixtureOptions['api'],
  });
  port = Number(new URL(api.url).port);
});

afterAll(async () => {
  await api.close();
});

interface SlowSocket {
  socket: Socket;
  received: () => string;
  /** 'closed' once the server closed it; 'still open' after the generous limit. */
  outcome: Promise<'closed' | 'still open'>;
}

/** A client that sends `head` at once (may be empty), then `trickle` one byte every 200 ms, never finishing. */
function slowClient(head: string, trickle: string): SlowSocket {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => { received += chunk; });
  socket.on('error', () => {});
  let i = 0;
  let limit: NodeJS.Timeout | undefined;
  const drip = setInterval(() => {
    if (!socket.destroyed && socket.writable && i < trickle.length) socket.write(trickle[i++]!);
  }, 200);
  socket.once('connect', () => { if (head) socket.write(head); });
  const outcome = Promise.race([
    new Promise<'closed'>((resolve) => socket.once('close', () => resolve('closed'))),
    new Promise<'still open'>((resolve) => { limit = setTimeout(() => resolve('still open'), GENEROUS_MS); }),
  ]).finally(() => {
    clearInterval(drip);
    clearTimeout(limit);
    socket.destroy();
  });
  return { socket, received: () => received, outcome };
}

describe('slow clients are cut off', () => {
  it('sockets sending headers or a body one byte at a time, or nothing at all, are closed by the server, with or without a key', async () => {
    const body = JSON.stringify({ name: 'slow', role: 'viewer' }).padEnd(400, ' ');
    const slowHeaders = slowClient('', `GET /v1/stats/realtime HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${api.keys.admin}\r\nX-Padding: ${'a'.repeat(400)}\r\n\r\n`);
    const slowBodyWithKey = slowClient(
      `POST /v1/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${api.keys.admin}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    const slowBodyWithoutKey = slowClient(
      `POST /v1/keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    const silent = slowClient('', '');

    const outcomes = await Promise.all([slowHeaders, slowBodyWithKey, slowBodyWithoutKey, silent].map((c) => c.outcome));
    expect(outcomes).toEqual(['closed', 'closed', 'closed', 'closed']);
    // The slow request with a key was answered 408 (the one without a key may get its 401 first).
    expect(slowBodyWithKey.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(slowHeaders.received()).toMatch(/^HTTP\/1\.1 408/);
  }, GENEROUS_MS + 10_000);

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const idle = slowClient(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`, '');
    expect(await idle.outcome).toBe('closed');
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200/);
  }, GENEROUS_MS + 10_000);

  it('/v1/stream is a long response, not a slow request: it keeps streaming well past the request timeout', async () => {
    const stream = await SseClient.open(`${api.url}/v1/stream`, { authorization: `Bearer ${api.keys.viewer}` });
    expect(stream.status).toBe(200);
    let ended = false;
    void stream.ended.then(() => { ended = true; });
    // One report at once, then one a second: five reports span four request timeouts.
    for (let i = 0; i < 5; i++) await stream.next('stats');
    expect(ended).toBe(false);
    await stream.close();
  }, GENEROUS_MS + 10_000);
});
