import { describe, expect, it } from 'vitest';
import { analyseBurst, type AcdRecord, type BurstObservations, type CallerRecord } from '../../bench/burst/burst-analysis.js';
import { RequestTail } from '../../bench/burst/request-tail.js';
import type { OriginateRecord, SwitchEvent } from '../../bench/burst/switch-trace.js';
import type { RecordedRequest } from '../../src/sim/simulated-asterisk.js';

/**
 * The burst's measures computed from hand-written observations: each kind of
 * failure the benchmark exists to catch is counted, and a clean call is not.
 */
const caller = (callId: string, extra: Partial<CallerRecord> = {}): CallerRecord => ({
  index: 0, profile: 'gold', callId, placedAt: 0, gaveUpAt: null, placeError: null, ...extra,
});
const leg = (channelId: string, agent: string, callId: string, at: number): OriginateRecord => ({
  at, channelId, endpoint: `Local/${agent}@agents`, callId,
});
const up = (channel: string, at: number, agent = '1001'): SwitchEvent => ({ kind: 'state', at, channel, name: `Local/${agent}@agents-0000000${at % 10};1`, state: 'Up' });
const bridge = (at: number, ...members: string[]): SwitchEvent => ({ kind: 'bridge', at, bridge: 'b1', members });
const destroyed = (channel: string, at: number, name = ''): SwitchEvent => ({ kind: 'destroyed', at, channel, name, cause: 16 });
const hangup = (channel: string, at: number, soft: boolean): SwitchEvent => ({ kind: 'hangup', at, channel, name: '', soft, cause: 16 });

function observe(partial: Partial<BurstObservations>): BurstObservations {
  return { callers: [], trace: [], originates: [], acd: [], ...partial };
}

