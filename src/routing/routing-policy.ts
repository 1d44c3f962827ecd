import type { DeepReadonly } from '../config/load-config.js';
import { ConfigError, NotFoundError, ValidationError } from '../errors.js';
import { describeIssues, type FieldIssue } from './describe-issues.js';
import { isPlainObject, mergeDefaults } from './merge-defaults.js';
import { queuesConfigSchema, type QueuesConfig } from './queues-config.js';
import type { QueueSettings } from './queue-settings.js';
import { buildSnapshot, parseSnapshot, routingOf, type RoutingSnapshot } from './routing-snapshot.js';
import type { TierPolicy } from './tier-policy.js';
import { TIER_IDS } from './tier-rank.js';
import { tiersConfigSchema, type TiersConfig } from './tiers-config.js';
import type { TierId } from './types.js';

export interface RoutingConfig {
  /** The `routing:` section (config/tiers.yaml). */
  routing: DeepReadonly<TiersConfig>;
  /** The `queues:` section (config/queues.yaml). */
  queues: DeepReadonly<QueuesConfig>;
}

export interface RoutingPolicyOptions {
  /**
   * Checks beyond the schemas, run on every candidate before it becomes
   * current (e.g. that prompts and menu flows exist). Throw a ValidationError
   * to refuse the change.
   */
  validate?: (candidate: RoutingSnapshot) => void;
  /** How many versions are kept for rollback (default 50). */
  historyLimit?: number;
  /**
   * Receives errors thrown by change listeners. Without it they are rethrown
   * once every listener has run (the change itself stands).
   */
  onListenerError?: (error: unknown) => void;
}

export interface RoutingChange {
  kind: 'tier' | 'queue' | 'rollback' | 'apply';
  /** Tier or queue id for kind tier/queue; null otherwise. */
  target: string | null;
  actor: string;
  before: RoutingSnapshot;
  after: RoutingSnapshot;
}

export interface PatchResult<T> {
  before: DeepReadonly<T>;
  after: DeepReadonly<T>;
  /** Current snapshot after the patch (unchanged, same version, when the patch changed nothing). */
  snapshot: RoutingSnapshot;
}

export type RoutingChangeListener = (change: RoutingChange) => void;

/**
 * The tiers and queues in force on this instance, tunable while calls flow.
 * Every change is validated with the configuration schemas, produces a new
 * immutable versioned snapshot, and is announced to listeners (the audit log
 * and the broadcast to other instances). Calls read `snapshot()` when they are
 * routed, so a change affects the next call only.
 */
export class RoutingPolicy {
  private current: RoutingSnapshot;
  private readonly history = new Map<number, RoutingSnapshot>();
  private readonly listeners = new Set<RoutingChangeListener>();
  private readonly historyLimit: number;

  constructor(config: RoutingConfig, private readonly options: RoutingPolicyOptions = {}) {
    this.historyLimit = options.historyLimit ?? 50;
    if (!Number.isInteger(this.historyLimit) || this.historyLimit < 1) {
      throw new ConfigError(`historyLimit must be a positive integer, got ${options.historyLimit}`);
    }
    const routing = tiersConfigSchema.safeParse(config.routing);
    const queues = queuesConfigSchema.safeParse(config.queues);
    if (!routing.success || !queues.success) {
      const issues = [
        ...(routing.success ? [] : describeIssues(routing.error.issues, 'routing')),
        ...(queues.success ? [] : describeIssues(queues.error.issues, 'queues')),
      ];
      throw new ConfigError(`invalid routing configuration: ${joinIssues(issues)}`, { issues });
    }
    const initial = buildSnapshot({ version: 1, changedBy: 'config', change: 'configuration', routing: routing.data, queues: queues.data });
    options.validate?.(initial);
    this.current = initial;
    this.remember(initial);
  }

  /** The policy in force now; keep it for the whole routing of one call. */
  snapshot(): RoutingSnapshot {
    return this.current;
  }

  /** Past versions still available to rollback, oldest first. */
  versions(): { version: number; changedBy: string; change: string }[] {
    return [...this.history.values()].map(({ version, changedBy, change }) => ({ version, changedBy, change }));
  }

