import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { RealtimeFeed } from '../stream/realtime-feed.js';
import { eventPayload, statsPayload } from '../stream/stream-payload.js';
import { exposureOf } from '../exposure/number-exposure.js';
import type { RealtimeReport } from '../../stats/realtime-stats.js';

/** A client this far behind is not reading: it is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * GET /v1/stream: server-sent events. `stats` carries the realtime report
 * (at once, then every `api.streamIntervalSec` and soon after calls and agents
 * change); `agent`, `call` and `routing` carry events as they happen on this
 * instance.
 *
 * A browser's EventSource cannot send an Authorization header, so this route
 * alone also accepts the key as `?key=`. A key in a URL can end up in proxy
 * logs and browser history: give wallboards a viewer key of their own.
 */
export const streamRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const feed = new RealtimeFeed({
    realtime: deps.realtime,
    intervalMs: deps.settings.streamIntervalSec * 1000,
    events: deps.events,
    logger: app.log,
  });
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
    feed.close();
  });

  app.get('/stream', {
    config: { role: 'viewer', keyInQuery: true },
    schema: {
      tags: ['statistics'],
      summary: 'Live figures and events (server-sent events)',
      description: 'Events: stats (the realtime report), agent, call, routing. The key may be given as ?key= because EventSource cannot send headers.',
      querystring: z.object({ key: z.string().max(200).optional().describe('The API key, for clients that cannot send headers') }).strict(),
      response: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...authErrors,
      },
    },
  }, async (req, reply) => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 3000\n\n');
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      offReports();
      offEvents();
      open.delete(close);
      raw.end();
    };
    const send = (event: string, data: unknown) => {
      if (closed) return;
      if (raw.writableLength > MAX_BUFFERED_BYTES) {
        req.log.warn('supervisor stream client too slow; closing its stream');
        close();
        return;
      }
      write(raw, event, data);
    };
    const exposure = exposureOf(req);
    const sendStats = (report: RealtimeReport) => {
      const data = statsPayload(report);
      if (data) send('stats', data);
    };
    const offReports = feed.subscribe(sendStats);
    const offEvents = deps.events.subscribe((event) => {
      const data = eventPayload(event, exposure);
      if (data) send(event.kind, data);
    });
    open.add(close);
    raw.on('close', close);
    try {
      sendStats(await deps.realtime.report());
    } catch (err) {
      req.log.warn({ err }, 'first realtime figures for the stream failed; the next interval will bring them');
    }
  });
};

function write(raw: ServerResponse, event: string, data: unknown): void {
  raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
