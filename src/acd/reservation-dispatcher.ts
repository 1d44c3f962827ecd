import type { AcdContext } from './acd-context.js';
import type { AcdEvents } from './acd-events.js';
import type { CallConnector } from './call-connector.js';
import type { LiveCall } from './live-call.js';
import type { Reservation } from './redis-acd-store.js';
import { waitSwitchReady } from './wait-switch-ready.js';

export interface ReservationDispatcherDeps {
  ctx: AcdContext;
  connector: CallConnector;
  events: AcdEvents;
  /** Whether the ACD is started (not stopped). */
  running: () => boolean;
  /** Whether the calls of a previous run have been recovered. */
  recovered: () => boolean;
}

/**
 * Rings the agent an assignment script reserved for one of this instance's
 * calls — or releases what cannot be served. Reservations for calls a
 * previous run left wait for the recovery; while the switch connection is not
 * ready, reservations are kept and rung once it is (see `holdUntilReady`).
 */
export class ReservationDispatcher {
  private readonly ctx: AcdContext;
  /** Reservations for our calls that came before the recovery. */
  private deferred: Reservation[] = [];
  /** Agents reserved for our calls while the switch connection was not ready. */
  private held: { call: string; agent: string }[] = [];
  private heldFlush: Promise<void> | null = null;

  constructor(private readonly deps: ReservationDispatcherDeps) {
    this.ctx = deps.ctx;
  }

  /** A script run by this instance reserved an agent for one of our calls: ring them now. */
  dispatch(reservation: Reservation): void {
    this.deps.events.agentReserved(reservation.agent, reservation.call);
    const live = this.ctx.lives.get(reservation.call);
    if (!live && !this.deps.recovered()) {
      // One of the calls a previous run left: ring once it is recovered (or close it then).
      this.deferred.push(reservation);
      return;
    }
    if (live && live.phase === 'waiting' && !live.callerGone && live.leaving === null) {
      if (!this.ctx.switches.controlOf(live.call).ready) this.holdUntilReady(reservation.call, reservation.agent);
      else this.deps.connector.offer(live, reservation);
      return;
    }
    void this.unservable(reservation.call, live).catch((err: unknown) => this.ctx.logger.error({ err, callId: reservation.call }, 'releasing an unservable reservation failed'));
  }

  /** After the recovery: the reservations that came before it, rung if still reserved. */
  async dispatchDeferred(): Promise<void> {
    for (const r of this.deferred.splice(0)) await this.offerReserved(r.call, r.agent, true);
  }

  /** Rings `agentId` for our call if the call is still reserved for them; releases what cannot be served. */
  async offerReserved(callId: string, agentId: string, announce: boolean): Promise<void> {
    const { ctx } = this;
    const rec = await ctx.store.getCall(callId);
    if (!rec || rec.state !== 'reserved' || rec.agent !== agentId) return;
    const live = ctx.lives.get(callId);
    const agent = await ctx.store.getAgent(agentId);
    if (live && agent && live.phase === 'waiting' && !live.callerGone && live.leaving === null) {
      if (announce) this.deps.events.agentReserved(agent.id, rec.id);
      if (!ctx.switches.controlOf(live.call).ready) this.holdUntilReady(rec.id, agent.id);
      else this.deps.connector.offer(live, { call: rec.id, agent: agent.id, dial: agent.dial, ...(agent.switch ? { switch: agent.switch } : {}), version: agent.version });
    } else {
      await this.unservable(callId, live);
    }
  }

  /** A reservation for a call we cannot ring (its caller left, or it is not live here). */
  private async unservable(callId: string, live: LiveCall | undefined): Promise<void> {
    const { ctx } = this;
    if (live) {
      if (live.phase === 'waiting') await this.deps.connector.finishUnserved(live);
      else ctx.logger.error({ callId, phase: live.phase }, 'agent reserved for a call that is already being offered');
      return;
    }
    const rec = await ctx.store.getCall(callId);
    if (rec && rec.owner === ctx.store.instanceId && (rec.state === 'reserved' || rec.state === 'waiting')) await this.deps.connector.abandonOrphan(rec);
  }

  /**
   * No agent is rung while the switch connection is not ready (events
   * socket down, or our Stasis app taken over by another client): the ring
   * would go out over REST, but the agent's answer, the caller's hang-up and
   * the bridge would never be seen here, so an agent who answers would hear
   * silence and be dropped.
   *
   * Assignment itself cannot be held back: it runs in Redis, on whichever
   * instance frees an agent, for every instance's calls. Giving the agent
   * back (release and requeue) would not help either: the call keeps its
   * place, so the same script reserves the same agent for it again at once.
   * So the reservation is kept: the agent stays reserved for the call the
   * script chose, the one they would be given anyway, and is rung as soon as
   * the connection is ready again, after checking the call is still reserved
   * for them. A caller who hangs up or leaves meanwhile releases the
   * agent without penalty (finishUnserved). If this instance stops first, the
   * reservation stays in Redis and its next start releases it (recovery).
   */
  private holdUntilReady(call: string, agent: string): void {
    if (!this.held.some((h) => h.call === call && h.agent === agent)) this.held.push({ call, agent });
    this.ctx.logger.info({ callId: call, agent }, 'agent reserved while the switch connection is not ready; rung once it is');
    this.flushHeldWhenReady();
  }

  private flushHeldWhenReady(): void {
    this.heldFlush ??= this.offerHeldWhenReady()
      .catch((err: unknown) => this.ctx.logger.error({ err }, 'offering calls held while the switch was not ready failed'))
      .finally(() => {
        this.heldFlush = null;
        // Held while this run was finishing.
        if (this.held.length > 0 && this.deps.running()) this.flushHeldWhenReady();
      });
  }

  private async offerHeldWhenReady(): Promise<void> {
    for (;;) {
      if (!(await waitSwitchReady(this.ctx.callControl, this.ctx.clock, this.deps.running))) return;
      const batch = this.held.splice(0);
      if (batch.length === 0) return;
      for (const { call, agent } of batch) {
        try {
          await this.offerReserved(call, agent, false);
        } catch (err) {
          this.ctx.logger.error({ err, callId: call, agent }, 'offering a held reservation failed');
        }
      }
    }
  }
}