  /** Changes some fields of one tier (nested objects merge: `{serviceLevelTarget: {percent: 92}}`). */
  patchTier(id: string, patch: unknown, actor: string): PatchResult<TierPolicy> {
    if (!isTierId(id)) throw new NotFoundError('tier', id);
    const before = this.current.tiers[id];
    checkPatch(patch);
    const routing = routingOf(this.current);
    const parsed = tiersConfigSchema.safeParse({ ...routing, tiers: { ...routing.tiers, [id]: mergeDefaults(before, patch) } });
    if (!parsed.success) throw invalidPatch(`tier ${id}`, describeIssues(parsed.error.issues));
    const after = this.commit('tier', id, actor, parsed.data, this.current.queues);
    return { before, after: after.tiers[id], snapshot: after };
  }

  /** Changes some fields of one queue (nested objects merge: `{announce: {position: false}}`). */
  patchQueue(id: string, patch: unknown, actor: string): PatchResult<QueueSettings> {
    const before = Object.hasOwn(this.current.queues, id) ? this.current.queues[id] : undefined;
    if (before === undefined) throw new NotFoundError('queue', id);
    checkPatch(patch);
    const candidate = { ...this.current.queues, [id]: mergeDefaults(before, patch) };
    const parsed = queuesConfigSchema.safeParse(candidate);
    if (!parsed.success) throw invalidPatch(`queue ${id}`, describeIssues(parsed.error.issues, 'queues'));
    const after = this.commit('queue', id, actor, routingOf(this.current), parsed.data);
    return { before, after: after.queues[id]!, snapshot: after };
  }

  /** Makes an earlier version current again, as a new version (history is never rewritten). */
  rollback(version: number, actor = 'system'): { before: RoutingSnapshot; after: RoutingSnapshot } {
    const target = this.history.get(version);
    if (target === undefined) throw new NotFoundError('routing-version', String(version));
    const before = this.current;
    const after = buildSnapshot({
      version: before.version + 1,
      changedBy: actor,
      change: `rollback to version ${version}`,
      routing: routingOf(target),
      queues: target.queues,
    });
    if (sameContent(before, after)) return { before, after: before };
    this.install('rollback', null, actor, after);
    return { before, after };
  }

  /**
   * Takes a snapshot made by another instance. Returns false, changing
   * nothing, when this instance already has that version or a later one (an
   * echo of its own change, or a broadcast arriving late).
   */
  apply(snapshot: unknown): boolean {
    const incoming = parseSnapshot(snapshot);
    if (incoming.version <= this.current.version) return false;
    this.install('apply', null, incoming.changedBy, incoming);
    return true;
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: RoutingChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(
    kind: 'tier' | 'queue',
    target: string,
    actor: string,
    routing: DeepReadonly<TiersConfig>,
    queues: DeepReadonly<QueuesConfig>,
  ): RoutingSnapshot {
    const before = this.current;
    const after = buildSnapshot({ version: before.version + 1, changedBy: actor, change: `${kind} ${target}`, routing, queues });
    if (sameContent(before, after)) return before;
    this.install(kind, target, actor, after);
    return after;
  }

  private install(kind: RoutingChange['kind'], target: string | null, actor: string, after: RoutingSnapshot): void {
    // The audit trail and other instances need to know who changed routing.
    if (actor.trim() === '') throw new ValidationError('a routing change must name who makes it', { field: 'actor' });
    this.options.validate?.(after);
    const before = this.current;
    this.current = after;
    this.remember(after);
    const errors: unknown[] = [];
    for (const listener of [...this.listeners]) {
      try {
        listener({ kind, target, actor, before, after });
      } catch (error) {
        if (this.options.onListenerError) this.options.onListenerError(error);
        else errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'routing change listeners failed');
  }

  private remember(snapshot: RoutingSnapshot): void {
    this.history.set(snapshot.version, snapshot);
    for (const version of this.history.keys()) {
      if (this.history.size <= this.historyLimit) break;
      this.history.delete(version);
    }
  }
}

function isTierId(id: string): id is TierId {
  return (TIER_IDS as readonly string[]).includes(id);
}

function checkPatch(patch: unknown): asserts patch is Record<string, unknown> {
  if (!isPlainObject(patch)) throw new ValidationError('a patch must be an object of the fields to change', { issues: [] });
  if (Object.keys(patch).length === 0) throw new ValidationError('the patch names no field to change', { issues: [] });
}

function invalidPatch(what: string, issues: FieldIssue[]): ValidationError {
  return new ValidationError(`invalid change to ${what}: ${joinIssues(issues)}`, { issues });
}

function joinIssues(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('; ');
}

function sameContent(a: RoutingSnapshot, b: RoutingSnapshot): boolean {
  const strip = ({ version: _v, changedBy: _c, change: _ch, ...rest }: RoutingSnapshot) => rest;
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
