import { describe, expect, it } from 'vitest';
import type { RecordedCallEvent } from '../../src/call-records/call-event.js';
import { agentFigures } from '../../src/stats/agent-figures.js';

const at = 1_000;
const events: RecordedCallEvent[] = [
  { callId: 'a', at, type: 'answered', queue: 'billing', agent: '1004', tier: 'gold', waitMs: 3000 },
  { callId: 'a', at, type: 'agent-ended', queue: 'billing', agent: '1004', talkMs: 120_000 },
  { callId: 'a', at, type: 'wrap-up-ended', agent: '1004', wrapMs: 20_000 },
  { callId: 'a', at, type: 'disposition', agent: '1004', queue: 'billing', code: 'resolved' },
  { callId: 'b', at, type: 'answered', queue: 'billing', agent: '1004', tier: 'standard', waitMs: 1000 },
  { callId: 'b', at, type: 'agent-ended', queue: 'billing', agent: '1004', talkMs: 60_000 },
  { callId: 'b', at, type: 'disposition', agent: '1004', queue: 'billing', code: 'resolved' },
  { callId: 'c', at, type: 'answered', queue: 'complaints', agent: '1013', tier: 'gold', waitMs: 0 },
  { callId: 'a', at, type: 'survey-answered', surveyId: 's1', tier: 'gold', queue: 'billing', agent: '1004', score: 5, comment: false },
  { callId: 'b', at, type: 'survey-answered', surveyId: 's2', tier: 'standard', queue: 'billing', agent: '1004', score: 4, comment: false },
  { callId: 'c', at, type: 'survey-answered', surveyId: 's3', tier: 'gold', queue: 'complaints', agent: '1013', score: null, comment: false },
  { callId: 'd', at, type: 'queued', queue: 'billing', tier: 'gold', priority: 1, position: 1 },
];

describe('agent figures', () => {
  it('count calls, talk, wrap-up, dispositions and survey scores per agent', () => {
    expect(agentFigures(events)).toEqual([
      { agent: '1004', calls: 2, talkMs: 180_000, wrapUpMs: 20_000, averageHandleMs: 100_000, dispositions: { resolved: 2 }, survey: { scored: 2, averageScore: 4.5 } },
      { agent: '1013', calls: 1, talkMs: 0, wrapUpMs: 0, averageHandleMs: 0, dispositions: {}, survey: { scored: 0, averageScore: null } },
    ]);
  });

  it('are empty without agent events', () => {
    expect(agentFigures([])).toEqual([]);
  });
});
