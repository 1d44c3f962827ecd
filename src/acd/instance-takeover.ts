import type { CallControl } from '../call-control/call-control.js';
import type { Logger } from '../log/logger.js';
import type { RecoveryReport } from './acd-recovery.js';
import type { InstanceInfo, InstanceRegistry } from './instance-registry.js';
import { acrossControls } from './acd-switches.js';

/** A dead instance's Stasis app, registered on this instance's side. */
export interface HeldApp {
  /** Sees the app's channels: the calls taken over are adopted through it. */
  readonly callControl: CallControl;
  /** Channels of the app this instance follows now (callers taken over, new callers). */
  calls(): number;
  /** Unregisters the app (closes its events connection). */
  close(): Promise<void>;
}

export interface InstanceTakeoverOptions {
  registry: InstanceRegistry;
  instanceId: string;
  /** What the other instances learn about this one: its app and its switch. */
  info: InstanceInfo;
  /** How long a lease (and a takeover hold) lasts unless renewed. */
  leaseMs: number;
  /** How often leases and holds are renewed and the other instances looked at. */
  renewMs: number;
  /** Whether this instance takes a dead instance's calls over (it always holds its own lease). */
  takeOver: boolean;
  /** Finishes the calls moved from a dead instance (Acd.takeOver). */
  adopt(from: string, callIds: readonly string[], callControl: CallControl): Promise<RecoveryReport>;
  /** Registers another instance's Stasis app on this instance's connection to the switch (`ari.servers` id; unset: the one switch). */
  openApp(app: string, switchId?: string): Promise<HeldApp>;
  /** A takeover done: for the metrics. */
  onTakeover?(from: string, calls: number): void;
  logger: Logger;
}

interface Hold {
  /** Null until the app is registered and the calls moved and recovered. */
  app: HeldApp | null;
}

/**
 * Keeps this instance's lease and takes over the calls of an instance that
 * died (see docs/architecture.md, "Several instances: leases and takeover"):
 *
 * 1. Every `renewMs` this instance renews its lease (`leaseMs`) and the holds
 *    of the takeovers it did.
 * 2. It looks at every known instance on the same switch: one whose lease
 *    expired while it still owns calls is claimed (one survivor wins: the
 *    hold is a Redis lock, see lua/takeover-claim.lua).
 * 3. The winner registers the dead instance's Stasis app on its own side,
 *    moves the calls' ownership to itself — only while it holds the claim and
 *    the owner is still away — and recovers them exactly as a restart does.
 *    Callers the dialplan still sends to that app are served by this
 *    instance's IVR as its own.
 * 4. Hand-back: once the owner's lease is back, the app is given up at the
 *    first moment no call of this instance is left in it; the owner waits to
 *    register its app until the hold is gone (`ownAppHeld`).
 */
