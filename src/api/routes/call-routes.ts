import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors, errorSchema, noQuery } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { systemClock } from '../../time/clock.js';
import { actorOf, audit } from './actor.js';

const callParams = z.object({ id: z.string().min(1).max(128) }).strict();

/** Calls in progress: a supervisor's blind transfer of a caller talking to an agent. */
export const callRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const transfers = deps.transfers;
  if (!transfers) return;

  app.post('/calls/:id/transfer', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['calls'],
      summary: 'Transfer a caller talking to an agent to another queue',
      description: 'A blind transfer: the agent goes to wrap-up and the caller re-enters the target queue with the transfer priority and the context gathered so far (routing rule 3). 202 when another instance holds the call and was asked to do it.',
      params: callParams,
      querystring: noQuery,
      body: z.object({ queue: z.string().min(1).max(64) }).strict(),
      response: {
        200: z.object({ callId: z.string(), queue: z.string(), result: z.literal('transferred') }),
        202: z.object({ callId: z.string(), queue: z.string(), result: z.literal('forwarded') }),
        ...authErrors,
        404: errorSchema,
        409: errorSchema,
      },
    },
  }, async (req, reply) => {
    const actor = actorOf(req);
    const result = await transfers.request(req.params.id, req.body.queue, `supervisor ${actor.name}`);
    await audit(deps.audit, req.log, {
      at: (deps.clock ?? systemClock).now(), actor, action: 'call.transfer', target: req.params.id, before: null, after: { queue: req.body.queue, result },
    });
    const body = { callId: req.params.id, queue: req.body.queue };
    return result === 'transferred' ? reply.code(200).send({ ...body, result }) : reply.code(202).send({ ...body, result });
  });
};