describe('burst measures', () => {
  it('a caller bridged with the agent leg rung for it is served, and nothing counts against the service', () => {
    const found = analyseBurst(observe({
      callers: [caller('c1')],
      originates: [leg('L1', '1001', 'c1', 100)],
      trace: [up('L1', 600), bridge(610, 'c1', 'L1'), destroyed('L1', 3600), destroyed('c1', 3601)],
    }));
    expect(found).toMatchObject({ callers: 1, served: 1, dropped: 0, silentAnswers: 0, doubleAssignments: 0, gaveUp: 0, answeredLegs: 1 });
  });

  it('a caller the service hangs up before any agent is dropped; one who hung up after waiting their longest is not', () => {
    const found = analyseBurst(observe({
      callers: [caller('c1'), caller('c2', { gaveUpAt: 5000 })],
      trace: [hangup('c1', 2000, true), destroyed('c1', 2001), hangup('c2', 5002, false), destroyed('c2', 5003)],
    }));
    expect(found).toMatchObject({ served: 0, dropped: 1, gaveUp: 1 });
    expect(found.evidence.dropped[0]).toMatchObject({ callId: 'c1', bySoftHangup: true });
  });

  it('an agent leg that answered but never shared a bridge with a caller is a silent answer', () => {
    const found = analyseBurst(observe({
      callers: [caller('c1')],
      originates: [leg('L1', '1001', 'c1', 100), leg('L2', '1002', 'c1', 200)],
      // L2 rang and was hung up unanswered: not silent. L1 answered into nothing.
      trace: [up('L1', 600), destroyed('L2', 700, 'Local/1002@agents-00000002;1'), destroyed('L1', 6000), destroyed('c1', 6001)],
    }));
    expect(found.silentAnswers).toBe(1);
    expect(found.evidence.silent[0]).toMatchObject({ leg: 'L1', agent: '1001', callId: 'c1' });
    expect(found.dropped).toBe(1);
  });

  it('an agent leg we did not see originated is still recognised by its channel name', () => {
    const found = analyseBurst(observe({
      callers: [caller('c1')],
      trace: [up('stray', 600, '1007'), destroyed('stray', 700)],
    }));
    expect(found.silentAnswers).toBe(1);
    expect(found.evidence.silent[0]).toMatchObject({ leg: 'stray', agent: '1007' });
  });

  it('an agent rung for a second call while the first leg is alive is a double assignment; for the same call it is not', () => {
    const found = analyseBurst(observe({
      callers: [caller('c1'), caller('c2')],
      originates: [
        leg('L1', '1001', 'c1', 100), leg('L2', '1001', 'c2', 300),
        leg('L3', '1002', 'c2', 100), leg('L4', '1002', 'c2', 300),
      ],
      trace: [
        up('L1', 200), bridge(210, 'c1', 'L1'), up('L2', 400), destroyed('L1', 500), destroyed('L2', 510),
        destroyed('L3', 400), destroyed('L4', 520),
      ],
    }));
    expect(found.evidence.doubles).toEqual([
      expect.objectContaining({ kind: 'agent-rung-twice', agent: '1001', callIds: ['c1', 'c2'], legs: ['L1', 'L2'] }),
    ]);
    expect(found.sameCallOverlaps).toBe(1);
  });

  it('an agent rung again only once the earlier leg is gone is no double assignment', () => {
    const found = analyseBurst(observe({
      callers: [caller('c1'), caller('c2')],
      originates: [leg('L1', '1001', 'c1', 100), leg('L2', '1001', 'c2', 600)],
      trace: [up('L1', 200), bridge(210, 'c1', 'L1'), destroyed('L1', 500), up('L2', 700), bridge(710, 'c2', 'L2'), destroyed('L2', 900)],
    }));
    expect(found).toMatchObject({ served: 2, doubleAssignments: 0 });
  });

  it('a caller bridged with two agents is a double assignment', () => {
    const found = analyseBurst(observe({
      callers: [caller('c1')],
      originates: [leg('L1', '1001', 'c1', 100), leg('L2', '1002', 'c1', 100)],
      trace: [up('L1', 200), up('L2', 200), bridge(210, 'c1', 'L1'), bridge(220, 'c1', 'L1', 'L2')],
    }));
    expect(found.evidence.doubles.map((d) => d.kind)).toEqual(['caller-with-two-agents']);
  });

  it('freed-to-rung runs from an agent made available after wrap-up to the originate ringing them for a caller already waiting', () => {
    const state = (agent: string, s: string, callId: string | null = null) => ({ type: 'agent-state' as const, agent, state: s as 'available', pauseReason: null, callId });
    const acd: AcdRecord[] = [
      { at: 1000, event: { type: 'queued', callId: 'w1', queue: 'billing', position: 1 } },
      { at: 1000, event: { type: 'queued', callId: 'late', queue: 'billing', position: 1 } },
      { at: 1000, event: { type: 'queued', callId: 'ovf', queue: 'billing', position: 1 } },
      // 1001 freed with w1 waiting: rung 7 ms later.
      { at: 2000, event: state('1001', 'wrap-up') },
      { at: 3000, event: state('1001', 'available') },
      { at: 3002, event: state('1001', 'reserved', 'w1') },
      { at: 3004, event: { type: 'assigned', callId: 'w1', queue: 'billing', agent: '1001' } },
      // 1002 freed but takes a call that was not waiting then (it was being offered elsewhere): no sample.
      { at: 2000, event: state('1002', 'wrap-up') },
      { at: 2500, event: state('1009', 'reserved', 'late') },
      { at: 3000, event: state('1002', 'available') },
      { at: 3100, event: { type: 'no-answer', callId: 'late', queue: 'billing', agent: '1009', result: 'no-answer' } },
      { at: 3101, event: state('1002', 'reserved', 'late') },
      // 1003 freed, reserved only once the waiting call overflowed to them: no sample.
      { at: 2000, event: state('1003', 'wrap-up') },
      { at: 3000, event: state('1003', 'available') },
      { at: 9000, event: { type: 'overflowed', callId: 'ovf', queue: 'billing', skill: 'general', minAgentLevel: 3 } },
      { at: 9001, event: state('1003', 'reserved', 'ovf') },
    ];
    const found = analyseBurst(observe({
      acd,
      originates: [leg('L1', '1001', 'w1', 3007), leg('L2', '1002', 'late', 3105), leg('L3', '1003', 'ovf', 9003)],
    }));
    expect(found.freedToRung).toEqual([7]);
    expect(found.freedToAssigned).toEqual([4]);
    expect(found.freedNeverRung).toBe(0);
  });

  it('an agent freed and reserved for a waiting caller but never rung is reported', () => {
    const found = analyseBurst(observe({
      acd: [
        { at: 1000, event: { type: 'queued', callId: 'w1', queue: 'billing', position: 1 } },
        { at: 2000, event: { type: 'agent-state', agent: '1001', state: 'wrap-up', pauseReason: null, callId: null } },
        { at: 3000, event: { type: 'agent-state', agent: '1001', state: 'available', pauseReason: null, callId: null } },
        { at: 3001, event: { type: 'agent-state', agent: '1001', state: 'reserved', pauseReason: null, callId: 'w1' } },
      ],
    }));
    expect(found).toMatchObject({ freedToRung: [], freedNeverRung: 1 });
  });
});

describe('following the switch request log', () => {
  const req = (at: number, path: string): RecordedRequest => ({ method: 'POST', path, query: {}, body: null, at });

  it('keeps every request once when listings overlap, and says so when they do not', () => {
    const tail = new RequestTail('http://unused', '');
    const all = Array.from({ length: 30 }, (_, i) => req(i, `/ari/channels/c${i}/play`));
    tail.merge(all.slice(0, 12));
    tail.merge(all.slice(4, 20)); // the log dropped its oldest entries meanwhile
    tail.merge(all.slice(4, 20)); // nothing new
    expect(tail.requests.map((r) => r.at)).toEqual(all.slice(0, 20).map((r) => r.at));
    expect(tail.complete).toBe(true);
    tail.merge(all.slice(25, 30)); // 20..24 were lost between reads
    expect(tail.complete).toBe(false);
    expect(tail.requests).toHaveLength(25);
  });
});
