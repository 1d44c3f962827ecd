import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { RoutingPolicy } from '../../src/routing/routing-policy.js';
import type { RoutingSnapshot } from '../../src/routing/routing-snapshot.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';
import type { WhatIfSources } from '../../src/whatif/run-whatif.js';
import type { RecordedCallEvent } from '../../src/call-records/call-event.js';

/** The routing of config/tiers.yaml and config/queues.yaml. */
export function defaultSnapshot(): RoutingSnapshot {
  return new RoutingPolicy({ routing: defaultTiersConfig, queues: defaultQueuesConfig }).snapshot();
}

/** What a run reads of the service, without one: the given routing, records and agents. */
export function sources(options: { snapshot?: RoutingSnapshot; records?: RecordedCallEvent[]; now?: number; shortAbandonSec?: number } = {}): WhatIfSources {
  return {
    snapshot: options.snapshot ?? defaultSnapshot(),
    agents: async () => [],
    callRecords: async (from, to) => (options.records ?? []).filter((e) => e.at >= from && e.at <= to),
    now: () => options.now ?? Date.UTC(2026, 0, 5, 12),
    shortAbandonSec: options.shortAbandonSec ?? 5,
  };
}

export interface RecordedCall {
  id: string;
  /** When the caller reached the queue. */
  at: number;
  tier: 'diamond' | 'gold' | 'silver' | 'standard';
  queue: string;
  outcome: 'answered' | 'abandoned';
  waitMs: number;
  talkMs?: number;
}

/** The call-record events a caller leaves, as the service writes them, for replays. */
export function callEvents(call: RecordedCall): RecordedCallEvent[] {
  const at = (ms: number) => call.at + ms;
  const base = { callId: call.id };
  const out: RecordedCallEvent[] = [
    { ...base, at: call.at - 20_000, type: 'arrived', dialled: '10000', from: '13800000004', instance: 'test' },
    { ...base, at: call.at, type: 'route', queue: call.queue, skill: call.queue, priority: 20, minAgentLevel: 1, rules: [1], reason: 'test', tier: call.tier },
    { ...base, at: call.at, type: 'queued', queue: call.queue, tier: call.tier, priority: 20, position: 1 },
  ];
  if (call.outcome === 'answered') {
    const talk = call.talkMs ?? 60_000;
    out.push(
      { ...base, at: at(call.waitMs - 2000), type: 'offered', queue: call.queue, agent: '1001' },
      { ...base, at: at(call.waitMs), type: 'answered', queue: call.queue, agent: '1001', tier: call.tier, waitMs: call.waitMs },
      { ...base, at: at(call.waitMs + talk), type: 'agent-ended', queue: call.queue, agent: '1001', talkMs: talk },
      { ...base, at: at(call.waitMs + talk), type: 'ended', outcome: 'handled', durationMs: call.waitMs + talk + 20_000 },
    );
  } else {
    out.push(
      { ...base, at: at(call.waitMs), type: 'abandoned', queue: call.queue, tier: call.tier, waitMs: call.waitMs, stage: 'queue' },
      { ...base, at: at(call.waitMs), type: 'ended', outcome: 'abandoned', durationMs: call.waitMs + 20_000 },
    );
  }
  return out;
}
