import { systemClock, type Clock } from '../time/clock.js';

/**
 * A small circuit breaker: after `failureThreshold` consecutive failures the
 * circuit opens and calls fail at once for `openMs`; then one trial call is let
 * through (half-open) and its result closes or re-opens the circuit. Callers
 * waiting on a dead backend would otherwise each sit through the full timeout.
 */
export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  clock?: Clock;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class CircuitOpenError extends Error {
  constructor() {
    super('circuit open');
  }
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private readonly clock: Clock;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.clock.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  async run<T>(op: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) throw new CircuitOpenError();
    const trial = state === 'half-open';
    if (trial) this.trialInFlight = true;
    try {
      const result = await op();
      this.failures = 0;
      this.openedAt = null;
      return result;
    } catch (err) {
      this.failures += 1;
      if (trial || this.failures >= this.options.failureThreshold) this.openedAt = this.clock.now();
      throw err;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }
}
