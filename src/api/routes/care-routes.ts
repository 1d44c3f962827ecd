import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallbackView } from '../../callbacks/callback-desk.js';
import type { ComplaintView } from '../../care/complaint-desk.js';
import { authErrors, errorSchema, isoTime, noQuery, queryInt } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { systemClock } from '../../time/clock.js';
import { actorOf, audit } from './actor.js';
import { ValidationError } from '../../errors.js';
import { exposureOf, textFor, type NumberExposure } from '../exposure/number-exposure.js';

const idParams = z.object({ id: z.string().min(1).max(128) }).strict();
const time = (ms: number | null) => (ms === null ? null : isoTime(ms));
const dateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-01-05T09:00:00+08:00' });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const callbackView = z.object({
  id: z.string(), queue: z.string(), tier: z.string(), number: z.string().describe('Masked, e.g. 138****0001'),
  state: z.string(), scheduledBecause: z.string().nullable(),
  requestedAt: z.string(), enqueuedAt: z.string().describe('The place in line the callback keeps'), deadline: z.string(),
  overdue: z.boolean(), promoted: z.boolean(), position: z.number().int().nullable(),
  attempts: z.number().int(), maxAttempts: z.number().int(), nextAttemptAt: z.string().nullable(),
  lastResult: z.string().nullable(), merged: z.number().int(),
  closedAt: z.string().nullable(), closedBy: z.string().nullable(), closeReason: z.string().nullable(),
}).describe('Callback');

/** The desk masks the number for everyone; reasons and names typed by people are masked below supervisor. */
function toCallbackView(v: CallbackView, exposure: NumberExposure) {
  return {
    ...v, requestedAt: isoTime(v.requestedAt), enqueuedAt: isoTime(v.enqueuedAt), deadline: isoTime(v.deadline),
    nextAttemptAt: time(v.nextAttemptAt), closedAt: time(v.closedAt),
    closedBy: textFor(v.closedBy, exposure), closeReason: textFor(v.closeReason, exposure),
  };
}

const complaintView = z.object({
  id: z.string(), callId: z.string(), tier: z.string(), number: z.string(), account: z.string(), queue: z.string(),
  openedAt: z.string(), dueAt: z.string(), state: z.string(), overdue: z.boolean(),
  resolvedAt: z.string().nullable(), resolvedBy: z.string().nullable(), note: z.string().nullable(),
}).describe('Complaint');

/** The desk masks the number and account for everyone; the note and who resolved it are masked below supervisor. */
function toComplaintView(v: ComplaintView, exposure: NumberExposure) {
  return {
    ...v, openedAt: isoTime(v.openedAt), dueAt: isoTime(v.dueAt), resolvedAt: time(v.resolvedAt),
    resolvedBy: textFor(v.resolvedBy, exposure), note: textFor(v.note, exposure),
  };
}

const scores = z.record(z.string(), z.object({ responses: z.number().int(), averageScore: z.number().nullable(), comments: z.number().int() }));

/** Callbacks, complaint tickets and survey results: the care after the call (README, "Callbacks and care after the call"). */
export const careRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const care = deps.care;
  if (!care) return;
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();

  app.get('/callbacks', {
    config: { role: 'viewer' },
    schema: {
      tags: ['callbacks'],
      summary: 'Pending, overdue or recently closed callbacks',
      querystring: z.object({
        status: z.enum(['pending', 'overdue', 'closed']).optional(),
        queue: z.string().min(1).max(64).optional(),
        tier: z.string().min(1).max(64).optional(),
        limit: queryInt(1, 5000).optional(),
      }).strict(),
      response: { 200: z.object({ callbacks: z.array(callbackView) }), ...authErrors },
    },
  }, async (req) => ({ callbacks: (await care.callbacks.list(req.query)).map((v) => toCallbackView(v, exposureOf(req))) }));

  app.get('/callbacks/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['callbacks'], summary: 'One callback', params: idParams, querystring: noQuery, response: { 200: callbackView, ...authErrors, 404: errorSchema } },
  }, async (req) => toCallbackView(await care.callbacks.get(req.params.id), exposureOf(req)));

  app.patch('/callbacks/:id', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['callbacks'],
      summary: 'Reschedule a pending callback to a time',
      description: 'Out of its queue until `at`, then back at its original place and first in its queue. `at` must be in the future, outside quiet hours.',
      params: idParams,
      querystring: noQuery,
      body: z.object({ at: dateTime }).strict(),
      response: { 200: callbackView, ...authErrors, 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => {
    const actor = actorOf(req);
    const before = await care.callbacks.get(req.params.id);
    const after = await care.callbacks.reschedule(req.params.id, { at: Date.parse(req.body.at), by: actor.name });
    await audit(deps.audit, req.log, { at: now(), actor, action: 'callback.reschedule', target: after.id, before: toCallbackView(before, 'full'), after: toCallbackView(after, 'full') });
    return toCallbackView(after, exposureOf(req));
  });

  app.delete('/callbacks/:id', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['callbacks'],
      summary: 'Cancel a pending callback, saying why',
      params: idParams,
      querystring: z.object({ reason: z.string().min(1).max(200) }).strict(),
      response: { 200: callbackView, ...authErrors, 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => {
    const actor = actorOf(req);
    const after = await care.callbacks.cancel(req.params.id, { reason: req.query.reason, by: actor.name });
    await audit(deps.audit, req.log, { at: now(), actor, action: 'callback.cancel', target: after.id, before: null, after: toCallbackView(after, 'full') });
    return toCallbackView(after, exposureOf(req));
  });

  app.get('/complaints', {
    config: { role: 'viewer' },
    schema: {
      tags: ['complaints'],
      summary: 'Complaint tickets: open, overdue or resolved',
      querystring: z.object({
        status: z.enum(['open', 'overdue', 'resolved']).optional(),
        tier: z.string().min(1).max(64).optional(),
        limit: queryInt(1, 5000).optional(),
      }).strict(),
      response: { 200: z.object({ complaints: z.array(complaintView) }), ...authErrors },
    },
  }, async (req) => ({ complaints: (await care.complaints.list(req.query)).map((v) => toComplaintView(v, exposureOf(req))) }));

  app.post('/complaints/:id/resolve', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['complaints'],
      summary: 'Resolve a complaint ticket with a note',
      params: idParams,
      querystring: noQuery,
      body: z.object({ note: z.string().trim().min(1).max(2000) }).strict(),
      response: { 200: complaintView, ...authErrors, 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => {
    const actor = actorOf(req);
    const after = await care.complaints.resolve(req.params.id, { note: req.body.note, by: actor.name });
    await audit(deps.audit, req.log, { at: now(), actor, action: 'complaint.resolve', target: after.id, before: null, after: toComplaintView(after, 'full') });
    return toComplaintView(after, exposureOf(req));
  });

  app.get('/surveys', {
    config: { role: 'viewer' },
    schema: {
      tags: ['surveys'],
      summary: 'Satisfaction survey results per tier, queue and agent over local days',
      querystring: z.object({ from: day, to: day }).strict(),
      response: { 200: z.object({ from: z.string(), to: z.string(), tiers: scores, queues: scores, agents: scores }), ...authErrors },
    },
  }, async (req) => {
    if (req.query.from > req.query.to) throw new ValidationError('query.from: must not be after query.to', { field: 'query.from' });
    return { from: req.query.from, to: req.query.to, ...(await care.surveys.aggregate(req.query.from, req.query.to)) };
  });
};
