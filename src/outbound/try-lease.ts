import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { luaScripts } from '../infra/lua-scripts.js';

const readLua = luaScripts('outbound/lua');

/**
 * Who is working an outbound try (a callback offer's dial, a survey's dial) right now.
 *
 * A BullMQ job lock says which worker runs a job, but it lapses when the
 * worker cannot renew it in time — an event loop starved by a busy machine,
 * Redis stalled for longer than the lock — and BullMQ then hands the job to
 * another worker while the first still dials. Taking over a try means hanging
 * up its legs, so a job run again must know whether the try's owner is dead
 * or merely slow. Every run takes the try's lease before anything else,
 * renews it while it works and lets it go when done; a run finding it held
 * waits (its job comes back when the lease would lapse), so another run takes
 * the try over only once its owner has said nothing for the whole lease —
 * far longer than a job lock.
 *
 * An owner that comes back after losing its lease finds out before its next
 * step on the line (`held()`; a claim script can check `fence` in the same
 * step as the claim), and leaves the try to the run that took it over. The
 * try itself is never dialled twice whatever the timing: its leg id is fixed
 * by its claim and only the claiming run originates it.
 */
export class TryLeases {
  constructor(
    private readonly redis: Redis,
    /** Lease keys are `<base>:lease:<try>`. */
    private readonly base: string,
    readonly leaseMs: number,
  ) {
    for (const [name, file] of [['outboundLeaseTake', 'lease-take.lua'], ['outboundLeaseRenew', 'lease-renew.lua'], ['outboundLeaseRelease', 'lease-release.lua']] as const) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua: readLua(file) });
    }
  }

  key(tryId: string): string {
    return `${this.base}:lease:${tryId}`;
  }

  /** Takes the try's lease for a run: the lease held (and renewed from now on), or how long another run still holds it. */
  async takeOver(tryId: string): Promise<{ lease: TryLease } | { heldForMs: number }> {
    const token = randomUUID();
    const left = await this.call<number>('outboundLeaseTake', this.key(tryId), token, String(this.leaseMs));
    if (left > 0) return { heldForMs: left };
    return { lease: new TryLease(this, this.key(tryId), token) };
  }

  /** @internal */
  call<T>(command: string, ...args: string[]): Promise<T> {
    return (this.redis as unknown as Record<string, (...a: string[]) => Promise<T>>)[command]!.call(this.redis, ...args);
  }
}

/** A held lease: renewed every third of its length until released or lost. */
export class TryLease {
  private lost = false;
  private timer: NodeJS.Timeout | null;

  constructor(private readonly leases: TryLeases, readonly key: string, readonly token: string) {
    // Real time on purpose: the lease lapses in Redis's time, whatever clock the service runs on.
    this.timer = setInterval(() => void this.renew().catch(() => {}), Math.max(50, Math.floor(leases.leaseMs / 3)));
    this.timer.unref();
  }

  /** What a claim script compares to know the run claiming still holds the try. */
  get fence(): { key: string; token: string } {
    return { key: this.key, token: this.token };
  }

  /** True while this run still holds the try (checked in Redis, and renewed). */
  async held(): Promise<boolean> {
    if (this.lost) return false;
    return this.renew();
  }

  /** Stops renewing and frees the try for whoever comes next. */
  async release(): Promise<void> {
    this.stop();
    if (!this.lost) await this.leases.call<number>('outboundLeaseRelease', this.key, this.token).catch(() => 0);
  }

  /** Stops renewing without freeing (the service stopping: the next run takes over once it lapses). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async renew(): Promise<boolean> {
    if (this.lost) return false;
    const ok = (await this.leases.call<number>('outboundLeaseRenew', this.key, this.token, String(this.leases.leaseMs))) === 1;
    if (!ok) {
      this.lost = true;
      this.stop();
    }
    return ok;
  }
}
