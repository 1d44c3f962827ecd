import type { Redis } from 'ioredis';
import { subscribeChannels } from '../infra/redis-subscriber.js';
import { actorLabel, AuditLog, type AuditActor, type AuditRecord } from '../auth/audit-log.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { RoutingPolicy } from '../routing/routing-policy.js';
import { buildSnapshot, parseSnapshot, routingOf, type RoutingSnapshot } from '../routing/routing-snapshot.js';
import { commitScript } from './commit-script.js';
import { RoutingConflictError } from './routing-conflict-error.js';
import { systemClock, type Clock } from '../time/clock.js';

/** A change asked for through the supervisor API. */
export type RoutingCommit =
  | { kind: 'queue'; id: string; patch: unknown }
  | { kind: 'tier'; id: string; patch: unknown }
  | { kind: 'rollback'; version: number };

export interface CommitResult {
  /** False when the change left the routing as it was (no new version, nothing audited). */
  changed: boolean;
  /** The queue or tier before and after; the whole routing for a rollback. */
  before: unknown;
  after: unknown;
  snapshot: RoutingSnapshot;
  /** Id of the audit entry written; null when nothing changed. */
  auditId: string | null;
}

export interface RoutingVersionInfo {
  version: number;
  changedBy: string;
  change: string;
  /** When the version was committed (ms since the epoch). */
  at: number;
}

export interface PolicySyncOptions {
  /** For commands. */
  redis: Redis;
  /** For SUBSCRIBE, which takes a connection to itself; default: a duplicate of `redis`. */
  subscriber?: Redis;
  keyPrefix: string;
  policy: RoutingPolicy;
  audit: AuditLog;
  /** The same checks as the policy's own `validate` option, run before a change is committed. */
  validate?: (candidate: RoutingSnapshot) => void;
  logger: Logger;
  /** Versions kept for rollback. Default 50. */
  historyLimit?: number;
  /** Where a change's time is read; the wall clock by default. */
  clock?: Clock;
}

interface StoredEntry {
  at: number;
  snapshot: RoutingSnapshot;
}

/**
 * Keeps the routing of every service instance the same while supervisors
 * tune it. The routing in force is stored in Redis with its version; a change
 * is computed from it, checked like the policy checks it, and committed with
 * a compare-and-set on the version (lua/commit.lua) that also writes the audit
 * entry and publishes the new snapshot. Every instance applies what is
 * published, and RoutingPolicy.apply ignores what is not newer than what it
 * has, so late or repeated messages do no harm.
 *
 * At start the routing stored in Redis wins over the configuration files when
 * it is newer: run-time changes survive restarts. All run-time changes must go
 * through `commit`; a change made on the RoutingPolicy directly would stay on
 * one instance.
 */
export class PolicySync {
  private readonly redis: Redis;
  private subscriber: Redis | null = null;
  private readonly ownsSubscriber: boolean;
  private readonly keys: { version: string; current: string; history: string };
  private readonly channel: string;
  private readonly historyLimit: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private commits: Promise<unknown> = Promise.resolve();
  private started = false;

  constructor(private readonly options: PolicySyncOptions) {
    this.redis = options.redis;
    this.ownsSubscriber = options.subscriber === undefined;
    const base = `${options.keyPrefix}:routing`;
    this.keys = { version: `${base}:version`, current: `${base}:current`, history: `${base}:history` };
    this.channel = `${base}:changes`;
    this.historyLimit = options.historyLimit ?? 50;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
  }

