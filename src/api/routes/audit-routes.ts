import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roleSchema } from '../../auth/roles.js';
import { authErrors, isoTime, queryInt } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { auditExposureOf, jsonFor, textFor } from '../exposure/number-exposure.js';

const auditQuery = z.object({
  limit: queryInt(1, 500).optional().describe('Entries per page (default 50)'),
  before: z.string().regex(/^\d{1,15}-\d{1,15}$/, 'must be an entry id from a previous page, e.g. 1767574800000-0').optional(),
}).strict();

const auditEntry = z.object({
  id: z.string(),
  at: z.string().describe('ISO 8601 UTC'),
  actor: z.object({ keyId: z.string(), name: z.string(), role: roleSchema }),
  action: z.string(),
  target: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  routingVersion: z.number().int().nullable(),
}).describe('AuditEntry');

export const auditRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  app.get('/audit', {
    config: { role: 'viewer' },
    schema: {
      tags: ['audit'],
      summary: 'Who changed what, when, from what to what: newest first',
      querystring: auditQuery,
      response: { 200: z.object({ entries: z.array(auditEntry), next: z.string().nullable().describe('Pass as `before` for the next page') }), ...authErrors },
    },
  }, async (req) => {
    const limit = req.query.limit ?? 50;
    const entries = await deps.audit.list(limit, req.query.before);
    const exposure = auditExposureOf(req);
    return {
      // Before and after have the shape of what was changed; below supervisor (but for an auditor) every string in them is masked as free text.
      entries: entries.map((e) => ({
        ...e, at: isoTime(e.at), actor: { ...e.actor, name: textFor(e.actor.name, exposure) },
        before: jsonFor(e.before, exposure), after: jsonFor(e.after, exposure),
      })),
      next: entries.length === limit ? entries[entries.length - 1]!.id : null,
    };
  });
};
