import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PIN_PATTERN, PIN_RULE } from '../../auth/agent-pins.js';
import { systemClock } from '../../time/clock.js';
import { actorOf, audit } from '../routes/actor.js';
import { authErrors, errorSchema, idParams, noQuery } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';

/**
 * An agent's desk PIN, set by an admin (also `npm run keys -- pin <agent>`):
 * setting a new one lifts a lock. The agent must exist. The PIN is audited as
 * "set", never its digits.
 */
export const pinRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const desk = deps.desk;
  if (!desk) return;
  const clock = deps.clock ?? systemClock;

  app.put('/agents/:id/pin', {
    config: { role: 'admin' },
    schema: {
      tags: ['agents'],
      summary: "Set an agent's desk PIN (and lift a sign-in lock)",
      params: idParams,
      querystring: noQuery,
      body: z.object({ pin: z.string().regex(PIN_PATTERN, PIN_RULE) }).strict(),
      response: { 204: z.undefined(), ...authErrors, 404: errorSchema },
    },
  }, async (req, reply) => {
    const agent = await deps.agents.get(req.params.id);
    const had = await desk.pins.isSet(agent.id);
    await desk.pins.set(agent.id, req.body.pin);
    await audit(deps.audit, req.log, { at: clock.now(), actor: actorOf(req), action: 'agent.pin', target: agent.id, before: { pinSet: had }, after: { pinSet: true } });
    return reply.code(204).send();
  });

  app.delete('/agents/:id/pin', {
    config: { role: 'admin' },
    schema: {
      tags: ['agents'],
      summary: "Remove an agent's desk PIN: they can no longer sign in with one",
      params: idParams,
      querystring: noQuery,
      response: { 204: z.undefined(), ...authErrors, 404: errorSchema },
    },
  }, async (req, reply) => {
    const agent = await deps.agents.get(req.params.id);
    const had = await desk.pins.clear(agent.id);
    await audit(deps.audit, req.log, { at: clock.now(), actor: actorOf(req), action: 'agent.pin', target: agent.id, before: { pinSet: had }, after: { pinSet: false } });
    return reply.code(204).send();
  });
};
