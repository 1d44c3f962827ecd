import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Agent } from '../../acd/agent.js';
import { agentPatchSchema, agentSchema } from '../../acd/agent-schema.js';
import { authErrors, errorSchema, idParams, noQuery } from '../schemas/common-schemas.js';
import { agentStateBody, agentView, toAgentView } from '../schemas/agent-schemas.js';
import { exposureOf } from '../exposure/number-exposure.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { systemClock } from '../../time/clock.js';
import { actorOf, audit } from './actor.js';

/** Agents' definitions and states, through the ACD: every change is atomic in Redis and seen by every instance. */
export const agentRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const notFoundOrBusy = { 404: errorSchema, 409: errorSchema };

  app.get('/agents', {
    config: { role: 'viewer' },
    schema: {
      tags: ['agents'],
      summary: 'Every agent with skills and state',
      querystring: noQuery,
      response: { 200: z.object({ agents: z.array(agentView) }), ...authErrors },
    },
  }, async (req) => ({ agents: (await deps.agents.list()).map((agent) => toAgentView(agent, exposureOf(req))) }));

  app.get('/agents/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['agents'], summary: 'One agent', params: idParams, querystring: noQuery, response: { 200: agentView, ...authErrors, 404: errorSchema } },
  }, async (req) => toAgentView(await deps.agents.get(req.params.id), exposureOf(req)));

  app.post('/agents', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['agents'],
      summary: 'Add an agent (logged out)',
      querystring: noQuery,
      body: agentSchema,
      response: { 201: agentView, ...authErrors, 409: errorSchema },
    },
  }, async (req, reply) => {
    const agent = await deps.agents.add(req.body);
    await audit(deps.audit, req.log, { at: now(deps), actor: actorOf(req), action: 'agent.create', target: agent.id, before: null, after: definition(agent) });
    return reply.code(201).send(toAgentView(agent, exposureOf(req)));
  });

  app.patch('/agents/:id', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['agents'],
      summary: "Change an agent's name, dial string or skills and levels",
      description: 'Skills replace the whole skill map. An available agent is offered the calls the new skills allow at once.',
      params: idParams,
      querystring: noQuery,
      body: agentPatchSchema,
      response: { 200: agentView, ...authErrors, ...notFoundOrBusy },
    },
  }, async (req) => {
    const before = await deps.agents.get(req.params.id);
    const after = await deps.agents.update(req.params.id, req.body);
    await audit(deps.audit, req.log, { at: now(deps), actor: actorOf(req), action: 'agent.update', target: after.id, before: definition(before), after: definition(after) });
    return toAgentView(after, exposureOf(req));
  });

  app.delete('/agents/:id', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['agents'],
      summary: 'Remove an agent who holds no call',
      params: idParams,
      querystring: noQuery,
      response: { 204: z.undefined(), ...authErrors, ...notFoundOrBusy },
    },
  }, async (req, reply) => {
    const before = await deps.agents.get(req.params.id);
    await deps.agents.remove(req.params.id);
    await audit(deps.audit, req.log, { at: now(deps), actor: actorOf(req), action: 'agent.delete', target: before.id, before: definition(before), after: null });
    return reply.code(204).send();
  });

  app.post('/agents/:id/state', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['agents'],
      summary: 'Log an agent in or out, set ready, or pause with a reason',
      description: 'A pause or logout asked for during a call takes effect when the call ends. 409 when the state does not allow it (e.g. ready while offline).',
      params: idParams,
      querystring: noQuery,
      body: agentStateBody,
      response: { 200: agentView, ...authErrors, ...notFoundOrBusy },
    },
  }, async (req) => {
    const { id } = req.params;
    const before = await deps.agents.get(id);
    const body = req.body;
    const after = body.action === 'login' ? await deps.agents.login(id, body.ready === undefined ? {} : { ready: body.ready })
      : body.action === 'ready' ? await deps.agents.ready(id)
        : body.action === 'pause' ? await deps.agents.pause(id, body.reason)
          : await deps.agents.logout(id);
    await audit(deps.audit, req.log, {
      at: now(deps), actor: actorOf(req), action: 'agent.state', target: id,
      before: stateOf(before), after: { ...stateOf(after), action: body.action },
    });
    return toAgentView(after, exposureOf(req));
  });
};

function now(deps: SupervisorDeps): number {
  return (deps.clock ?? systemClock).now();
}

function definition(agent: Agent): Pick<Agent, 'id' | 'name' | 'dial' | 'switch' | 'skills'> {
  return { id: agent.id, name: agent.name, dial: agent.dial, ...(agent.switch ? { switch: agent.switch } : {}), skills: agent.skills };
}

function stateOf(agent: Agent): Pick<Agent, 'state' | 'pauseReason' | 'pending'> {
  return { state: agent.state, pauseReason: agent.pauseReason, pending: agent.pending };
}
