import type { Bridge, Call } from '../call-control/call-control.js';
import { AppError } from '../errors.js';
import type { TierId } from '../customers/customer.js';
import type { OverflowPlan } from '../routing/types.js';
import type { CallSettlement, QueuedCallEvent } from './call-queue.js';

/**
 * What this instance holds in memory for a call it owns (its caller is in our
 * Stasis app): the switch objects, the local phase, and the promise the IVR
 * follows. The Redis record is the shared truth; the phase only says which
 * local flow is driving the call right now, so that a hang-up or a `leave`
 * reaches the flow that must finish it.
 */
export type LivePhase = 'waiting' | 'offering' | 'bridged' | 'done';

export interface Offer {
  agent: string;
  abort: AbortController;
  /** Resolves when the offer flow is over, whatever its outcome. */
  done: Promise<void>;
}

/** A local flow tried a phase change the call's life does not allow: a programming error. */
export class IllegalCallPhaseError extends AppError {
  constructor(callId: string, from: LivePhase, to: LivePhase) {
    super(500, 'illegal-call-phase', `call ${callId} cannot go from ${from} to ${to}`, { callId, from, to });
  }
}

/**
 * The phase changes a live call makes: waiting → offering (an agent is rung)
 * → waiting again (the agent did not take it) or bridged (the agent
 * answered); waiting → bridged when a restart finds the call already
 * talking. Any phase may end (done), and done is final: a flow still running
 * when the ACD stopped and closed the call does not bring it back.
 */
export class LiveCall {
  private currentPhase: LivePhase = 'waiting';
  callerGone = false;
  /** Set by `leave`: the reason the call is being taken out. */
  leaving: string | null = null;
  offer: Offer | null = null;
  agentId: string | null = null;
  agentCall: Call | null = null;
  bridge: Bridge | null = null;
  answeredAt: number | null = null;
  /** Music on hold being started (awaited before it is stopped). */
  moh: Promise<void> | null = null;
  /**
   * True from the moment an answered agent is being put through until the
   * call is back in the queue: music started now would play into the bridge.
   */
  connecting = false;
  /** The overflow plan of the route decision, and whether reaching it was recorded. */
  overflow: OverflowPlan | null = null;
  overflowRecorded = false;
  /** The flow finishing an unserved call, so two triggers run it once. */
  finishing: Promise<void> | null = null;
  readonly settled: Promise<CallSettlement>;
  /** How the call settled, once it has. */
  settlement: CallSettlement | null = null;
  private resolveSettled!: (settlement: CallSettlement) => void;
  private readonly listeners = new Set<(event: QueuedCallEvent) => void>();
  private readonly cleanups: (() => void)[] = [];

  constructor(
    readonly id: string,
    readonly call: Call,
    readonly queue: string,
    readonly tier: TierId,
    readonly enqueuedAt: number,
    readonly arrivedAt: number,
    /** Channel variables for the agent's leg (never the service password). */
    readonly variables: Readonly<Record<string, string>>,
  ) {
    this.settled = new Promise((resolve) => {
      this.resolveSettled = resolve;
    });
  }

  /** Which local flow drives the call now; changed only through the methods below. */
  get phase(): LivePhase {
    return this.currentPhase;
  }

  /** An agent is being rung for the waiting call. */
  startOffer(offer: Offer): boolean {
    if (!this.moveTo('offering', ['waiting'])) return false;
    this.offer = offer;
    this.agentId = offer.agent;
    return true;
  }

  /** The offer is over without an agent (or the call is taken back from it): it waits again. */
  backToWaiting(): boolean {
    return this.moveTo('waiting', ['offering', 'waiting']);
  }

  /** The agent answered and the call is bridged to them. */
  answered(): boolean {
    return this.moveTo('bridged', ['offering']);
  }

  /** A restart found the call already bridged to its agent. */
  rejoinedBridge(): boolean {
    return this.moveTo('bridged', ['waiting']);
  }

  /** The call is over for the ACD (from any phase). */
  done(): void {
    this.currentPhase = 'done';
  }

  /** False when the call is already over; throws on a change no flow makes. */
  private moveTo(to: LivePhase, from: readonly LivePhase[]): boolean {
    if (this.currentPhase === 'done') return false;
    if (!from.includes(this.currentPhase)) throw new IllegalCallPhaseError(this.id, this.currentPhase, to);
    this.currentPhase = to;
    return true;
  }

  get callerNumber(): string {
    return this.call.callerNumber;
  }

  settle(settlement: CallSettlement): boolean {
    if (this.settlement) return false;
    this.settlement = settlement;
    this.resolveSettled(settlement);
    return true;
  }

  onEvent(listener: (event: QueuedCallEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: QueuedCallEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  addCleanup(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /** The call is over for the ACD: listeners and watchers go. */
  close(): void {
    this.done();
    for (const fn of this.cleanups.splice(0)) fn();
    this.listeners.clear();
  }
}
