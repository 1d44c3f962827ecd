import type { Callback, CallbackAttempt, DialResult } from '../../../src/callbacks/callback.js';

/**
 * What the switch and Redis say about one callback after a durability run:
 * the customer legs the switch was asked to originate (in order) and the
 * tries recorded for the callback.
 */
export interface CallbackEvidence {
  callback: Callback;
  tries: CallbackAttempt[];
  /** Channel ids of every originate the switch carried out for the customer's number (not those refused or never run). */
  legsDialled: string[];
}

/** Counts over a run; `problems` names each callback that breaks a rule and why. */
export interface DurabilityVerdict {
  customers: number;
  /** A try dialled more than once, or a dial no recorded try accounts for. */
  doubleDials: number;
  /** Not connected when the scenario ended. */
  lost: number;
  /** Further tries, each recorded with why the one before did not connect. */
  retries: number;
  /** Why each retry happened, e.g. { interrupted: 8 }. */
  retriesBecause: Partial<Record<DialResult, number>>;
  problems: string[];
}

/** Results after which the next try comes at once: the customer was not at fault. */
const AT_ONCE: readonly DialResult[] = ['agent-dropped', 'switch-fault'];

/**
 * Why a try may fail in a scenario. A customer who hangs up on the greeting
 * (the machine too slow for them) is always a fair retry; an `interrupted`
 * try only where a service process really died with the customer ringing —
 * anywhere else it means a run took over a dial whose owner was still alive,
 * and the customer was hung up on and called again because of the service.
 */
export const FAIR_RETRIES: readonly DialResult[] = ['hung-up', 'no-answer', 'busy', 'agent-dropped', 'switch-fault'];

/**
 * Tells a retry from a repeat. A callback's customer legs are named after
 * its tries (`<id>-c<n>`, the try claimed atomically in Redis before the
 * dial), so:
 * - a repeat is the same leg originated twice, or a leg of a try that was
 *   never claimed;
 * - a retry is a later try whose predecessor is recorded as failed with a
 *   result, and which started no sooner than the retry delay after it ended
 *   (at once only when the agent or the switch, not the customer, failed).
 */
export function judgeDurability(evidence: readonly CallbackEvidence[], retryDelayMs: number, fair: readonly DialResult[] = FAIR_RETRIES): DurabilityVerdict {
  const verdict: DurabilityVerdict = { customers: evidence.length, doubleDials: 0, lost: 0, retries: 0, retriesBecause: {}, problems: [] };
  for (const { callback: cb, tries, legsDialled } of evidence) {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const leg of legsDialled) {
      if (seen.has(leg)) problems.push(`${leg} dialled more than once`);
      seen.add(leg);
      const n = Number(/-c(\d+)$/.exec(leg)?.[1] ?? Number.NaN);
      if (!leg.startsWith(`${cb.id}-c`) || !(n >= 1 && n <= cb.attempts)) problems.push(`${leg} belongs to no claimed try (tries: ${cb.attempts})`);
    }
    if (problems.length) verdict.doubleDials++;
    const byNumber = [...tries].sort((a, b) => a.attempt - b.attempt);
    for (let i = 1; i < byNumber.length; i++) {
      const before = byNumber[i - 1]!;
      const next = byNumber[i]!;
      verdict.retries++;
      const because = before.result;
      if (before.stage !== 'failed' || !because || because === 'connected') {
        problems.push(`try ${next.attempt} started although try ${before.attempt} is ${before.stage}/${because ?? 'no result'}`);
        verdict.doubleDials++;
        continue;
      }
      verdict.retriesBecause[because] = (verdict.retriesBecause[because] ?? 0) + 1;
      if (!fair.includes(because)) {
        problems.push(`try ${next.attempt} was needed because try ${before.attempt} was ${because}, which nothing in this scenario explains`);
        verdict.doubleDials++;
        continue;
      }
      const gap = next.startedAt - (before.endedAt ?? before.startedAt);
      if (!AT_ONCE.includes(because) && gap < retryDelayMs) {
        problems.push(`try ${next.attempt} came ${gap} ms after try ${before.attempt} (${because}); the retry delay is ${retryDelayMs} ms`);
        verdict.doubleDials++;
      }
    }
    if (cb.state !== 'connected') {
      verdict.lost++;
      problems.push(`ended ${cb.state} after ${cb.attempts} tries (${cb.lastResult ?? 'no result'})`);
    }
    if (problems.length) verdict.problems.push(`${cb.id} (${cb.number}): ${problems.join('; ')}`);
  }
  return verdict;
}
