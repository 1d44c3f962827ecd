import type { Conversations } from '../acd/conversation-recorder.js';
import type { TryLeases } from '../outbound/try-lease.js';
import type { Clock } from '../time/clock.js';
import type { VirtualCalls } from '../acd/virtual-calls.js';
import type { CallControl } from '../call-control/call-control.js';
import type { CallEvent } from '../call-records/call-event.js';
import type { Logger } from '../log/logger.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { Callback } from './callback.js';
import type { CallbackStore } from './callback-store.js';
import type { CallbacksConfig } from './callbacks-config.js';
import type { QuietHours } from '../time/quiet-hours.js';
import type { TimedJobData, TimedJobs } from '../outbound/timed-jobs.js';

/** A timer of one callback: acts only if the callback is still at generation `gen`. */
export interface WakeJob extends TimedJobData {
  callbackId: string;
  gen: number;
}

/** One ACD offer of a callback's place to an agent, to be worked by the connector. */
export interface DialJob extends TimedJobData {
  callbackId: string;
  offeredAt: number;
}

/** What the parts of the callback service share (one per service instance). */
export interface CallbacksContext {
  readonly config: CallbacksConfig;
  readonly store: CallbackStore;
  readonly virtual: VirtualCalls;
  readonly callControl: CallControl;
  readonly policy: RoutingPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly quiet: QuietHours;
  readonly wakes: TimedJobs<WakeJob>;
  readonly dials: TimedJobs<DialJob>;
  /** Who works each claimed customer dial (see TryLeases). */
  readonly leases: TryLeases;
  /** Appends to the call record of the call that asked for the callback; failures are logged. */
  record(cb: Pick<Callback, 'id' | 'callId'>, event: CallEvent): void;
  /** Conversations with an agent, for recording (the ACD's). */
  readonly conversations: Conversations;
}

export function wakeJobId(callbackId: string, gen: number): string {
  return `wake-${callbackId}-${gen}`;
}

export function dialJobId(callbackId: string, offeredAt: number): string {
  return `dial-${callbackId}-${offeredAt}`;
}

/** The lease of the customer dial claimed for an offer. */
export function dialTryId(callbackId: string, offeredAt: number): string {
  return `callback:${callbackId}:${offeredAt}`;
}
