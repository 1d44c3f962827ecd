import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SignInLockedError, SignInRefusedError } from '../../auth/agent-pins.js';
import { agentIdSchema } from '../../auth/api-key-store.js';
import { RateLimitedError } from '../../auth/auth-errors.js';
import { systemClock } from '../../time/clock.js';
import { audit } from '../routes/actor.js';
import { errorSchema, isoTime, noQuery } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';

/**
 * POST /desk/sessions: an agent signs in at the desk with their id and PIN
 * and gets a desk session token (`ds_…`) that works as an agent key for that
 * agent until it expires (desk.signIn.sessionHours) or they sign out. It
 * needs no key, so it lives outside /v1. Wrong PINs in a row lock the agent's
 * sign-in (desk.signIn.maxAttempts, lockMinutes: 429 with Retry-After);
 * refused sign-ins from one address are counted as refused API requests are
 * (api.rateLimit.authFailures), so ids cannot be sprayed with one PIN. Every
 * sign-in, refusal and lock is audited; the PIN is never logged or kept.
 */
export const signInRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const desk = deps.desk;
  if (!desk) return;
  const clock = deps.clock ?? systemClock;
  const failures = deps.settings.rateLimit.authFailures;
  const countFailure = app.createRateLimit({ max: failures.max, timeWindow: failures.windowSec * 1000, keyGenerator: (req) => `desk-sign-in:${req.ip}` });

  app.post('/desk/sessions', {
    schema: {
      tags: ['desk'],
      summary: 'Sign in at the agent desk with agent id and PIN; the answer holds the session token',
      security: [],
      querystring: noQuery,
      body: z.object({ agentId: agentIdSchema, pin: z.string().min(1).max(64) }).strict(),
      response: {
        201: z.object({ token: z.string(), agentId: z.string(), expiresAt: z.string() }).describe('DeskSession'),
        400: errorSchema,
        401: errorSchema,
        429: errorSchema,
      },
    },
  }, async (req, reply) => {
    const { agentId, pin } = req.body;
    const actor = { keyId: '-', name: `agent ${agentId} (desk sign-in)`, role: 'agent' as const };
    try {
      await desk.pins.check(agentId, pin);
    } catch (err) {
      if (err instanceof SignInRefusedError || err instanceof SignInLockedError) {
        await audit(deps.audit, req.log, { at: clock.now(), actor, action: err instanceof SignInLockedError ? 'desk.sign-in-locked' : 'desk.sign-in-refused', target: agentId, before: null, after: null });
        const count = await countFailure(req);
        if (!count.isAllowed && count.isExceeded) throw new RateLimitedError(Math.max(1, count.ttlInSeconds), failures.max, failures.windowSec, 'address');
        if (err instanceof SignInLockedError) reply.header('retry-after', String(err.retryAfterSec));
      }
      throw err;
    }
    const { token, record } = await deps.keys.sessions.open(agentId);
    await audit(deps.audit, req.log, { at: clock.now(), actor: { ...actor, keyId: record.id }, action: 'desk.sign-in', target: agentId, before: null, after: { session: record.id, expiresAt: record.expiresAt } });
    return reply.code(201).header('cache-control', 'no-store').send({ token, agentId, expiresAt: isoTime(record.expiresAt!) });
  });
};