  /** Subscribes to other instances' changes, then takes the routing in force (or stores this one if there is none). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const owned = this.options.subscriber ? null : subscribeChannels(this.redis, [this.channel], (err) => {
      this.logger.warn({ err: err.message }, 'subscribing to routing change notices failed; trying again when the connection is back');
    });
    const subscriber = this.options.subscriber ?? owned!.connection;
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    let connectedOnce = false;
    let interrupted = false;
    // Without a listener an error event of this connection would be unhandled.
    // It retries by itself: said once per interruption, not once per retry.
    subscriber.on('error', (err: Error) => {
      if (interrupted) return;
      interrupted = true;
      this.logger.warn({ err: err.message }, 'routing change notices interrupted; the routing in force is read again when they return');
    });
    subscriber.on('ready', () => {
      // Messages published while the subscription was down are lost: read what is in force.
      if (connectedOnce) void this.reconcile().catch((err) => this.logger.warn({ err }, 'routing resync after reconnect failed'));
      connectedOnce = true;
      interrupted = false;
    });
    if (owned) await owned.subscribed;
    else await subscriber.subscribe(this.channel);
    connectedOnce = true;
    await this.reconcile();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.commits.catch(() => undefined);
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (!subscriber) return;
    if (this.ownsSubscriber) subscriber.disconnect();
    else await subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  /**
   * Validates, audits, stores and broadcasts one change. Commits of this
   * instance run one at a time; a change committed by another instance since
   * this one last read the routing is answered with RoutingConflictError.
   */
  commit(change: RoutingCommit, actor: AuditActor): Promise<CommitResult> {
    const run = this.commits.catch(() => undefined).then(() => this.commitNow(change, actor));
    this.commits = run;
    return run;
  }

  /** The versions kept for rollback, newest first. */
  async versions(): Promise<RoutingVersionInfo[]> {
    const entries = await this.redis.hvals(this.keys.history);
    const out: RoutingVersionInfo[] = [];
    for (const text of entries) {
      const entry = parseEntry(text);
      if (entry) out.push({ version: entry.snapshot.version, changedBy: entry.snapshot.changedBy, change: entry.snapshot.change, at: entry.at });
    }
    return out.sort((a, b) => b.version - a.version);
  }

  private async commitNow(change: RoutingCommit, actor: AuditActor): Promise<CommitResult> {
    await this.reconcile();
    const base = this.options.policy.snapshot();
    const who = actorLabel(actor);
    const planned = await this.plan(change, base, who);
    if (!planned.changed) return { changed: false, before: planned.before, after: planned.after, snapshot: base, auditId: null };
    const next = buildSnapshot({
      version: base.version + 1,
      changedBy: who,
      change: planned.label,
      routing: routingOf(planned.content),
      queues: planned.content.queues,
    });
    const at = this.clock.now();
    const audit: AuditRecord = {
      at, actor, action: planned.action, target: planned.target, before: planned.before, after: planned.after, routingVersion: next.version,
    };
    const result = await this.store(base.version, { at, snapshot: next }, AuditLog.encode(audit));
    if (!result.ok) {
      await this.reconcile();
      throw new RoutingConflictError(base.version, result.inForce);
    }
    this.options.policy.apply(next);
    return { changed: true, before: planned.before, after: planned.after, snapshot: next, auditId: result.auditId };
  }

  /** The routing a change leads to, checked on a scratch policy so that nothing is installed before the commit succeeds. */
  private async plan(change: RoutingCommit, base: RoutingSnapshot, who: string): Promise<{
    changed: boolean; content: RoutingSnapshot; before: unknown; after: unknown; label: string; action: string; target: string | null;
  }> {
    if (change.kind === 'rollback') {
      const text = await this.redis.hget(this.keys.history, String(change.version));
      const entry = text === null ? null : parseEntry(text);
      if (!entry) throw new NotFoundError('routing-version', String(change.version));
      const content = this.scratch(entry.snapshot).snapshot();
      return {
        changed: !sameContent(base, content),
        content,
        before: routingContent(base),
        after: routingContent(content),
        label: `rollback to version ${change.version}`,
        action: 'routing.rollback',
        target: null,
      };
    }
    const scratch = this.scratch(base);
    const initial = scratch.snapshot().version;
    const result = change.kind === 'queue'
      ? scratch.patchQueue(change.id, change.patch, who)
      : scratch.patchTier(change.id, change.patch, who);
    return {
      changed: result.snapshot.version !== initial,
      content: result.snapshot,
      before: result.before,
      after: result.after,
      label: `${change.kind} ${change.id}`,
      action: `${change.kind}.update`,
      target: change.id,
    };
  }

