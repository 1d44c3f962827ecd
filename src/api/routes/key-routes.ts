import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyRecord } from '../../auth/api-key-store.js';
import { apiKeyNameSchema } from '../../auth/api-key-store.js';
import { roleSchema } from '../../auth/roles.js';
import { authErrors, errorSchema, idParams, isoTime, noQuery } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { actorOf, audit } from './actor.js';
import { systemClock } from '../../time/clock.js';

const keyView = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
}).describe('ApiKey');

function toKeyView(record: ApiKeyRecord): z.infer<typeof keyView> {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    createdAt: isoTime(record.createdAt),
    lastUsedAt: record.lastUsedAt === null ? null : isoTime(record.lastUsedAt),
    revokedAt: record.revokedAt === null ? null : isoTime(record.revokedAt),
  };
}

/** API keys (admin): the same store as `npm run keys`. */
export const keyRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  app.get('/keys', {
    config: { role: 'admin' },
    schema: { tags: ['keys'], summary: 'Every API key, revoked ones included (never the key itself)', querystring: noQuery, response: { 200: z.object({ keys: z.array(keyView) }), ...authErrors } },
  }, async () => ({ keys: (await deps.keys.list()).map(toKeyView) }));

  app.post('/keys', {
    config: { role: 'admin' },
    schema: {
      tags: ['keys'],
      summary: 'Create a key; the answer is the only time the key is shown',
      querystring: noQuery,
      body: z.object({ role: roleSchema, name: apiKeyNameSchema }).strict(),
      response: { 201: keyView.extend({ key: z.string() }), ...authErrors },
    },
  }, async (req, reply) => {
    const { key, record } = await deps.keys.create(req.body);
    await audit(deps.audit, req.log, { at: record.createdAt, actor: actorOf(req), action: 'key.create', target: record.id, before: null, after: { name: record.name, role: record.role } });
    return reply.code(201).send({ ...toKeyView(record), key });
  });

  app.delete('/keys/:id', {
    config: { role: 'admin' },
    schema: {
      tags: ['keys'],
      summary: 'Revoke a key, at once on every instance',
      params: idParams,
      querystring: noQuery,
      response: { 200: keyView, ...authErrors, 404: errorSchema },
    },
  }, async (req) => {
    const record = await deps.keys.revoke(req.params.id);
    await audit(deps.audit, req.log, { at: record.revokedAt ?? (deps.clock ?? systemClock).now(), actor: actorOf(req), action: 'key.revoke', target: record.id, before: { revoked: false }, after: { revoked: true } });
    return toKeyView(record);
  });
};
