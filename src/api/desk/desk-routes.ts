import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotYourDeskError } from '../../desk/desk-errors.js';
import { systemClock } from '../../time/clock.js';
import { exposureOf } from '../exposure/number-exposure.js';
import { actorOf, audit } from '../routes/actor.js';
import { toAgentView, agentView } from '../schemas/agent-schemas.js';
import { authErrors, errorSchema, isoTime, noQuery } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { deskCallParams, deskParams, deskView, reasonText, recentCallView, toPopView, toRecentView } from './desk-schemas.js';
import { deskStream } from './desk-stream.js';

const conflict = { 404: errorSchema, 409: errorSchema };

/**
 * The agent's own desk (README, "The agent desk"): routes for the `agent`
 * role only, each under the agent's id. A key (or desk session) bound to
 * another agent is refused with 403 not-your-agent before anything is read;
 * a call that is not the agent's is 403, one that is but no longer allows the
 * action is 409. Every change is audited under the key or session that made it.
 */
export const deskRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const desk = deps.desk;
  if (!desk) return;
  const clock = deps.clock ?? systemClock;
  const note = (req: FastifyRequest, action: string, target: string, before: unknown, after: unknown) =>
    audit(deps.audit, req.log, { at: clock.now(), actor: actorOf(req), action, target, before, after });

  // Before the body is validated: another agent's desk learns nothing, not even what is wrong with the request.
  app.addHook('preValidation', async (req) => {
    const id = (req.params as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && req.apiKey?.agentId !== id) throw new NotYourDeskError('agent', id);
  });

  app.get('/desk/agents/:id', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: "The agent's desk: state, the current call's screen pop, recent calls, the choices offered",
      params: deskParams,
      querystring: noQuery,
      response: { 200: deskView, ...authErrors, 404: errorSchema },
    },
  }, async (req) => {
    const view = await desk.desk.view(req.params.id);
    const { config } = desk.desk;
    return {
      agent: toAgentView(view.agent, exposureOf(req)),
      call: view.call && toPopView(view.call),
      recent: view.recent.map(toRecentView),
      pauseReasons: config.pauseReasons,
      dispositions: config.dispositions,
      queues: desk.desk.queues(),
    };
  });

  app.post('/desk/agents/:id/state', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: 'Log in (paused), set ready, pause with a reason of desk.pauseReasons, or log out',
      description: 'A pause or logout asked for during a call takes effect when it ends.',
      params: deskParams,
      querystring: noQuery,
      body: z.discriminatedUnion('action', [
        z.object({ action: z.literal('login') }).strict(),
        z.object({ action: z.literal('ready') }).strict(),
        z.object({ action: z.literal('pause'), reason: z.string({ error: 'a pause needs a reason' }).min(1, 'a pause needs a reason').max(32) }).strict(),
        z.object({ action: z.literal('logout') }).strict(),
      ]).describe('DeskStateChange'),
      response: { 200: agentView, ...authErrors, ...conflict },
    },
  }, async (req) => {
    const before = await desk.desk.view(req.params.id);
    const after = await desk.desk.setState(req.params.id, req.body);
    await note(req, 'desk.state', req.params.id, { state: before.agent.state, pauseReason: before.agent.pauseReason }, { state: after.state, pauseReason: after.pauseReason, action: req.body.action, pending: after.pending });
    return toAgentView(after, exposureOf(req));
  });

  app.get('/desk/agents/:id/calls/:callId', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: "One of the agent's recent calls (no customer data: only the current call shows it)",
      params: deskCallParams,
      querystring: noQuery,
      response: { 200: recentCallView, ...authErrors, 404: errorSchema },
    },
  }, async (req) => {
    const view = await desk.desk.view(req.params.id);
    const call = view.recent.find((c) => c.callId === req.params.callId);
    if (!call) throw new NotYourDeskError('call', req.params.callId);
    return toRecentView(call);
  });

  app.post('/desk/agents/:id/calls/:callId/transfer', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: "Blind transfer of the agent's call to a queue, with a reason the next agent sees",
      params: deskCallParams,
      querystring: noQuery,
      body: z.object({ queue: z.string().min(1).max(64), reason: reasonText }).strict(),
      response: { 200: z.object({ callId: z.string(), queue: z.string(), result: z.enum(['transferred', 'forwarded']) }), ...authErrors, ...conflict },
    },
  }, async (req) => {
    const { id, callId } = req.params;
    const result = await desk.desk.transfer(id, callId, req.body.queue, req.body.reason);
    await note(req, 'desk.transfer', callId, null, { agent: id, queue: req.body.queue, reason: req.body.reason, result });
    return { callId, queue: req.body.queue, result };
  });

  app.post('/desk/agents/:id/calls/:callId/complaint', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: "Open a complaint ticket for the caller of the agent's call (one per call)",
      params: deskCallParams,
      querystring: noQuery,
      response: { 200: z.object({ ticketId: z.string(), dueAt: z.string(), created: z.boolean() }), ...authErrors, ...conflict },
    },
  }, async (req) => {
    const { id, callId } = req.params;
    const opened = await desk.desk.openComplaint(id, callId);
    if (opened.created) await note(req, 'desk.complaint', callId, null, { agent: id, ticketId: opened.ticketId });
    return { ...opened, dueAt: isoTime(opened.dueAt) };
  });

  app.post('/desk/agents/:id/calls/:callId/callback', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: "Book a callback to the caller of the agent's call, in the call's queue",
      params: deskCallParams,
      querystring: noQuery,
      body: z.object({ note: reasonText }).strict(),
      response: { 200: z.object({ callbackId: z.string(), deadline: z.string(), merged: z.boolean() }), ...authErrors, ...conflict },
    },
  }, async (req) => {
    const { id, callId } = req.params;
    const booked = await desk.desk.bookCallback(id, callId, req.body.note);
    await note(req, 'desk.callback', callId, null, { agent: id, callbackId: booked.callbackId, note: req.body.note, merged: booked.merged });
    return { ...booked, deadline: isoTime(booked.deadline) };
  });

  app.post('/desk/agents/:id/calls/:callId/disposition', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: 'Save how the call was closed: a code of desk.dispositions, kept in the call record',
      params: deskCallParams,
      querystring: noQuery,
      body: z.object({ code: z.string().min(1).max(32) }).strict(),
      response: { 200: recentCallView, ...authErrors, ...conflict },
    },
  }, async (req) => {
    const { id, callId } = req.params;
    const saved = await desk.desk.dispose(id, callId, req.body.code);
    await note(req, 'desk.disposition', callId, null, { agent: id, code: req.body.code });
    return toRecentView(saved);
  });

  app.post('/desk/agents/:id/wrap-up/end', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: 'End wrap-up early (available again); the call needs its disposition, here or saved before',
      params: deskParams,
      querystring: noQuery,
      body: z.object({ disposition: z.string().min(1).max(32).optional() }).strict(),
      response: { 200: agentView, ...authErrors, ...conflict },
    },
  }, async (req) => {
    const before = await desk.desk.view(req.params.id);
    const after = await desk.desk.endWrapUp(req.params.id, req.body.disposition);
    await note(req, 'desk.wrap-up-end', req.params.id, { state: before.agent.state, callId: before.agent.callId }, { state: after.state, disposition: req.body.disposition ?? null });
    return toAgentView(after, exposureOf(req));
  });

  app.delete('/desk/sessions/current', {
    config: { role: 'agent' },
    schema: {
      tags: ['desk'],
      summary: 'Sign out: end the desk session used for this request at once',
      querystring: noQuery,
      response: { 204: z.undefined(), ...authErrors },
    },
  }, async (req, reply) => {
    const key = req.apiKey!;
    if (await deps.keys.sessions.end(key.id)) {
      await deps.redis.publish(deps.keys.revocationChannel, key.id);
      await note(req, 'desk.sign-out', key.agentId ?? '', null, { session: key.id });
    }
    return reply.code(204).send();
  });

  await app.register(deskStream, { deps });
};
