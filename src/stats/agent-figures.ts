import type { RecordedCallEvent } from '../call-records/call-event.js';

/** One agent's day, as the agent evaluation reads it. */
export interface AgentDayFigures {
  agent: string;
  /** Calls the agent answered. */
  calls: number;
  /** Talk time, ms (from the conversations that ended in the period). */
  talkMs: number;
  /** Wrap-up time after calls, ms. */
  wrapUpMs: number;
  /** Average handle time (talk + wrap-up per call), ms; null without calls. */
  averageHandleMs: number | null;
  /** Calls closed with each disposition code. */
  dispositions: Record<string, number>;
  /** Follow-up surveys of the agent's calls answered in the period: how many gave a score, and their average (1–5). */
  survey: { scored: number; averageScore: number | null };
}

/**
 * Figures per agent from the call-record events of a period (a day): calls
 * (`answered`), talk (`agent-ended`), wrap-up (`wrap-up-ended`),
 * dispositions (`disposition`) and survey scores (`survey-answered`), each
 * counted when its event happened. Agents without any event are absent.
 */
export function agentFigures(events: readonly RecordedCallEvent[]): AgentDayFigures[] {
  const by = new Map<string, AgentDayFigures & { scoreSum: number }>();
  const of = (agent: string) => {
    let row = by.get(agent);
    if (!row) {
      row = { agent, calls: 0, talkMs: 0, wrapUpMs: 0, averageHandleMs: null, dispositions: {}, survey: { scored: 0, averageScore: null }, scoreSum: 0 };
      by.set(agent, row);
    }
    return row;
  };
  for (const e of events) {
    switch (e.type) {
      case 'answered': of(e.agent).calls += 1; break;
      case 'agent-ended': of(e.agent).talkMs += e.talkMs; break;
      case 'wrap-up-ended': of(e.agent).wrapUpMs += e.wrapMs; break;
      case 'disposition': {
        const row = of(e.agent);
        row.dispositions[e.code] = (row.dispositions[e.code] ?? 0) + 1;
        break;
      }
      case 'survey-answered':
        if (e.score !== null) {
          const row = of(e.agent);
          row.survey.scored += 1;
          row.scoreSum += e.score;
        }
        break;
      default:
        break;
    }
  }
  return [...by.values()].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0)).map(({ scoreSum, ...row }) => ({
    ...row,
    averageHandleMs: row.calls > 0 ? Math.round((row.talkMs + row.wrapUpMs) / row.calls) : null,
    survey: { scored: row.survey.scored, averageScore: row.survey.scored > 0 ? Math.round((scoreSum / row.survey.scored) * 100) / 100 : null },
  }));
}
