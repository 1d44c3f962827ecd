import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import type { RoutingSnapshot } from '../../routing/routing-snapshot.js';
import type { TierPolicy } from '../../routing/tier-policy.js';
import { TIER_IDS } from '../../routing/tier-rank.js';
import { authErrors, errorSchema, idParams, noQuery } from '../schemas/common-schemas.js';
import { changeResponse, tierPatchSchema, tierPolicyView, tierView } from '../schemas/routing-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { actorOf } from './actor.js';

export const tierRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  app.get('/tiers', {
    config: { role: 'viewer' },
    schema: {
      tags: ['tiers'],
      summary: 'Every value tier with its policy, highest first',
      querystring: noQuery,
      response: { 200: z.object({ version: z.number().int(), tiers: z.array(tierView) }), ...authErrors },
    },
  }, async () => {
    const snapshot = deps.policy.snapshot();
    return { version: snapshot.version, tiers: TIER_IDS.map((id) => ({ id, ...snapshot.tiers[id] })) };
  });

  app.get('/tiers/:id', {
    config: { role: 'viewer' },
    schema: {
      tags: ['tiers'],
      summary: "One tier's policy",
      params: idParams,
      querystring: noQuery,
      response: { 200: z.object({ version: z.number().int(), tier: tierView }), ...authErrors, 404: errorSchema },
    },
  }, async (req) => {
    const snapshot = deps.policy.snapshot();
    return { version: snapshot.version, tier: { id: req.params.id, ...tierOf(snapshot, req.params.id) } };
  });

  app.patch('/tiers/:id', {
    config: { role: 'admin' },
    schema: {
      tags: ['tiers'],
      summary: "Change a tier's policy while calls flow",
      description: 'Admin only. Validated (a tier never gets a higher priority than a more valuable one), audited and in force on every instance for the next call. 409 when another change was committed meanwhile.',
      params: idParams,
      querystring: noQuery,
      body: tierPatchSchema,
      response: { 200: changeResponse(tierPolicyView), ...authErrors, 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => {
    tierOf(deps.policy.snapshot(), req.params.id);
    const result = await deps.sync.commit({ kind: 'tier', id: req.params.id, patch: req.body }, actorOf(req));
    return { version: result.snapshot.version, changed: result.changed, before: result.before as TierPolicy, after: result.after as TierPolicy };
  });
};

function tierOf(snapshot: RoutingSnapshot, id: string): TierPolicy {
  if (!(TIER_IDS as readonly string[]).includes(id)) throw new NotFoundError('tier', id);
  return snapshot.tiers[id as (typeof TIER_IDS)[number]];
}
