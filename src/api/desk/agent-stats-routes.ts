import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError } from '../../auth/auth-errors.js';
import { ValidationError } from '../../errors.js';
import { NotYourDeskError } from '../../desk/desk-errors.js';
import { agentFigures } from '../../stats/agent-figures.js';
import { systemClock } from '../../time/clock.js';
import { localDate, startOfLocalDay } from '../../time/time-zone.js';
import { authErrors } from '../schemas/common-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';

const DAY_MS = 24 * 3600_000;
const CLOCK_SKEW_MARGIN_MS = 3600_000;

const figures = z.object({
  agent: z.string(),
  calls: z.number().int(),
  talkMs: z.number().int(),
  wrapUpMs: z.number().int(),
  averageHandleMs: z.number().int().nullable(),
  dispositions: z.record(z.string(), z.number().int()),
  survey: z.object({ scored: z.number().int(), averageScore: z.number().nullable() }),
}).describe('AgentFigures');

/**
 * GET /v1/stats/agents: each agent's day (calls, talk, wrap-up, dispositions,
 * survey score), the agent evaluation. A viewer sees every agent and any day
 * kept; an agent key sees its own agent's today only (403 otherwise).
 */
export const agentStatsRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const desk = deps.desk;
  if (!desk) return;
  const clock = deps.clock ?? systemClock;
  const { timeZone, historyDays } = deps.statsSettings;

  app.get('/stats/agents', {
    config: { role: ['viewer', 'agent'] },
    schema: {
      tags: ['statistics'],
      summary: "Each agent's day: calls, talk, wrap-up, dispositions, survey score",
      description: `date is a local day (${timeZone}), today by default, within the last ${historyDays} days. An agent key sees its own agent today only.`,
      querystring: z.object({
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
        agent: z.string().min(1).max(64).optional(),
      }).strict(),
      response: { 200: z.object({ date: z.string(), timeZone: z.string(), agents: z.array(figures) }), ...authErrors },
    },
  }, async (req) => {
    const now = clock.now();
    const today = localDate(now, timeZone);
    const key = req.apiKey!;
    let { date, agent } = req.query;
    if (key.role === 'agent') {
      if (agent !== undefined && agent !== key.agentId) throw new NotYourDeskError('agent', agent);
      if (date !== undefined && date !== today) throw new ForbiddenError('agent', 'viewer');
      agent = key.agentId ?? '';
    }
    date ??= today;
    const dayStart = startOfLocalDay(Date.parse(`${date}T12:00:00Z`), timeZone);
    if (!Number.isFinite(dayStart) || localDate(dayStart, timeZone) !== date) throw new ValidationError('query.date: not a day of the calendar', { field: 'query.date' });
    if (dayStart > now || dayStart < startOfLocalDay(now, timeZone) - historyDays * DAY_MS) {
      throw new ValidationError(`query.date: must be within the last ${historyDays} days`, { field: 'query.date' });
    }
    // Stream ids carry Redis's clock, event times the service's: an hour more is read, then each event kept by its own time.
    const events = (await desk.callRecords.range(dayStart - CLOCK_SKEW_MARGIN_MS, dayStart + DAY_MS + CLOCK_SKEW_MARGIN_MS, 10_000))
      .filter((e) => e.at >= dayStart && e.at < dayStart + DAY_MS);
    const rows = agentFigures(events);
    return { date, timeZone, agents: agent === undefined ? rows : rows.filter((r) => r.agent === agent) };
  });
};
