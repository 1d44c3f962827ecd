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
