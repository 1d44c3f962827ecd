import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AriClient } from '../../src/ari/ari-client.js';
import { AriError } from '../../src/ari/ari-error.js';
import { isChannelGone } from '../../src/ari/is-channel-gone.js';
import { freePort } from '../../src/infra/private-redis.js';
import { ValidationError } from '../../src/errors.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A few lines of node:http standing in for Asterisk: records requests, answers as told. */
let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let handler: Handler;
const hanging = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      handler(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  seen = [];
  for (const res of hanging) res.destroy();
  hanging.clear();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function reply(status: number, body?: unknown): Handler {
  return (_req, res) => {
    res.statusCode = status;
    if (body === undefined) return res.end();
    res.setHeader('content-type', 'application/json');
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

function client(timeoutMs = 2000, url = baseUrl): AriClient {
  return new AriClient({ url, user: 'ivr', password: 's3cret', requestTimeoutMs: timeoutMs });
}

const playback = { id: 'pb-1', media_uri: 'sound:a', target_uri: 'channel:c1', language: 'en', state: 'queued' };

describe('ARI REST client', () => {
  it('sends Basic auth and a media list as one comma-joined parameter', async () => {
    handler = reply(201, playback);
    const ari = client();
    const result = await ari.channels.playWithId('c1', 'pb-1', ['sound:a', 'sound:b', 'sound:c'], { lang: 'zh' });
    await ari.close();
    expect(result.id).toBe('pb-1');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/ari/channels/c1/play/pb-1?media=sound:a,sound:b,sound:c&lang=zh');
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('ivr:s3cret').toString('base64')}`);
    const params = new URL(seen[0]!.url, baseUrl).searchParams;
    expect(params.get('media')!.split(',')).toEqual(['sound:a', 'sound:b', 'sound:c']);
  });

  it('sends originate variables as a JSON body and the rest as query parameters', async () => {
    handler = reply(200, { id: 'agent-1', name: 'PJSIP/1001-0001', state: 'Down' });
    const ari = client();
    await ari.channels.originateWithId('agent-1', {
      endpoint: 'PJSIP/1001',
      app: 'ivr',
      appArgs: ['agent', 'q1'],
      callerId: '"Hotline" <10000>',
      timeout: 20,
      variables: { CALL_ID: 'abc', 'CALLERID(name)': 'Hotline' },
    });
    await ari.close();
    const req = seen[0]!;
    const url = new URL(req.url, baseUrl);
    expect(url.pathname).toBe('/ari/channels/agent-1');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      endpoint: 'PJSIP/1001', app: 'ivr', appArgs: 'agent,q1', callerId: '"Hotline" <10000>', timeout: '20',
    });
    expect(req.contentType).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ variables: { CALL_ID: 'abc', 'CALLERID(name)': 'Hotline' } });
  });

  it('percent-encodes DTMF so # reaches Asterisk intact', async () => {
    handler = reply(204);
    const ari = client();
    await ari.channels.sendDtmf('c1', '12#*', { between: 100 });
    await ari.close();
    const params = new URL(seen[0]!.url, baseUrl).searchParams;
    expect(params.get('dtmf')).toBe('12#*');
    expect(params.get('between')).toBe('100');
  });

  it('accepts a base URL that already ends in /ari', async () => {
    handler = reply(200, { asterisk_id: 'x', ping: 'pong', timestamp: 't' });
    const ari = client(2000, `${baseUrl}/ari/`);
    await ari.asterisk.ping();
    await ari.close();
    expect(seen[0]!.url).toBe('/ari/asterisk/ping');
  });

  it('turns an error answer into an AriError with Asterisk status, message, method and path', async () => {
    handler = reply(404, { message: 'Channel not found' });
    const ari = client();
    const err = await ari.channels.answer('gone-1').catch((e: unknown) => e);
    await ari.close();
    expect(err).toBeInstanceOf(AriError);
    const ariErr = err as AriError;
    expect(ariErr.code).toBe('ari-not-found');
    expect(ariErr.ariStatus).toBe(404);
    expect(ariErr.ariMessage).toBe('Channel not found');
    expect(ariErr.method).toBe('POST');
    expect(ariErr.path).toBe('/channels/gone-1/answer');
    expect(ariErr.message).toContain('404 Channel not found');
    expect(isChannelGone(ariErr)).toBe(true);
  });

  it('does not take a missing variable for a gone channel', async () => {
    handler = reply(404, { message: 'Provided variable was not found' });
    const ari = client();
    const err = await ari.channels.getVariable('c1', 'NOPE').catch((e: unknown) => e);
    await ari.close();
    expect((err as AriError).ariStatus).toBe(404);
    expect(isChannelGone(err)).toBe(false);
  });

  it('keeps a non-JSON error body as the message', async () => {
    handler = reply(500, 'Internal Server Error');
    const ari = client();
    const err = (await ari.channels.list().catch((e: unknown) => e)) as AriError;
    await ari.close();
    expect(err.code).toBe('ari-server-error');
    expect(err.ariStatus).toBe(500);
    expect(err.ariMessage).toBe('Internal Server Error');
    expect(err.status).toBe(502);
  });

  it('reports a success answer that is not JSON as ari-bad-response', async () => {
    handler = reply(200, '<html>');
    const ari = client();
    const err = (await ari.channels.list().catch((e: unknown) => e)) as AriError;
    await ari.close();
    expect(err.code).toBe('ari-bad-response');
  });

  it('gives up after the request timeout with ari-timeout', async () => {
    handler = (_req, res) => hanging.add(res);
    const ari = client(150);
    const err = (await ari.channels.list().catch((e: unknown) => e)) as AriError;
    await ari.close();
    expect(err).toBeInstanceOf(AriError);
    expect(err.code).toBe('ari-timeout');
    expect(err.status).toBe(504);
    expect(err.ariStatus).toBeNull();
    expect(err.path).toBe('/channels');
  });

  it('reports a refused connection as ari-unreachable', async () => {
    const port = await freePort();
    const ari = client(2000, `http://127.0.0.1:${port}`);
    const err = (await ari.asterisk.ping().catch((e: unknown) => e)) as AriError;
    await ari.close();
    expect(err).toBeInstanceOf(AriError);
    expect(err.code).toBe('ari-unreachable');
    expect(err.status).toBe(503);
  });

  it('rejects bad input before sending anything', async () => {
    const ari = client();
    await expect(ari.channels.hangup('')).rejects.toBeInstanceOf(ValidationError);
    await expect(ari.channels.play('c1', [])).rejects.toThrow(/media/);
    await expect(ari.channels.sendDtmf('c1', '12x')).rejects.toThrow(/dtmf/);
    await expect(ari.applications.subscribe('ivr', 'nonsense')).rejects.toThrow(/eventSource/);
    await ari.close();
    expect(seen).toHaveLength(0);
    expect(() => client(2000, 'ftp://x')).toThrow(/http/);
  });
});

describe('isChannelGone', () => {
  const err = (status: number, message: string, path = '/channels/c1/play') =>
    AriError.fromResponse('POST', path, status, message);

  it('recognises each way Asterisk says the caller is gone', () => {
    expect(isChannelGone(err(404, 'Channel not found'))).toBe(true);
    expect(isChannelGone(err(409, 'Channel not in Stasis application'))).toBe(true);
    expect(isChannelGone(err(412, 'Channel in invalid state'))).toBe(true);
    expect(isChannelGone(err(422, 'Channel not in Stasis application', '/bridges/b/addChannel'))).toBe(true);
    expect(isChannelGone(err(400, 'Channel not found', '/bridges/b/addChannel'))).toBe(true);
  });

  it('does not confuse other failures with a gone caller', () => {
    expect(isChannelGone(err(404, 'Bridge not found', '/bridges/b/addChannel'))).toBe(false);
    expect(isChannelGone(err(404, 'Playback not found', '/playbacks/p'))).toBe(false);
    expect(isChannelGone(err(409, 'Bridge not in Stasis application', '/bridges/b/addChannel'))).toBe(false);
    expect(isChannelGone(err(500, 'Internal Server Error'))).toBe(false);
    expect(isChannelGone(new Error('Channel not found'))).toBe(false);
  });
});
