import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CampaignView } from '../../campaigns/campaign-desk.js';
import type { Rejection, TargetResult, TargetSource } from '../../campaigns/campaign.js';
import { systemClock } from '../../time/clock.js';
import { exposureOf, phoneFor, type NumberExposure } from '../exposure/number-exposure.js';
import { authErrors, errorSchema, isoTime, noQuery, queryInt } from '../schemas/common-schemas.js';
import { campaignView, dncEntryView, newCampaignBody, rejectionView } from '../schemas/campaign-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { actorOf, audit } from './actor.js';
import { prefersCsv } from './stats-routes.js';

const idParams = z.object({ id: z.string().regex(/^[a-z0-9]{1,32}$/, 'must be a campaign id') }).strict();
const time = (ms: number | null) => (ms === null ? null : isoTime(ms));

function toView({ campaign: c, progress }: CampaignView) {
  return {
    id: c.id, name: c.name, kind: c.kind, flow: c.flowId, ownFlow: c.ownFlow !== null, status: c.status,
    startAt: isoTime(c.startAt), endAt: isoTime(c.endAt), limits: c.limits, pacing: c.pacing, createdAt: isoTime(c.createdAt), createdBy: c.createdBy,
    startedAt: time(c.startedAt), endedAt: time(c.endedAt), stopReason: c.stopReason, progress,
  };
}

const rejected = (list: readonly Rejection[], exposure: NumberExposure) => list.map((r) => ({ ...r, number: phoneFor(r.number, exposure) }));

