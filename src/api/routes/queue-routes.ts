import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { QueueSettings } from '../../routing/queue-settings.js';
import { QueueUnstaffedError, staffingNeedsOfChange, unstaffedNeeds, type StaffingNeed } from '../../routing/queue-staffing.js';
import { authErrors, errorSchema, idParams, noQuery } from '../schemas/common-schemas.js';
import { changeResponse, queuePatchSchema, queueSettingsView } from '../schemas/routing-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { actorOf, audit } from './actor.js';

/** A queue change, and whether to make it even if it leaves the queue with nobody to take its calls. */
const queueChangeBody = queuePatchSchema.safeExtend({
  force: z.boolean().optional().describe('Make the change even if no agent could take the queue\'s calls afterwards (audited as forced)'),
});

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
      description: 'Validated, audited and in force on every instance for the next routing decision. 409 when another change was committed meanwhile, '
        + 'and 409 queue-unstaffed when a new skill or overflow would find no agent at the level it needs (unless force is true).',
      params: idParams,
      querystring: noQuery,
      body: queueChangeBody,
      response: { 200: changeResponse(queueSettingsView), ...authErrors, 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => {
    const { force, ...patch } = req.body;
    if (Object.keys(patch).length === 0) throw new ValidationError('(body): name at least one field to change', { field: '(body)' });
    const unstaffed = await unstaffedByChange(deps, req.params.id, patch);
    if (unstaffed.length > 0 && force !== true) throw new QueueUnstaffedError(req.params.id, unstaffed[0]!);
    const result = await deps.sync.commit({ kind: 'queue', id: req.params.id, patch }, actorOf(req));
    if (unstaffed.length > 0 && result.changed) {
      await audit(deps.audit, req.log, {
        at: (deps.clock?.now() ?? Date.now()), actor: actorOf(req), action: 'queue.update.forced', target: req.params.id,
        before: null, after: { unstaffed, routingVersion: result.snapshot.version },
      });
    }
    return { version: result.snapshot.version, changed: result.changed, before: result.before as QueueSettings, after: result.after as QueueSettings };
  });
};

/**
 * What the change would leave without an agent, judged against the queue as
 * it is now and every agent defined (logged in or not: staffing is planned
 * over the day). Nothing for a queue that does not exist (the commit says so).
 */
async function unstaffedByChange(deps: SupervisorDeps, id: string, patch: Record<string, unknown>): Promise<StaffingNeed[]> {
  const snapshot = deps.policy.snapshot();
  const before = Object.hasOwn(snapshot.queues, id) ? snapshot.queues[id] : undefined;
  if (!before) return [];
  const after = { ...before, ...patch, announce: before.announce } as QueueSettings;
  const needs = staffingNeedsOfChange(before, after, snapshot.tiers);
  if (needs.length === 0) return [];
  return unstaffedNeeds(needs, await deps.agents.list());
}
