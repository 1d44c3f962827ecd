import { z } from 'zod';
import { deepFreeze, type DeepReadonly } from '../config/load-config.js';
import { ValidationError } from '../errors.js';
import type { ClassificationRules } from './classify-tier.js';
import { describeIssues } from './describe-issues.js';
import { queuesConfigSchema, type QueuesConfig } from './queues-config.js';
import { tiersConfigSchema, type ImportantCustomers, type TiersConfig } from './tiers-config.js';
import type { Need } from './types.js';

/**
 * Everything routing decides with, as of one version. Immutable: a call takes
 * the snapshot current when it is routed, so a change reaches the next call and
 * never a call already queued. Plain JSON, so it can be broadcast to other
 * instances and stored with a what-if run.
 */
export interface RoutingSnapshot {
  readonly version: number;
  /** Who made the change that produced this version ('config' for the start-up configuration). */
  readonly changedBy: string;
  /** What changed, e.g. "tier gold", "queue billing", "rollback to version 3". */
  readonly change: string;
  readonly tiers: DeepReadonly<TiersConfig['tiers']>;
  readonly queues: DeepReadonly<QueuesConfig>;
  readonly classification: DeepReadonly<ClassificationRules>;
  readonly transferPriority: number;
  readonly importantCustomers: DeepReadonly<ImportantCustomers>;
  readonly needsByNumber: Readonly<Record<string, Need>>;
}

export interface SnapshotParts {
  version: number;
  changedBy: string;
  change: string;
  routing: DeepReadonly<TiersConfig>;
  queues: DeepReadonly<QueuesConfig>;
}

export function buildSnapshot({ version, changedBy, change, routing, queues }: SnapshotParts): RoutingSnapshot {
  return deepFreeze(structuredClone({
    version,
    changedBy,
    change,
    tiers: routing.tiers,
    queues,
    classification: routing.classification,
    transferPriority: routing.transferPriority,
    importantCustomers: routing.importantCustomers,
    needsByNumber: routing.needsByNumber,
  })) as RoutingSnapshot;
}

/** The routing section of a snapshot, as the tiers schema reads it. */
export function routingOf(snapshot: RoutingSnapshot): DeepReadonly<TiersConfig> {
  const { tiers, classification, transferPriority, importantCustomers, needsByNumber } = snapshot;
  return { tiers, classification, transferPriority, importantCustomers, needsByNumber };
}

// Every part must be present: a snapshot from another instance is taken as a
// whole, never completed with this instance's defaults.
const envelopeSchema = z.object({
  version: z.number().int().positive(),
  changedBy: z.string().min(1),
  change: z.string(),
  tiers: z.record(z.string(), z.unknown()),
  queues: z.record(z.string(), z.unknown()),
  classification: z.record(z.string(), z.unknown()),
  transferPriority: z.number(),
  importantCustomers: z.record(z.string(), z.unknown()),
  needsByNumber: z.record(z.string(), z.unknown()),
}).strict();

/** Validates a snapshot received from elsewhere (a broadcast, a stored what-if run). */
export function parseSnapshot(value: unknown): RoutingSnapshot {
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) throw invalidSnapshot(describeIssues(envelope.error.issues));
  const { version, changedBy, change, queues, ...rest } = envelope.data;
  const routing = tiersConfigSchema.safeParse(rest);
  const parsedQueues = queuesConfigSchema.safeParse(queues);
  const issues = [
    ...(routing.success ? [] : describeIssues(routing.error.issues)),
    ...(parsedQueues.success ? [] : describeIssues(parsedQueues.error.issues, 'queues')),
  ];
  if (!routing.success || !parsedQueues.success) throw invalidSnapshot(issues);
  return buildSnapshot({ version, changedBy, change, routing: routing.data, queues: parsedQueues.data });
}

function invalidSnapshot(issues: { field: string; message: string }[]): ValidationError {
  return new ValidationError(
    `invalid routing snapshot: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    { issues },
  );
}
