import type { CallEvent, RecordedCallEvent } from '../../src/call-records/call-event.js';

/** 2026-01-05 09:00:00 in Asia/Shanghai (01:00 UTC). */
export const NINE = Date.UTC(2026, 0, 5, 1, 0, 0);
/** Local midnight that started 2026-01-05 in Asia/Shanghai. */
export const MIDNIGHT = Date.UTC(2026, 0, 4, 16, 0, 0);
export const MIN = 60_000;
export const SEC = 1000;

function at(callId: string, time: number, event: CallEvent): RecordedCallEvent {
  return { ...event, callId, at: time };
}

/**
 * A hand-written morning of the billing queue, with the figures worked out by
 * hand in the tests. Thresholds (defaults): billing 20 s; gold 90 % in 15 s;
 * standard 80 % in 30 s; complaints 20 s.
 */
export const morningEvents: RecordedCallEvent[] = [
  // Yesterday 23:59:50 → answered after midnight: belongs to yesterday.
  at('c0', MIDNIGHT - 10 * SEC, { type: 'queued', queue: 'billing', tier: 'gold', priority: 80, position: 1 }),
  at('c0', MIDNIGHT + 10 * SEC, { type: 'answered', queue: 'billing', agent: 'a1', tier: 'gold', waitMs: 20_000 }),
  at('c0', MIDNIGHT + 70 * SEC, { type: 'agent-ended', queue: 'billing', agent: 'a1', talkMs: 60_000 }),

  // c1 gold, answered after 12 s, talks 120 s.
  at('c1', NINE, { type: 'queued', queue: 'billing', tier: 'gold', priority: 80, position: 1 }),
  at('c1', NINE + 12 * SEC, { type: 'answered', queue: 'billing', agent: 'a1', tier: 'gold', waitMs: 12_000 }),
  at('c1', NINE + 132 * SEC, { type: 'agent-ended', queue: 'billing', agent: 'a1', talkMs: 120_000 }),
  at('c1', NINE + 132 * SEC, { type: 'ended', outcome: 'handled', durationMs: 150_000 }),

  // c2 standard, answered after 25 s (beyond billing's 20 s, within standard's 30 s), talks 200 s.
  at('c2', NINE + 1 * MIN, { type: 'queued', queue: 'billing', tier: 'standard', priority: 20, position: 1 }),
  at('c2', NINE + 1 * MIN + 25 * SEC, { type: 'answered', queue: 'billing', agent: 'a2', tier: 'standard', waitMs: 25_000 }),

  // c3 standard hangs up after 3 s: a short abandon.
  at('c3', NINE + 2 * MIN, { type: 'queued', queue: 'billing', tier: 'standard', priority: 20, position: 2 }),
  at('c3', NINE + 2 * MIN + 3 * SEC, { type: 'abandoned', queue: 'billing', tier: 'standard', waitMs: 3000, stage: 'queue' }),
  at('c3', NINE + 2 * MIN + 3 * SEC, { type: 'ended', outcome: 'abandoned', durationMs: 20_000 }),

  // c4 gold hangs up after 40 s: abandoned after every threshold.
  at('c4', NINE + 3 * MIN, { type: 'queued', queue: 'billing', tier: 'gold', priority: 80, position: 1 }),
  at('c4', NINE + 3 * MIN + 40 * SEC, { type: 'abandoned', queue: 'billing', tier: 'gold', waitMs: 40_000, stage: 'ringing' }),

  // c2's conversation ends.
  at('c2', NINE + 4 * MIN + 45 * SEC, { type: 'agent-ended', queue: 'billing', agent: 'a2', talkMs: 200_000 }),

  // c5 standard hangs up after 10 s: abandoned, but within the thresholds (outside the service level).
  at('c5', NINE + 4 * MIN, { type: 'queued', queue: 'billing', tier: 'standard', priority: 20, position: 1 }),
  at('c5', NINE + 4 * MIN + 10 * SEC, { type: 'abandoned', queue: 'billing', tier: 'standard', waitMs: 10_000, stage: 'queue' }),

  // c6 gold answered after exactly 20 s: within billing's 20 s, not within gold's 15 s.
  at('c6', NINE + 5 * MIN, { type: 'queued', queue: 'billing', tier: 'gold', priority: 80, position: 1 }),
  at('c6', NINE + 5 * MIN + 20 * SEC, { type: 'answered', queue: 'billing', agent: 'a1', tier: 'gold', waitMs: 20_000 }),
  at('c6', NINE + 6 * MIN + 20 * SEC, { type: 'agent-ended', queue: 'billing', agent: 'a1', talkMs: 60_000 }),

  // c7 standard queued at 09:14:50, answered at 09:15:20: counted in 09:00–09:15.
  at('c7', NINE + 14 * MIN + 50 * SEC, { type: 'queued', queue: 'billing', tier: 'standard', priority: 20, position: 1 }),
  at('c7', NINE + 15 * MIN + 20 * SEC, { type: 'answered', queue: 'billing', agent: 'a2', tier: 'standard', waitMs: 30_000 }),
  at('c7', NINE + 17 * MIN, { type: 'agent-ended', queue: 'billing', agent: 'a2', talkMs: 100_000 }),

  // c8 gold: billing, answered after 5 s, transferred to complaints, answered there after 8 s.
  at('c8', NINE + 20 * MIN, { type: 'queued', queue: 'billing', tier: 'gold', priority: 80, position: 1 }),
  at('c8', NINE + 20 * MIN + 5 * SEC, { type: 'answered', queue: 'billing', agent: 'a1', tier: 'gold', waitMs: 5000 }),
  at('c8', NINE + 20 * MIN + 35 * SEC, { type: 'agent-ended', queue: 'billing', agent: 'a1', talkMs: 30_000 }),
  at('c8', NINE + 20 * MIN + 35 * SEC, { type: 'transferred', fromQueue: 'billing', toQueue: 'complaints', by: 'a1' }),
  at('c8', NINE + 21 * MIN, { type: 'queued', queue: 'complaints', tier: 'gold', priority: 1000, position: 1 }),
  at('c8', NINE + 21 * MIN + 8 * SEC, { type: 'answered', queue: 'complaints', agent: 'a3', tier: 'gold', waitMs: 8000 }),
  at('c8', NINE + 22 * MIN + 38 * SEC, { type: 'agent-ended', queue: 'complaints', agent: 'a3', talkMs: 90_000 }),
  at('c8', NINE + 22 * MIN + 38 * SEC, { type: 'ended', outcome: 'handled', durationMs: 160_000 }),

  // c9 gold leaves billing after 35 s for a callback.
  at('c9', NINE + 22 * MIN, { type: 'queued', queue: 'billing', tier: 'gold', priority: 80, position: 1 }),
  at('c9', NINE + 22 * MIN + 35 * SEC, { type: 'left-queue', queue: 'billing', tier: 'gold', waitMs: 35_000, reason: 'callback' }),
  at('c9', NINE + 22 * MIN + 35 * SEC, { type: 'callback-requested', queue: 'billing', callbackId: 'cb1', tier: 'gold' }),

  // An answer whose queue entry was never recorded is not counted anywhere.
  at('c10', NINE + 23 * MIN, { type: 'answered', queue: 'billing', agent: 'a1', tier: 'gold', waitMs: 1000 }),
];