  private scratch(from: RoutingSnapshot): RoutingPolicy {
    return new RoutingPolicy(
      { routing: routingOf(from), queues: from.queues },
      { historyLimit: 2, ...(this.options.validate ? { validate: this.options.validate } : {}) },
    );
  }

  /**
   * Brings this instance and Redis into line: takes a newer stored routing,
   * stores this instance's when Redis has none (first start, or Redis lost
   * its data), and re-issues the stored one under a new version when this
   * instance started with a different routing under the same version.
   */
  private async reconcile(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.load();
      const local = this.options.policy.snapshot();
      if (stored && stored.snapshot.version > local.version) {
        this.options.policy.apply(stored.snapshot);
        this.logger.info({ version: stored.snapshot.version, changedBy: stored.snapshot.changedBy }, 'routing in force taken from Redis');
        return;
      }
      if (stored && stored.snapshot.version === local.version && sameContent(stored.snapshot, local)) return;
      let next: RoutingSnapshot;
      if (stored && stored.snapshot.version === local.version) {
        this.logger.warn({ version: local.version }, "this instance's routing differs from the one in force under the same version; taking the one in force");
        next = buildSnapshot({
          version: local.version + 1, changedBy: stored.snapshot.changedBy, change: `${stored.snapshot.change} (re-issued)`,
          routing: routingOf(stored.snapshot), queues: stored.snapshot.queues,
        });
      } else {
        if (stored) this.logger.warn({ stored: stored.snapshot.version, local: local.version }, 'Redis holds an older routing than this instance; storing this one');
        next = local;
      }
      const result = await this.store(stored?.snapshot.version ?? 0, { at: this.clock.now(), snapshot: next }, '');
      if (result.ok) {
        if (next !== local) this.options.policy.apply(next);
        return;
      }
    }
    throw new Error('the routing in Redis kept changing while this instance read it');
  }

  private async load(): Promise<StoredEntry | null> {
    const text = await this.redis.get(this.keys.current);
    if (text === null) return null;
    const entry = parseEntry(text);
    if (!entry) this.logger.error({ key: this.keys.current }, 'the routing stored in Redis is unreadable; it will be replaced');
    return entry;
  }

  private async store(expected: number, entry: StoredEntry, audit: string): Promise<{ ok: true; auditId: string | null } | { ok: false; inForce: number }> {
    const reply = await this.redis.eval(
      commitScript(), 4, this.keys.version, this.keys.current, this.keys.history, this.options.audit.key,
      String(expected), String(entry.snapshot.version), JSON.stringify(entry), audit, this.channel,
      String(this.historyLimit), String(this.options.audit.maxEntries),
    ) as [number, number, string?];
    if (reply[0] === 1) return { ok: true, auditId: reply[2] ? reply[2] : null };
    return { ok: false, inForce: reply[1] };
  }

  private receive(message: string): void {
    const entry = parseEntry(message);
    if (!entry) {
      this.logger.warn({ channel: this.channel }, 'unreadable routing change received; ignored');
      return;
    }
    try {
      if (this.options.policy.apply(entry.snapshot)) {
        this.logger.info({ version: entry.snapshot.version, changedBy: entry.snapshot.changedBy, change: entry.snapshot.change }, 'routing change applied from Redis');
      }
    } catch (err) {
      this.logger.error({ err, version: entry.snapshot.version }, 'routing change from Redis refused');
    }
  }
}

function parseEntry(text: string): StoredEntry | null {
  try {
    const value = JSON.parse(text) as { at?: unknown; snapshot?: unknown };
    if (typeof value?.at !== 'number') return null;
    return { at: value.at, snapshot: parseSnapshot(value.snapshot) };
  } catch {
    return null;
  }
}

function routingContent(snapshot: RoutingSnapshot): Omit<RoutingSnapshot, 'version' | 'changedBy' | 'change'> {
  const { version: _v, changedBy: _c, change: _ch, ...content } = snapshot;
  return content;
}

function sameContent(a: RoutingSnapshot, b: RoutingSnapshot): boolean {
  return JSON.stringify(routingContent(a)) === JSON.stringify(routingContent(b));
}