/** The results CSV: one row per number, in number order. */
export function resultsCsv(rows: readonly TargetResult[], exposure: NumberExposure): string {
  const lines = ['number,state,attempts,detail,keys,listened,at'];
  for (const r of rows) {
    lines.push([phoneFor(r.number, exposure), r.state, r.attempts, r.detail ?? '', r.keys, r.listened ? 'yes' : 'no', r.at === null ? '' : isoTime(r.at)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Outbound campaigns and the do-not-call list (README, "Outbound campaigns"). */
export const campaignRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const desk = deps.campaigns;
  if (!desk) return;
  const now = () => (deps.clock ?? systemClock).now();
  const uploadLimit = deps.campaignUploadLimitBytes ?? 8 * 1024 * 1024;

  app.get('/campaigns', {
    config: { role: 'viewer' },
    schema: {
      tags: ['campaigns'], summary: 'Campaigns, newest first, with their progress',
      querystring: z.object({ limit: queryInt(1, 1000).optional() }).strict(),
      response: { 200: z.object({ campaigns: z.array(campaignView) }), ...authErrors },
    },
  }, async (req) => ({ campaigns: (await desk.list(req.query.limit ?? 100)).map(toView) }));

  app.post('/campaigns', {
    config: { role: 'supervisor' },
    bodyLimit: uploadLimit,
    schema: {
      tags: ['campaigns'], summary: 'Create a campaign (in draft: start it to dial)',
      description: 'The targets are found (a query) or read row by row (a CSV); rows refused — malformed, duplicate, withheld, on the do-not-call list — are listed with their line and never dialled. A flow naming a prompt missing from the manifest is refused.',
      querystring: noQuery, body: newCampaignBody,
      response: { 201: z.object({ campaign: campaignView, rejected: z.array(rejectionView), truncated: z.boolean() }), ...authErrors, 503: errorSchema },
    },
  }, async (req, reply) => {
    const actor = actorOf(req);
    const body = req.body;
    const target: TargetSource = body.target.kind === 'csv' ? body.target : {
      kind: 'query',
      ...(body.target.balanceBelow !== undefined ? { balanceBelow: body.target.balanceBelow } : {}),
      ...(body.target.tiers ? { tiers: body.target.tiers } : {}),
      ...(body.target.enterpriseClass ? { enterpriseClass: body.target.enterpriseClass.map((c) => (c === 'none' ? null : c)) } : {}),
    };
    const created = await desk.create({
      name: body.name, kind: body.kind, target,
      ...(body.flow !== undefined ? { flow: body.flow } : {}),
      ...(body.schedule.startAt ? { startAt: Date.parse(body.schedule.startAt) } : {}),
      endAt: Date.parse(body.schedule.endAt),
      ...(body.limits ? { limits: body.limits } : {}),
      ...(body.pacing ? { pacing: body.pacing } : {}),
    }, actor.name);
    const view = toView(await desk.view(created.campaign.id));
    await audit(deps.audit, req.log, { at: now(), actor, action: 'campaign.create', target: view.id, before: null, after: { ...view, targetKind: body.target.kind, rejected: created.rejected.length } });
    return reply.code(201).send({ campaign: view, rejected: rejected(created.rejected, exposureOf(req)), truncated: created.truncated });
  });

  app.get('/campaigns/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['campaigns'], summary: 'One campaign and its progress, live', params: idParams, querystring: noQuery, response: { 200: campaignView, ...authErrors, 404: errorSchema } },
  }, async (req) => toView(await desk.view(req.params.id)));

  for (const action of ['start', 'pause', 'resume', 'stop'] as const) {
    app.post(`/campaigns/:id/${action}`, {
      config: { role: 'supervisor' },
      schema: {
        tags: ['campaigns'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} a campaign`,
        ...(action === 'stop' ? { description: 'The numbers not yet dialled are not called (skipped, "stopped"); calls in progress finish.' } : {}),
        params: idParams, querystring: noQuery, response: { 200: campaignView, ...authErrors, 404: errorSchema, 409: errorSchema },
      },
    }, async (req) => {
      const actor = actorOf(req);
      const { before, after } = await desk.control(req.params.id, action);
      const view = toView(after);
      await audit(deps.audit, req.log, { at: now(), actor, action: `campaign.${action}`, target: view.id, before: { status: before.status }, after: { status: view.status } });
      return view;
    });
  }

  app.get('/campaigns/:id/results', {
    config: { role: 'viewer' },
    schema: {
      tags: ['campaigns'], summary: 'Where each number stands: JSON, or CSV with Accept: text/csv or format=csv',
      params: idParams, querystring: z.object({ format: z.enum(['json', 'csv']).optional() }).strict(),
      response: {
        200: {
          content: {
            'application/json': { schema: z.object({ results: z.array(z.object({ number: z.string(), state: z.string(), attempts: z.number().int(), detail: z.string().nullable(), keys: z.string(), listened: z.boolean(), at: z.string().nullable() })) }) },
            'text/csv': { schema: z.string() },
          },
        },
        ...authErrors, 404: errorSchema,
      },
    },
  }, async (req, reply) => {
    const rows = await desk.results(req.params.id);
    const exposure = exposureOf(req);
    if (req.query.format === 'csv' || (req.query.format === undefined && prefersCsv(req.headers.accept))) {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="campaign-${req.params.id}.csv"`).send(resultsCsv(rows, exposure));
    }
    return { results: rows.map((r) => ({ ...r, number: phoneFor(r.number, exposure), at: time(r.at) })) };
  });

  app.get('/campaigns/:id/rejected', {
    config: { role: 'viewer' },
    schema: { tags: ['campaigns'], summary: 'The rows refused at creation, with their line', params: idParams, querystring: noQuery, response: { 200: z.object({ rejected: z.array(rejectionView) }), ...authErrors, 404: errorSchema } },
  }, async (req) => ({ rejected: rejected(await desk.rejections(req.params.id), exposureOf(req)) }));

  app.get('/do-not-call', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['campaigns'], summary: 'The do-not-call list',
      querystring: z.object({ offset: queryInt(0, 10_000_000).optional(), limit: queryInt(1, 10_000).optional() }).strict(),
      response: { 200: z.object({ total: z.number().int(), entries: z.array(dncEntryView) }), ...authErrors },
    },
  }, async (req) => {
    const { total, entries } = await desk.listDoNotCall(req.query.offset ?? 0, req.query.limit ?? 1000);
    return { total, entries: entries.map((e) => ({ ...e, addedAt: isoTime(e.addedAt) })) };
  });

  app.post('/do-not-call', {
    config: { role: 'supervisor' },
    bodyLimit: uploadLimit,
    schema: {
      tags: ['campaigns'], summary: 'Put numbers on the do-not-call list: a list, or a CSV import (a number a line)',
      querystring: noQuery,
      body: z.union([
        z.object({ numbers: z.array(z.string().min(1).max(40)).min(1).max(100_000) }).strict(),
        z.object({ csv: z.string().min(1) }).strict(),
      ]),
      response: { 200: z.object({ added: z.number().int(), rejected: z.array(rejectionView) }), ...authErrors },
    },
  }, async (req) => {
    const actor = actorOf(req);
    const source = `api:${actor.name}`;
    const done = 'csv' in req.body ? await desk.importDoNotCall(req.body.csv, source) : await desk.addDoNotCall(req.body.numbers, source);
    await audit(deps.audit, req.log, { at: now(), actor, action: 'do-not-call.add', target: null, before: null, after: { added: done.added, rejected: done.rejected.length, import: 'csv' in req.body } });
    return { added: done.added, rejected: rejected(done.rejected, 'full') };
  });

  app.delete('/do-not-call/:number', {
    config: { role: 'supervisor' },
    schema: {
      tags: ['campaigns'], summary: 'Take a number off the do-not-call list',
      params: z.object({ number: z.string().regex(/^\+?\d{5,20}$/, 'must be a phone number') }).strict(), querystring: noQuery,
      response: { 200: z.object({ removed: z.boolean() }), ...authErrors },
    },
  }, async (req) => {
    const actor = actorOf(req);
    const removed = await desk.removeDoNotCall(req.params.number);
    if (removed) await audit(deps.audit, req.log, { at: now(), actor, action: 'do-not-call.remove', target: req.params.number, before: { onList: true }, after: { onList: false } });
    return { removed };
  });
};
