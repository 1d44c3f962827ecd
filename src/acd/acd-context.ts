import type { AcdEvent } from './acd-event.js';
import type { CallControl } from '../call-control/call-control.js';
import type { CallEvent } from '../call-records/call-event.js';
import type { Logger } from '../log/logger.js';
import type { QueueSettings } from '../routing/queue-settings.js';
import type { AcdSwitches } from './acd-switches.js';
import type { AgentUpdater } from './agent-updater.js';
import type { QueuedCallEvent } from './call-queue.js';
import type { Clock } from '../time/clock.js';
import type { Conversations } from './conversation-recorder.js';
import type { LiveCall } from './live-call.js';
import type { RedisAcdStore, ScriptResult } from './redis-acd-store.js';

/** The queue settings the ACD reads at decision time. */
export type AcdQueueSettings = Pick<QueueSettings, 'id' | 'agingPerMinute' | 'wrapUpSec' | 'ringTimeoutSec' | 'maxWaiting'>;

/** What the ACD's parts share: one per Acd instance. */
export interface AcdContext {
  readonly store: RedisAcdStore;
  readonly updater: AgentUpdater;
  /** Every switch served as one (recovery, readiness); a caller's own switch is `switches.controlOf(call)`. */
  readonly callControl: CallControl;
  /** The switches served, and the dial strings between them. */
  readonly switches: AcdSwitches;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Calls this instance owns, by call id. */
  readonly lives: Map<string, LiveCall>;
  /** The queue's settings now (the generic defaults for a queue no longer configured). */
  settings(queue: string): Readonly<AcdQueueSettings>;
  /** Appends to the call record in call order; failures are logged, never thrown. */
  record(callId: string, event: CallEvent, at?: number): void;
  /** Reports a call event to the call's listeners and the ACD's. */
  emit(live: LiveCall | null, event: QueuedCallEvent): void;
  /** Reports an event to the ACD's listeners only (not a call's own). */
  report(event: AcdEvent): void;
  /** Follows up a script result: ring reserved agents, handle notices, re-arm the timetable. */
  handleResult(result: ScriptResult): void;
  /** Conversations with an agent, for recording. */
  readonly conversations: Conversations;
}
