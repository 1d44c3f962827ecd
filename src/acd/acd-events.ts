import type { Logger } from '../log/logger.js';
import type { AcdEvent, AcdEventListener } from './acd-event.js';
import type { Agent } from './agent.js';
import type { QueuedCallEvent } from './call-queue.js';
import type { LiveCall } from './live-call.js';

/** The ACD's event fan-out: a call's events go to its own listeners and the ACD's, agent changes to the ACD's. */
export class AcdEvents {
  private readonly listeners = new Set<AcdEventListener>();

  constructor(private readonly logger: Logger) {}

  on(listener: AcdEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A call's event: to the call's listeners, then the ACD's. */
  emit(live: LiveCall | null, event: QueuedCallEvent): void {
    live?.emit(event);
    this.report(event);
  }

  agentChanged(agent: Agent): void {
    this.report({ type: 'agent-state', agent: agent.id, state: agent.state, pauseReason: agent.pauseReason, callId: agent.callId });
  }

  agentReserved(agent: string, callId: string): void {
    this.report({ type: 'agent-state', agent, state: 'reserved', pauseReason: null, callId });
  }

  /** To the ACD's listeners only; one failing listener does not keep the event from the others. */
  report(event: AcdEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err, event: event.type }, 'ACD event listener failed');
      }
    }
  }
}
