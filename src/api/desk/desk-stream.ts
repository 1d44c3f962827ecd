import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeskNotice } from '../../desk/desk-notices.js';
import { exposureOf } from '../exposure/number-exposure.js';
import { toAgentView } from '../schemas/agent-schemas.js';
import { authErrors, isoTime, noQuery } from '../schemas/common-schemas.js';
import { openEventStream, revocableStreams } from '../stream/event-stream.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { deskParams, toPopView, toRecentView } from './desk-schemas.js';

/** A client this far behind is not reading: it is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 256 * 1024;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;
/** A desk page or two per agent (a second screen); more is a page left open somewhere. */
const MAX_STREAMS_PER_KEY = 3;

/**
 * GET /v1/desk/agents/:id/stream: the agent's desk as server-sent events.
 * `desk` (the whole desk: state, current call, recent calls) at once, so a
 * page that reconnects has caught up; then `state` (the agent's state changed,
 * by the desk, a supervisor or the ACD: a RONA pause), `pop` (the screen pop
 * of the call ringing the agent, then again with the account), `cleared`
 * (the call and its customer are gone), and `end` (why the server ends the
 * stream: the session ended or expired). EventSource reconnects by itself;
 * the page asks a new single-use ticket first (POST /v1/desk/stream/tickets).
 */
export const deskStream: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const desk = deps.desk!;
  const { open, revocations } = revocableStreams(deps, MAX_STREAMS_PER_KEY, app.log);
  try {
    await Promise.all([revocations.start(), desk.notices.start()]);
  } catch (err) {
    app.log.warn({ err }, 'desk notices unavailable for now; desks catch up when they reconnect');
  }
  app.addHook('preClose', async () => {
    open.endAll('server-closing');
    revocations.stop();
    desk.notices.stop();
  });

  app.post('/desk/stream/tickets', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: "A single-use ticket to open the agent's desk stream (EventSource cannot send headers)",
      querystring: noQuery,
      response: { 201: z.object({ ticket: z.string(), expiresAt: z.string() }), ...authErrors },
    },
  }, async (req, reply) => {
    const { ticket, expiresAt } = await deps.keys.tickets.issue(req.apiKey!.id);
    return reply.code(201).header('cache-control', 'no-store').send({ ticket, expiresAt: isoTime(expiresAt) });
  });

  app.get('/desk/agents/:id/stream', {
    config: { role: 'agent', ticketInQuery: true },
    schema: {
      tags: ['desk'],
      summary: "The agent's desk, live (server-sent events: desk, state, pop, cleared, end)",
      params: deskParams,
      querystring: z.object({ ticket: z.string().max(200).optional() }).strict(),
      response: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } }, ...authErrors },
    },
  }, async (req, reply) => {
    const agentId = req.params.id;
    const stream = openEventStream(reply, {
      log: req.log, name: 'desk stream', retryMs: 2000, maxBufferedBytes: MAX_BUFFERED_BYTES,
      admit: (end) => open.admit(req.apiKey!, end),
    });
    const send = stream.send;
    // Subscribed before the desk is read: a change in between arrives after the snapshot, never lost.
    const off = desk.notices.subscribe(agentId, (notice: DeskNotice) => {
      if (notice.type === 'pop') send('pop', toPopView(notice.pop));
      else if (notice.type === 'state') send('state', { state: notice.state, pauseReason: notice.pauseReason, callId: notice.callId });
      else send('cleared', { callId: notice.callId });
    });
    const keepAlive = setInterval(() => { if (!reply.raw.writableEnded) reply.raw.write(': keep-alive\n\n'); }, KEEP_ALIVE_MS);
    stream.onClose(() => { off(); clearInterval(keepAlive); });
    try {
      const view = await desk.desk.view(agentId);
      send('desk', { agent: toAgentView(view.agent, exposureOf(req)), call: view.call && toPopView(view.call), recent: view.recent.map(toRecentView) });
    } catch (err) {
      req.log.warn({ err }, 'could not read the desk for its stream; closing it so the page reconnects');
      stream.close();
    }
  });
};
