import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { TIER_IDS } from '../../routing/tier-rank.js';
import { intervalsCsv } from '../../stats/intervals-csv.js';
import { formatLocal } from '../../time/time-zone.js';
import { authErrors, noQuery } from '../schemas/common-schemas.js';
import { intervalsQuery, intervalsSchema, realtimeSchema } from '../schemas/stats-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';

const DAY_MS = 24 * 3600_000;

export const statsRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const { timeZone, historyDays } = deps.statsSettings;

  app.get('/stats/realtime', {
    config: { role: 'viewer' },
    schema: {
      tags: ['statistics'],
      summary: 'Every queue and tier now and today',
      description: 'Waiting calls, longest and estimated wait, agents by state, callbacks, and today\'s offered/answered/abandoned, service level against target, ASA, AHT and abandon rate. Definitions: the README, section Statistics: definitions.',
      querystring: noQuery,
      response: { 200: realtimeSchema, ...authErrors },
    },
  }, async () => deps.realtime.report());

  app.get('/stats/intervals', {
    config: { role: 'viewer' },
    schema: {
      tags: ['statistics'],
      summary: 'Figures by quarter-hour',
      description: `JSON, or CSV with Accept: text/csv or format=csv. At most ${historyDays} days, within the last ${historyDays} days.`,
      querystring: intervalsQuery,
      response: {
        200: {
          description: 'The buckets of the range',
          content: {
            'application/json': { schema: intervalsSchema },
            'text/csv': { schema: z.string() },
          },
        },
        ...authErrors,
      },
    },
  }, async (req, reply) => {
    const { queue, tier, format } = req.query;
    const from = Date.parse(req.query.from);
    const to = Date.parse(req.query.to);
    if (!(from < to)) throw new ValidationError('query.to: must be later than from', { field: 'query.to' });
    if (to - from > historyDays * DAY_MS) {
      throw new ValidationError(`query.to: a range may span at most ${historyDays} days`, { field: 'query.to' });
    }
    const earliest = deps.stats.historyStart();
    if (from < earliest) {
      throw new ValidationError(`query.from: statistics are kept for ${historyDays} days; the earliest is ${formatLocal(earliest, timeZone)}`, { field: 'query.from' });
    }
    if (tier !== undefined && !(TIER_IDS as readonly string[]).includes(tier)) {
      throw new ValidationError(`query.tier: must be one of ${TIER_IDS.join(', ')}`, { field: 'query.tier' });
    }
    const snapshot = deps.policy.snapshot();
    const buckets = await deps.stats.intervals(snapshot, from, to, {
      ...(queue !== undefined ? { queue } : {}),
      ...(tier !== undefined ? { tier } : {}),
    });
    if (format === 'csv' || (format === undefined && prefersCsv(req.headers.accept))) {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="intervals.csv"')
        .send(intervalsCsv(buckets, timeZone));
    }
    return reply.type('application/json').send({
      from: formatLocal(from, timeZone),
      to: formatLocal(to, timeZone),
      timeZone,
      bucketMinutes: 15 as const,
      policyVersion: snapshot.version,
      buckets: buckets.map((b) => ({ ...b, start: formatLocal(b.start, timeZone), end: formatLocal(b.end, timeZone) })),
    });
  });
};

/** True when the Accept header ranks text/csv above application/json (ties: the one listed first). */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let best: { type: string; q: number } | null = null;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';').map((s) => s.trim());
    if (type !== 'text/csv' && type !== 'application/json') continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { type, q };
  }
  return best?.type === 'text/csv';
}
