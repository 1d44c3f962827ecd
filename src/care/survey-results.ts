import type { ChainableCommander, Redis } from 'ioredis';
import { ValidationError } from '../errors.js';
import type { SurveyScore, SurveysNow } from '../stats/live-stats-provider.js';
import { localDate } from '../time/time-zone.js';

/** Responses and mean score of one group (a tier, a queue, an agent). */
export interface ScoreSummary {
  /** Surveys answered with a score (1–5). */
  responses: number;
  /** Mean of the scores; null with no response. */
  averageScore: number | null;
  /** Customers who pressed 0 to leave a comment (asked for a callback). */
  comments: number;
}

export interface SurveyAggregate {
  tiers: Record<string, ScoreSummary>;
  queues: Record<string, ScoreSummary>;
  agents: Record<string, ScoreSummary>;
}

export interface SurveyAnswer {
  tier: string;
  queue: string;
  agent: string;
  score: number | null;
  comment: boolean;
  at: number;
}

const GROUPS = ['tier', 'queue', 'agent'] as const;

/**
 * Survey answers summed per local day (`<prefix>:{care}:survey-day:<date>`):
 * for each tier, queue and agent, the number of scores, their sum and the
 * comments. A period's figures are the sum of its days; means are computed
 * when read, so they are exact whatever the period.
 */
export class SurveyResults {
  private readonly base: string;

  constructor(private readonly redis: Redis, keyPrefix: string, private readonly timeZone: string, private readonly keepDays = 400) {
    this.base = `${keyPrefix}:{care}`;
  }

  /** Adds the answer's figures to a transaction of the caller's (written with the survey's state, in one step). */
  addTo(pipe: ChainableCommander, answer: SurveyAnswer): void {
    const key = this.dayKey(localDate(answer.at, this.timeZone));
    for (const group of GROUPS) {
      const id = answer[group];
      if (answer.score !== null) {
        pipe.hincrby(key, `${group}:${id}:n`, 1);
        pipe.hincrby(key, `${group}:${id}:sum`, answer.score);
      }
      if (answer.comment) pipe.hincrby(key, `${group}:${id}:comments`, 1);
    }
    pipe.expire(key, this.keepDays * 86_400);
  }

  /** Figures of the local days from `fromDate` to `toDate` (YYYY-MM-DD, inclusive). */
  async aggregate(fromDate: string, toDate: string): Promise<SurveyAggregate> {
    const days = daysBetween(fromDate, toDate);
    const pipe = this.redis.pipeline();
    for (const day of days) pipe.hgetall(this.dayKey(day));
    const rows = ((await pipe.exec()) ?? []).map(([, h]) => (h ?? {}) as Record<string, string>);
    const sums: Record<(typeof GROUPS)[number], Record<string, { n: number; sum: number; comments: number }>> = { tier: {}, queue: {}, agent: {} };
    for (const row of rows) {
      for (const [field, value] of Object.entries(row)) {
        const match = /^(tier|queue|agent):(.+):(n|sum|comments)$/.exec(field);
        if (!match) continue;
        const [, group, id, what] = match as unknown as [string, (typeof GROUPS)[number], string, 'n' | 'sum' | 'comments'];
        const entry = (sums[group][id] ??= { n: 0, sum: 0, comments: 0 });
        entry[what] += Number(value);
      }
    }
    const summarise = (group: (typeof GROUPS)[number]) => Object.fromEntries(Object.entries(sums[group]).map(([id, s]) => [id, {
      responses: s.n,
      averageScore: s.n > 0 ? Math.round((s.sum / s.n) * 100) / 100 : null,
      comments: s.comments,
    }]));
    return { tiers: summarise('tier'), queues: summarise('queue'), agents: summarise('agent') };
  }

  /** Today's figures by queue and by tier, for the realtime statistics. */
  async today(now: number): Promise<SurveysNow> {
    const day = localDate(now, this.timeZone);
    const { tiers, queues } = await this.aggregate(day, day);
    const scoreOnly = (m: Record<string, ScoreSummary>): Record<string, SurveyScore> =>
      Object.fromEntries(Object.entries(m).map(([id, s]) => [id, { responses: s.responses, averageScore: s.averageScore }]));
    return { tiers: scoreOnly(tiers), queues: scoreOnly(queues) };
  }

  private dayKey(day: string): string {
    return `${this.base}:survey-day:${day}`;
  }
}

function daysBetween(from: string, to: string): string[] {
  const parse = (d: string) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    if (!m) throw new ValidationError(`not a date YYYY-MM-DD: ${JSON.stringify(d)}`, { field: 'date' });
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  };
  const start = parse(from);
  const end = parse(to);
  if (end < start) return [];
  if ((end - start) / 86_400_000 > 366) throw new ValidationError('a period of at most 366 days', { field: 'date' });
  const out: string[] = [];
  for (let t = start; t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
