import type { Logger } from 'pino';
import type { Customer } from './customer.js';
import type { CustomerData } from './customer-data.js';
import { isWithheldNumber } from './withheld-number.js';
import { systemClock, type Clock } from '../time/clock.js';

export type Recognition =
  | { kind: 'customer'; customer: Customer }
  | { kind: 'unknown' }
  | { kind: 'withheld' }
  /** The backend failed: the caller is served as standard, and the IVR says so where it matters. */
  | { kind: 'unavailable' };

/**
 * Calling number → customer, cached in-process for a short time so a burst of
 * calls (or a caller redialling) does not hit the backend each time. Unknown,
 * withheld and failing lookups are outcomes, never errors.
 */
export class CustomerRecognition {
  private readonly cache = new Map<string, { at: number; value: Customer | null }>();

  constructor(
    private readonly customers: CustomerData,
    private readonly ttlMs: number,
    private readonly clock: Clock = systemClock,
    private readonly maxEntries = 50_000,
  ) {}

  async recognise(callerNumber: string, log?: Logger): Promise<Recognition> {
    if (isWithheldNumber(callerNumber)) return { kind: 'withheld' };
    const hit = this.cache.get(callerNumber);
    if (hit && this.clock.now() - hit.at < this.ttlMs) {
      return hit.value ? { kind: 'customer', customer: hit.value } : { kind: 'unknown' };
    }
    try {
      const customer = await this.customers.findByPhone(callerNumber);
      if (this.ttlMs > 0) {
        if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(callerNumber, { at: this.clock.now(), value: customer });
      }
      return customer ? { kind: 'customer', customer } : { kind: 'unknown' };
    } catch (err) {
      log?.warn({ err: (err as Error).message }, 'customer lookup failed; serving the caller as standard');
      return { kind: 'unavailable' };
    }
  }

  /** Forget a number (after the customer's record changed). */
  forget(callerNumber: string): void {
    this.cache.delete(callerNumber);
  }
}
