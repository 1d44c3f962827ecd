import type { VirtualCalls, VirtualReservation } from './virtual-calls.js';

export interface VirtualReservationPumpOptions {
  /** Whether the feature still takes work (not stopped). */
  active: () => boolean;
  /** Makes the reservation durable work of the feature (e.g. a dial job); it is acknowledged only after this resolves. */
  handOver: (reservation: VirtualReservation) => Promise<void>;
  failed: (err: unknown) => void;
}

/**
 * Hands the ACD's reservations of one kind of virtual call (see
 * virtualKindOf) to the feature that works them: each one made durable work
 * first, then acknowledged, so a crash in between leaves it to be handed over
 * again (handOver must be idempotent). One run at a time; a call while one
 * runs makes it look again once done.
 */
export class VirtualReservationPump {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly virtual: VirtualCalls, private readonly kind: string, private readonly options: VirtualReservationPumpOptions) {}

  pump(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        if (!this.options.active()) return;
        for (const reservation of await this.virtual.reservations(this.kind)) {
          await this.options.handOver(reservation);
          await this.virtual.acknowledge(reservation);
        }
      } while (this.again);
    })()
      .catch((err: unknown) => this.options.failed(err))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