export class InstanceTakeover {
  private readonly holds = new Map<string, Hold>();
  private renewTimer: NodeJS.Timeout | null = null;
  private renewing = false;
  private checking = false;
  private stopped = false;
  private started = false;
  private readonly holdMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: InstanceTakeoverOptions) {
    // A hold outlives a few missed renewals, as a lease does.
    this.holdMs = Math.max(options.leaseMs, 3 * options.renewMs);
    this.logger = options.logger.child({ component: 'takeover', instance: options.instanceId });
  }

  /** Instances whose app this instance holds now. */
  get holding(): string[] {
    return [...this.holds.keys()];
  }

  /** Writes the lease, then keeps it and watches the other instances until stop(). */
  async start(): Promise<void> {
    const { registry, instanceId, leaseMs, renewMs } = this.options;
    if (this.stopped) return;
    this.started = true;
    await registry.holdLease(instanceId, this.leaseInfo(), leaseMs);
    this.renewTimer = setInterval(() => {
      void this.renew();
      void this.check();
    }, renewMs);
  }

  /** Whether a survivor holds this instance's own app: it must not register it yet. */
  async ownAppHeld(): Promise<boolean> {
    return (await this.options.registry.holder(this.options.instanceId)) !== null;
  }

  /** Resolves once no survivor holds this instance's app (polling every `renewMs`); false if stopped first. */
  async ownAppFree(): Promise<boolean> {
    while (!this.stopped) {
      try {
        if (!(await this.ownAppHeld())) return !this.stopped;
      } catch (err) {
        this.logger.warn({ err }, 'could not tell whether another instance holds our app; asking again');
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.renewMs));
    }
    return false;
  }

  /**
   * Drops the lease and gives up the apps held: the calls taken over stay in
   * Redis as this instance's, as its own do.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    // Never started (a start-up that failed before): the lease of this id, if any, is not ours to drop.
    if (!this.started) return;
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
    const { registry, instanceId } = this.options;
    for (const [dead, hold] of this.holds) {
      await hold.app?.close().catch((err: unknown) => this.logger.warn({ err, dead }, 'closing a held app failed'));
      await registry.dropHold(dead, instanceId).catch(() => undefined);
    }
    this.holds.clear();
    await registry.dropLease(instanceId).catch((err: unknown) => this.logger.warn({ err }, 'could not drop the lease'));
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.stopped) return;
    this.renewing = true;
    const { registry, instanceId, leaseMs } = this.options;
    try {
      await registry.holdLease(instanceId, this.leaseInfo(), leaseMs);
      for (const dead of this.holds.keys()) {
        if (!(await registry.renewHold(dead, instanceId, this.holdMs))) {
          this.logger.error({ dead }, 'the takeover hold expired before it was renewed; the owner may register its app while calls taken over are still in it');
        }
      }
    } catch (err) {
      this.logger.warn({ err }, 'renewing the lease failed; trying again');
    } finally {
      this.renewing = false;
    }
  }

  /** One look at the other instances: hand back what their owners came back for, take over the dead. */
  private async check(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      await this.handBack();
      if (this.options.takeOver) await this.takeOverDead();
    } catch (err) {
      this.logger.warn({ err }, 'looking at the other instances failed; trying again');
    } finally {
      this.checking = false;
    }
  }

  private async handBack(): Promise<void> {
    const { registry, instanceId } = this.options;
    for (const [dead, hold] of this.holds) {
      if (!hold.app || !(await registry.leaseAlive(dead))) continue;
      // Counted right before the close, which stops taking new callers at once
      // (no await between): a caller arriving after it finds the app gone and
      // the dialplan sends them on (docs/architecture.md).
      if (hold.app.calls() > 0) continue;
      // Closed before the hold is dropped: the owner registers only once we are gone.
      await hold.app.close();
      await registry.dropHold(dead, instanceId);
      this.holds.delete(dead);
      this.logger.info({ owner: dead }, 'the owner is back and no call is left in its app: app handed back');
    }
  }

  private async takeOverDead(): Promise<void> {
    const { registry, instanceId, info } = this.options;
    const known = await registry.known();
    for (const [id, other] of known) {
      if (this.stopped) return;
      if (id === instanceId || this.holds.has(id) || !servesAllOf(info, other)) continue;
      if ((await registry.claim(id, instanceId, this.holdMs)) !== 'claimed') continue;
      this.holds.set(id, { app: null });
      await this.takeOver(id, other, known);
    }
  }

  /**
   * Takes over a dead instance's calls: its app, and the apps of instances
   * it had itself taken over and still held (their calls moved to it and
   * now move on to us with its own).
   */
  private async takeOver(dead: string, other: InstanceInfo, known: Map<string, InstanceInfo>): Promise<void> {
    const { registry, instanceId } = this.options;
    const started = Date.now();
    const inherited = await registry.inherit(dead, instanceId, this.holdMs, other.held ?? []).catch((err: unknown) => {
      this.logger.error({ err, dead }, 'could not take over the holds of the dead instance; their apps stay unregistered');
      return [] as string[];
    });
    const owners = [dead, ...inherited.filter((id) => known.has(id))];
    for (const id of owners) this.holds.set(id, { app: null });
    const appsOf = owners.map((id) => appsOfInstance(id === dead ? other : known.get(id)!));
    const appNames = appsOf.flat().map((a) => a.app);
    this.logger.warn({ dead, apps: appNames }, 'an instance died with calls: taking them over');
    const opened: HeldApp[] = [];
    const giveUp = async (): Promise<void> => {
      for (const app of opened) await app.close().catch(() => undefined);
      for (const id of owners) {
        this.holds.delete(id);
        await registry.dropHold(id, instanceId).catch(() => undefined);
      }
    };
    try {
      for (const apps of appsOf) {
        const parts: HeldApp[] = [];
        try {
          for (const a of apps) parts.push(await this.options.openApp(a.app, a.switchId));
        } catch (err) {
          for (const part of parts) await part.close().catch(() => undefined);
          throw err;
        }
        opened.push(parts.length === 1 ? parts[0]! : heldTogether(parts));
      }
    } catch (err) {
      this.logger.error({ err, dead, apps: appNames }, 'could not register the dead instance\'s apps; another instance may try');
      await giveUp();
      return;
    }
    const moved = await registry.move(dead, instanceId).catch((err: unknown) => {
      this.logger.error({ err, dead }, 'moving the calls failed');
      return { kind: 'lost' } as const;
    });
    if (moved.kind !== 'moved') {
      this.logger.warn({ dead, why: moved.kind }, moved.kind === 'alive' ? 'the owner came back before its calls moved: it recovers them itself' : 'the takeover hold was lost before the calls moved');
      await giveUp();
      return;
    }
    try {
      const report = await this.options.adopt(dead, moved.calls, acrossControls(opened.map((app) => app.callControl)));
      this.logger.warn(
        { dead, calls: moved.calls.length, adopted: report.adopted.length, closed: report.closed.length, tookMs: Date.now() - started },
        'calls of a dead instance taken over',
      );
    } catch (err) {
      this.logger.error({ err, dead }, 'recovering calls taken over failed');
    }
    for (const [i, id] of owners.entries()) this.holds.set(id, { app: opened[i]! });
    this.options.onTakeover?.(dead, moved.calls.length);
  }

  /** The lease's content: what this instance is, and whose apps it holds. */
  private leaseInfo(): InstanceInfo {
    const held = [...this.holds].filter(([, hold]) => hold.app !== null).map(([id]) => id);
    return held.length ? { ...this.options.info, held } : this.options.info;
  }
}

/**
 * Whether `me` serves every switch the other instance served: with switch
 * ids, each of its switches by id and URL; an instance of one switch without
 * ids, the same ARI URL.
 */
function servesAllOf(me: InstanceInfo, other: InstanceInfo): boolean {
  if (!other.switches || !me.switches) return other.ariUrl === me.ariUrl;
  return Object.entries(other.switches).every(([id, s]) => me.switches![id]?.url === s.url);
}

/** An instance's apps, one per switch it served. */
function appsOfInstance(info: InstanceInfo): { app: string; switchId?: string }[] {
  if (!info.switches) return [{ app: info.app }];
  return Object.entries(info.switches).map(([switchId, s]) => ({ app: s.app, switchId }));
}

/** The apps of one dead instance on several switches, held, counted and given back as one. */
function heldTogether(parts: readonly HeldApp[]): HeldApp {
  return {
    callControl: acrossControls(parts.map((p) => p.callControl)),
    calls: () => parts.reduce((n, p) => n + p.calls(), 0),
    close: async () => {
      for (const p of parts) await p.close();
    },
  };
}
