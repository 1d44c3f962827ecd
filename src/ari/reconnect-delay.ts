import { ValidationError } from '../errors.js';

export interface ReconnectPolicy {
  /** Delay before the first retry. Keep it short: while no client holds the app, Asterisk rejects new calls. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Growth of the delay per failed attempt. */
  factor: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = Object.freeze({ initialDelayMs: 100, maxDelayMs: 5000, factor: 2 });

/**
 * Taking the Stasis app back from another client that took it over. No hurry
 * here, unlike after a lost socket: the app has a holder, so Asterisk still
 * delivers calls. What matters is that two clients taking it from each other
 * do so rarely, hence seconds growing to half a minute.
 */
export const DEFAULT_TAKE_BACK: ReconnectPolicy = Object.freeze({ initialDelayMs: 1000, maxDelayMs: 30_000, factor: 2 });

/**
 * Delay before reconnect attempt number `attempt` (0 for the first retry):
 * exponential, capped, with "equal jitter" (between half and all of the step)
 * so several instances dropped by one Asterisk restart do not retry in step.
 */
export function reconnectDelay(policy: ReconnectPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}

export function checkReconnectPolicy(policy: ReconnectPolicy): ReconnectPolicy {
  const { initialDelayMs, maxDelayMs, factor } = policy;
  if (!(initialDelayMs >= 0) || !(maxDelayMs > 0) || !(factor >= 1) || initialDelayMs > maxDelayMs) {
    throw new ValidationError(
      'reconnect policy needs initialDelayMs >= 0, maxDelayMs > 0, initialDelayMs <= maxDelayMs and factor >= 1',
      { initialDelayMs, maxDelayMs, factor },
    );
  }
  return policy;
}
