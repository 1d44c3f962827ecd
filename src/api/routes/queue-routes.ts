import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import type { QueueSettings } from '../../routing/queue-settings.js';
import { authErrors, errorSchema, idParams, noQuery } from '../schemas/common-schemas.js';
import { changeResponse, queuePatchSchema, queueSettingsView } from '../schemas/routing-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { actorOf } from './actor.js';

export const queueRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  app.get('/queues', {
    config: { role: 'viewer' },
    schema: {
      tags: ['queues'],
      summary: 'Every queue with its settings',
      querystring: noQuery,
      response: { 200: z.object({ version: z.number().int(), queues: z.array(queueSettingsView) }), ...authErrors },
    },
  }, async () => {
    const snapshot = deps.policy.snapshot();
    return { version: snapshot.version, queues: Object.values(snapshot.queues) };
  });

  app.get('/queues/:id', {
    config: { role: 'viewer' },
    schema: {
      tags: ['queues'],
      summary: "One queue's settings",
      params: idParams,
      querystring: noQuery,
      response: { 200: z.object({ version: z.number().int(), queue: queueSettingsView }), ...authErrors, 404: errorSchema },
    },
  }, async (req) => {
    const snapshot = deps.policy.snapshot();
    const queue = Object.hasOwn(snapshot.queues, req.params.id) ? snapshot.queues[req.params.id] : undefined;
    if (!queue) throw new NotFoundError('queue', req.params.id);
    return { version: snapshot.version, queue };
  });

  app.patch('/queues/:id', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['queues'],
      summary: 'Tune a queue while calls flow',
      description: 'Validated, audited and in force on every instance for the next routing decision. 409 when another change was committed meanwhile.',
      params: idParams,
      querystring: noQuery,
      body: queuePatchSchema,
      response: { 200: changeResponse(queueSettingsView), ...authErrors, 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => {
    const result = await deps.sync.commit({ kind: 'queue', id: req.params.id, patch: req.body }, actorOf(req));
    return { version: result.snapshot.version, changed: result.changed, before: result.before as QueueSettings, after: result.after as QueueSettings };
  });
};
