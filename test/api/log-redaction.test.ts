import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/api/error-handler.js';
import { createLogger } from '../../src/log/logger.js';
import { redactUrl } from '../../src/log/redact-url.js';

const KEY = 'hk_0123456789ab_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';
const TICKET = 'st_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210_-zyxwv';

function capture(): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

async function failingServer(logger: pino.Logger) {
  const app = Fastify();
  app.setErrorHandler(errorHandler(logger));
  app.get('/v1/stream', async () => {
    throw new Error('boom');
  });
  await app.ready();
  return app;
}

describe('no secret in a logged URL', () => {
  it('a 5xx logs its URL with the key and ticket redacted and the rest kept', async () => {
    const { lines, destination } = capture();
    const app = await failingServer(createLogger({ level: 'info', destination }));
    const res = await app.inject({ url: `/v1/stream?key=${encodeURIComponent(KEY)}&ticket=${TICKET}&access_token=abc123secret&queue=billing` });
    expect(res.statusCode).toBe(500);
    const logged = lines.join('');
    expect(logged).toContain('request failed');
    expect(logged).toContain('queue=billing');
    for (const secret of [KEY, encodeURIComponent(KEY), TICKET, 'abc123secret', 'AbCdEfGhIjKl']) expect(logged).not.toContain(secret);
    await app.close();
  });

  it('the error handler redacts even with a logger it did not make', async () => {
    const { lines, destination } = capture();
    const app = await failingServer(pino(destination));
    await app.inject({ url: `/v1/stream?key=${encodeURIComponent(KEY)}` });
    expect(lines.join('')).toContain('request failed');
    expect(lines.join('')).not.toContain('AbCdEfGhIjKl');
    await app.close();
  });

  it("the service's logger redacts a url, or a request's url, in any line", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination });
    logger.info({ url: `/wallboard?key=${KEY}` }, 'one');
    logger.child({ req: { method: 'GET', url: `/v1/stream?ticket=${TICKET}` } }).info('two');
    logger.info({ req: { method: 'GET', url: `/v1/stream?password=hunter22&token=t0k3n` } }, 'three');
    const logged = lines.join('');
    expect(lines).toHaveLength(3);
    for (const secret of ['AbCdEfGhIjKl', 'ZyXwVuTsRqPo', 'hunter22', 't0k3n']) expect(logged).not.toContain(secret);
    expect(logged).toContain('/v1/stream?');
  });
});

describe('redactUrl', () => {
  it('redacts secret-named parameters and key- or ticket-shaped values anywhere, keeping the rest as it came', () => {
    expect(redactUrl('/v1/stream?key=abc&ticket=def&queue=billing&from=2026-01-01T00%3A00%3A00Z')).toBe('/v1/stream?key=[redacted]&ticket=[redacted]&queue=billing&from=2026-01-01T00%3A00%3A00Z');
    expect(redactUrl('/x?api%5Fkey=1&Authorization=2&password=3&pin=4&token=5&X-Signature=6')).toBe('/x?api%5Fkey=[redacted]&Authorization=[redacted]&password=[redacted]&pin=[redacted]&token=[redacted]&X-Signature=[redacted]');
    expect(redactUrl(`/v1/keys/${KEY}`)).toBe('/v1/keys/hk_0123456789ab_[redacted]');
    expect(redactUrl(`/v1/queues?note=${TICKET}`)).toBe('/v1/queues?note=st_[redacted]');
    expect(redactUrl('/v1/queues')).toBe('/v1/queues');
    expect(redactUrl('/v1/queues?flag')).toBe('/v1/queues?flag');
  });
});
