import type { AcdEvent } from '../../acd/acd-event.js';
import type { QueuedCallEvent } from '../../acd/call-queue.js';
import type { RoutingChange } from '../../routing/routing-policy.js';
import type { CampaignView } from '../../campaigns/campaign-desk.js';

/** A campaign's status and progress, flat (the stream sends no nested values). */
export interface CampaignEvent {
  id: string;
  name: string;
  campaignKind: string;
  status: string;
  targets: number;
  pending: number;
  dialling: number;
  answered: number;
  listened: number;
  pressed0: number;
  pressed1: number;
  pressed2: number;
  pressed9: number;
  unreached: number;
  failed: number;
  skipped: number;
  rejected: number;
}

/**
 * What /v1/stream tells supervisors as it happens, besides the periodic
 * figures: agents changing state, calls moving through the queues, routing
 * versions coming into force. These are the service's own events, whole (the
 * `ended` call event carries the caller's number); what a stream sends of them
 * is rebuilt field by field for the key listening (stream-payload.ts).
 */
export type SupervisorEvent =
  | { kind: 'agent'; event: Extract<AcdEvent, { type: 'agent-state' }> }
  | { kind: 'call'; event: QueuedCallEvent | Extract<AcdEvent, { type: 'transfer-requested' }> }
  | { kind: 'routing'; version: number; changedBy: string; change: string }
  | { kind: 'campaign' } & CampaignEvent;

export type SupervisorEventListener = (event: SupervisorEvent) => void;

/** Where the stream gets its events; the service feeds it (see SupervisorEventHub). */
export interface SupervisorEventSource {
  /** Calls `listener` for every event from now on; returns the function that stops it. */
  subscribe(listener: SupervisorEventListener): () => void;
}

/**
 * An in-process fan-out. The service publishes what this instance sees —
 * its ACD's events and every routing change — and each open stream gets
 * them. A listener that throws cannot stop the others: its error goes to
 * `onError`.
 */
export class SupervisorEventHub implements SupervisorEventSource {
  private readonly listeners = new Set<SupervisorEventListener>();

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  subscribe(listener: SupervisorEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: SupervisorEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** For `acd.onEvent`. */
  publishAcd(event: AcdEvent): void {
    this.publish(event.type === 'agent-state' ? { kind: 'agent', event } : { kind: 'call', event });
  }

  /** For `policy.onChange`. */
  publishRouting(change: RoutingChange): void {
    const { version, changedBy, change: what } = change.after;
    this.publish({ kind: 'routing', version, changedBy, change: what });
  }

  /** A campaign's progress or status changed (on the instance that changed it). */
  publishCampaign({ campaign, progress: p }: CampaignView): void {
    this.publish({
      kind: 'campaign', id: campaign.id, name: campaign.name, campaignKind: campaign.kind, status: campaign.status,
      targets: p.targets, pending: p.pending, dialling: p.dialling, answered: p.answered, listened: p.listened,
      pressed0: p.pressed['0'], pressed1: p.pressed['1'], pressed2: p.pressed['2'], pressed9: p.pressed['9'],
      unreached: p.unreached, failed: p.failed, skipped: p.skipped, rejected: p.rejected,
    });
  }

  get size(): number {
    return this.listeners.size;
  }
}
