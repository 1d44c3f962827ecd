import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, NotFoundError } from '../../errors.js';
import { comparisonCsv } from '../../whatif/whatif-csv.js';
import { whatIfRequestSchema } from '../../whatif/whatif-request.js';
import { authErrors, errorSchema, idParams } from '../schemas/common-schemas.js';
import { whatIfResultSchema } from '../schemas/whatif-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { actorOf, audit } from './actor.js';
import { prefersCsv } from './stats-routes.js';

const submitted = z.object({
  id: z.string(),
  state: z.literal('queued'),
  ahead: z.number().int().describe('Runs waiting ahead of this one'),
  url: z.string().describe('Where progress and the result are'),
});

const jobView = z.object({
  id: z.string(),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  ahead: z.number().int().nullable(),
  progressPercent: z.number(),
  requestedAt: z.string(),
  requestedBy: z.string(),
  error: z.string().nullable(),
  result: whatIfResultSchema.nullable().describe('When done: the period, the calls, baseline and change figures per tier and queue (total and per quarter-hour) side by side with the difference (README, "What-if")'),
});

const viewQuery = z.object({ format: z.enum(['json', 'csv']).optional() }).strict();

export const whatIfRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  app.post('/whatif', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['what-if'],
      summary: 'Run a routing or staffing change through the real routing and ACD in virtual time',
      description: 'Replays a recorded period (or a forecast) with the routing and staffing of now (the baseline) and with the change (routing patches exactly as PATCH /v1/tiers/:id and /v1/queues/:id take them, agent changes). '
        + 'Answers at once with the run\'s id; runs take their turn one at a time. Audited.',
      body: whatIfRequestSchema,
      response: { 202: submitted, ...authErrors, 404: errorSchema },
    },
  }, async (req, reply) => {
    const jobs = enabled(deps);
    const actor = actorOf(req);
    const { id, ahead } = await jobs.submit(req.body, actor.name);
    await audit(deps.audit, req.log, {
      at: deps.clock?.now() ?? Date.now(), actor, action: 'whatif.run', target: id, before: null,
      after: { source: req.body.source.kind, staffing: req.body.staffing.kind, changes: req.body.changes, seed: req.body.seed },
    });
    return reply.code(202).send({ id, state: 'queued' as const, ahead, url: `/v1/whatif/${id}` });
  });

  app.get('/whatif/:id', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['what-if'],
      summary: 'Progress and result of a what-if run',
      description: 'JSON; or, once done, the side-by-side table as CSV with Accept: text/csv or format=csv (409 before).',
      params: idParams,
      querystring: viewQuery,
      response: {
        200: { description: 'The run', content: { 'application/json': { schema: jobView }, 'text/csv': { schema: z.string() } } },
        ...authErrors,
        404: errorSchema,
        409: errorSchema,
      },
    },
  }, async (req, reply) => {
    const view = await enabled(deps).get(req.params.id);
    if (!view) throw new NotFoundError('whatif', req.params.id);
    const csv = req.query.format === 'csv' || (req.query.format === undefined && prefersCsv(req.headers.accept));
    if (!csv) return reply.type('application/json').send(view);
    if (!view.result) throw new AppError(409, 'whatif-not-done', `the run is ${view.state}; its table comes when it is done`, { state: view.state });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="whatif-${view.id}.csv"`)
      .send(comparisonCsv(view.result.comparison));
  });
};

function enabled(deps: SupervisorDeps): NonNullable<SupervisorDeps['whatif']> {
  if (!deps.whatif) throw new AppError(404, 'whatif-not-enabled', 'what-if runs are not offered by this instance');
  return deps.whatif;
}
