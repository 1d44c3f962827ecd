import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors, isoTime, noQuery } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { openEventStream, revocableStreams } from '../stream/event-stream.js';
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
 * instance; `end` says why the server ends the stream (the key was revoked or
 * expired, the server is closing).
 *
 * A browser's EventSource cannot send an Authorization header, and a key in a
 * URL ends up in proxy logs and browser history: such a client asks
 * POST /v1/stream/tickets (key in the header) for a single-use ticket that
 * lives 30 seconds, and opens the stream with `?ticket=`. `?key=` is taken
 * only when `api.streams.keyInQuery` is set.
 *
 * A key's streams end on every instance as soon as it is revoked (a notice
 * over Redis pub/sub) or expires (a timer), and each open stream checks its
 * key again every `api.streams.recheckSec` in case a notice was missed.
 * Open streams are capped per key and per instance (429 too-many-streams).
 */
export const streamRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const streamSettings = deps.settings.streams;
  const feed = new RealtimeFeed({
    realtime: deps.realtime,
    intervalMs: deps.settings.streamIntervalSec * 1000,
    events: deps.events,
    logger: app.log,
  });
  const { open, revocations: notices } = revocableStreams(deps, streamSettings.maxPerKey, app.log);
  try {
    await notices.start();
  } catch (err) {
    app.log.warn({ err }, 'key revocation notices unavailable for now; open streams re-check their keys every interval');
  }
  app.addHook('preClose', async () => {
    open.endAll('server-closing');
    feed.close();
    notices.stop();
  });

  app.post('/stream/tickets', {
    config: { role: 'viewer' },
    schema: {
      tags: ['statistics'],
      summary: 'A single-use ticket to open /v1/stream without the key in the URL',
      description: 'Send the key in the Authorization header; open GET /v1/stream?ticket=<ticket> within 30 seconds. A ticket opens one stream, on any instance, once.',
      querystring: noQuery,
      response: {
        201: z.object({ ticket: z.string(), expiresAt: z.string() }).describe('StreamTicket'),
        ...authErrors,
      },
    },
  }, async (req, reply) => {
    const { ticket, expiresAt } = await deps.keys.tickets.issue(req.apiKey!.id);
    return reply.code(201).header('cache-control', 'no-store').send({ ticket, expiresAt: isoTime(expiresAt) });
  });

  app.get('/stream', {
    config: { role: 'viewer', keyInQuery: streamSettings.keyInQuery, ticketInQuery: true },
    schema: {
      tags: ['statistics'],
      summary: 'Live figures and events (server-sent events)',
      description: 'Events: stats (the realtime report), agent, call, routing, and end (why the server ended the stream). Clients that cannot send headers (EventSource) open it with ?ticket= from POST /v1/stream/tickets.',
      querystring: z.object({
        ticket: z.string().max(200).optional().describe('A single-use ticket from POST /v1/stream/tickets, for clients that cannot send headers'),
        key: z.string().max(300).optional().describe('The API key; only when api.streams.keyInQuery is set'),
      }).strict(),
      response: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...authErrors,
      },
    },
  }, async (req, reply) => {
    const stream = openEventStream(reply, {
      log: req.log, name: 'supervisor stream', retryMs: 3000, maxBufferedBytes: MAX_BUFFERED_BYTES,
      admit: (end) => open.admit(req.apiKey!, end),
    });
    const send = stream.send;
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
    stream.onClose(() => { offReports(); offEvents(); });
    try {
      sendStats(await deps.realtime.report());
    } catch (err) {
      req.log.warn({ err }, 'first realtime figures for the stream failed; the next interval will bring them');
    }
  });
};

