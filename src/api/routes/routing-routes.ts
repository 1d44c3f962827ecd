import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors, errorSchema, isoTime, noQuery } from '../schemas/common-schemas.js';
import { rollbackBody, versionsResponse } from '../schemas/routing-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { exposureOf, textFor } from '../exposure/number-exposure.js';
import { actorOf } from './actor.js';

export const routingRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  app.get('/routing/versions', {
    config: { role: 'viewer' },
    schema: {
      tags: ['routing'],
      summary: 'Routing versions kept for rollback',
      querystring: noQuery,
      response: { 200: versionsResponse, ...authErrors },
    },
  }, async (req) => ({
    current: deps.policy.snapshot().version,
    versions: (await deps.sync.versions()).map((v) => ({
      ...v, at: isoTime(v.at), changedBy: textFor(v.changedBy, exposureOf(req)), change: textFor(v.change, exposureOf(req)),
    })),
  }));

  app.post('/routing/rollback', {
    config: { role: 'admin' },
    schema: {
      tags: ['routing'],
      summary: 'Bring back the tiers and queues of an earlier version',
      description: 'Admin only (a rollback may change tiers). Makes a new version with the content of the one named, on every instance.',
      querystring: noQuery,
      body: rollbackBody,
      response: {
        200: z.object({ version: z.number().int(), changed: z.boolean(), rolledBackTo: z.number().int() }),
        ...authErrors,
        404: errorSchema,
        409: errorSchema,
      },
    },
  }, async (req) => {
    const result = await deps.sync.commit({ kind: 'rollback', version: req.body.version }, actorOf(req));
    return { version: result.snapshot.version, changed: result.changed, rolledBackTo: req.body.version };
  });
};
