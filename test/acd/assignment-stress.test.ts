import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDurabilityBench, type OpenBench } from '../callbacks/support/durability-bench.js';
import { judgeAssignment, type AssignmentEvidence } from './support/assignment-judge.js';
import { ASSIGNMENT, runAssignmentScenario } from './support/assignment-scenario.js';

/**
 * No agent given two calls at once and no caller given two agents, nor left
 * unserved, when two live service instances share the agents and the queues
 * — first on a quiet machine, then with every core saturated and Redis slowed
 * and stalled for 2.5 s every 7 s (`npm run stress:acd` repeats the stressed
 * run 20 times). Judged from what the simulated switch carried out and what
 * the call records say (support/assignment-judge.ts); a failed run leaves its
 * evidence in .tmp/evidence/acd/, named in the failure.
 */
const EVIDENCE_DIR = '.tmp/evidence/acd';

describe('the assignment judge', () => {
  const clean = (): AssignmentEvidence => ({
    callers: [
      { callId: 'c1', number: '1', instance: 'a' },
      { callId: 'c2', number: '2', instance: 'b' },
    ],
    agentLegs: [
      { leg: 'l1', agent: '7001', callId: 'c1', rungAt: 1000, endedAt: 3000 },
      { leg: 'l2', agent: '7001', callId: 'c2', rungAt: 3000, endedAt: 5000 },
    ],
    bridgeAdds: [
      { bridge: 'b1', channels: ['c1', 'l1'], at: 1200 },
      { bridge: 'b2', channels: ['c2', 'l2'], at: 3200 },
    ],
    records: { c1: ['queued', 'offered', 'answered', 'ended'], c2: ['queued', 'offered', 'answered', 'ended'] },
  });

  it('passes a run where one agent served two callers one after the other', () => {
    expect(judgeAssignment(clean())).toEqual({ callers: 2, rings: 2, served: 2, doubleAssignments: 0, lost: 0, problems: [] });
  });

  it('finds an agent rung for a second caller while still talking to the first', () => {
    const e = clean();
    e.agentLegs = [e.agentLegs[0]!, { ...e.agentLegs[1]!, rungAt: 2500 }];
    const verdict = judgeAssignment(e);
    expect(verdict.doubleAssignments).toBe(1);
    expect(verdict.problems[0]).toContain('agent 7001 rung for c2');
  });

  it('finds an agent rung again while a leg of theirs was never destroyed', () => {
    const e = clean();
    e.agentLegs = [{ ...e.agentLegs[0]!, endedAt: null }, e.agentLegs[1]!];
    expect(judgeAssignment(e).doubleAssignments).toBe(1);
  });

  it('finds a caller bridged to two agents, and one recorded answered twice', () => {
    const e = clean();
    e.agentLegs = [...e.agentLegs, { leg: 'l3', agent: '7002', callId: 'c1', rungAt: 1000, endedAt: 2000 }];
    e.bridgeAdds = [...e.bridgeAdds, { bridge: 'b1', channels: ['l3'], at: 1500 }];
    const twoAgents = judgeAssignment(e);
    expect(twoAgents.doubleAssignments).toBe(1);
    expect(twoAgents.problems[0]).toContain('caller c1');
    const twice = clean();
    twice.records = { ...twice.records, c2: ['queued', 'answered', 'answered', 'ended'] };
    expect(judgeAssignment(twice).doubleAssignments).toBe(1);
  });

  it('finds a caller who never reached an agent and was not recorded abandoned', () => {
    const e = clean();
    e.bridgeAdds = [e.bridgeAdds[0]!];
    e.records = { ...e.records, c2: ['queued'] };
    const verdict = judgeAssignment(e);
    expect(verdict).toMatchObject({ served: 1, lost: 1, doubleAssignments: 0 });
    e.records = { ...e.records, c2: ['queued', 'abandoned', 'ended'] };
    expect(judgeAssignment(e)).toMatchObject({ served: 1, lost: 0, problems: [] });
  });
});

function scenario(stress: boolean): void {
  let bench: OpenBench;
  beforeAll(async () => {
    bench = await openDurabilityBench({ stress, evidenceDir: EVIDENCE_DIR });
  }, 30_000);
  afterAll(async () => {
    await bench?.close();
  });
  it(`${ASSIGNMENT.callers} callers over two instances and ${ASSIGNMENT.agents} shared agents: every caller served once, no agent given two calls`, async () => {
    const { verdict, evidencePath } = await runAssignmentScenario(bench);
    expect({ problems: verdict.problems, evidence: evidencePath }).toEqual({ problems: [], evidence: null });
    expect(verdict).toMatchObject({ callers: ASSIGNMENT.callers, served: ASSIGNMENT.callers, doubleAssignments: 0, lost: 0 });
  }, 240_000);
}

describe('ACD assignment across two instances (quiet machine)', () => {
  scenario(false);
});

describe('ACD assignment across two instances (every core busy, Redis slow and stalling)', () => {
  scenario(true);
});
