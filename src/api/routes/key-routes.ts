import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyRecord } from '../../auth/api-key-store.js';
import { agentIdSchema, apiKeyNameSchema, expiresInDaysSchema, MAX_KEY_LIFE_DAYS } from '../../auth/api-key-store.js';
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
  expiresAt: z.string().nullable().describe('From this time on the key is refused (401 api-key-expired); null if it does not expire'),
  agentId: z.string().nullable().describe('The one agent an agent key works for; null for the other roles'),
}).describe('ApiKey');

function toKeyView(record: ApiKeyRecord): z.infer<typeof keyView> {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    createdAt: isoTime(record.createdAt),
    lastUsedAt: record.lastUsedAt === null ? null : isoTime(record.lastUsedAt),
    revokedAt: record.revokedAt === null ? null : isoTime(record.revokedAt),
    expiresAt: record.expiresAt === null ? null : isoTime(record.expiresAt),
    agentId: record.agentId,
  };
}

/** API keys (admin): the same store as `npm run keys`. */
export const keyRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const clock = deps.clock ?? systemClock;
  const DAY_MS = 86_400_000;
  const createBody = z.object({
    role: roleSchema,
    name: apiKeyNameSchema,
    expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2027-01-31T18:00:00+08:00' })
      .refine((at) => Date.parse(at) > clock.now(), 'must be in the future')
      .refine((at) => Date.parse(at) <= clock.now() + MAX_KEY_LIFE_DAYS * DAY_MS, `must be at most ${MAX_KEY_LIFE_DAYS} days away`)
      .optional()
      .describe('When the key stops working'),
    expiresInDays: expiresInDaysSchema.optional().describe('The key stops working this many days after it is created'),
    agentId: agentIdSchema.optional().describe('For the agent role (required there): the one agent the key works for'),
  }).strict().refine((body) => body.expiresAt === undefined || body.expiresInDays === undefined, {
    message: 'give expiresAt or expiresInDays, not both',
    path: ['expiresAt'],
  });

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
      body: createBody,
      response: { 201: keyView.extend({ key: z.string() }), ...authErrors },
    },
  }, async (req, reply) => {
    const { expiresAt, ...rest } = req.body;
    const { key, record } = await deps.keys.create({ ...rest, ...(expiresAt === undefined ? {} : { expiresAt: Date.parse(expiresAt) }) });
    const after = { name: record.name, role: record.role, ...(record.expiresAt === null ? {} : { expiresAt: isoTime(record.expiresAt) }), ...(record.agentId === null ? {} : { agentId: record.agentId }) };
    await audit(deps.audit, req.log, { at: record.createdAt, actor: actorOf(req), action: 'key.create', target: record.id, before: null, after });
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
