/**
 * The classic Erlang C model of one queue: calls arrive at random (Poisson,
 * λ per second), each holds an agent for an exponentially distributed time
 * with mean h seconds, N agents, nobody gives up. With A = λ·h the traffic in
 * Erlangs (A < N):
 *
 *   P(wait) = (Aᴺ/N! · N/(N−A)) / (Σₖ₌₀ᴺ⁻¹ Aᵏ/k! + Aᴺ/N! · N/(N−A))
 *   SL(t)   = 1 − P(wait) · e^(−(N−A)·t/h)      (share answered within t)
 *   ASA     = P(wait) · h / (N − A)
 *
 * Workforce tools plan with it; a what-if run of a single queue without
 * abandons must agree with it, which checks the simulation (README, "What-if").
 */
export interface ErlangC {
  /** Traffic in Erlangs. */
  erlangs: number;
  waitProbability: number;
  serviceLevel: number;
  asaSec: number;
  occupancy: number;
}

export function erlangC(callsPerHour: number, handleSec: number, agents: number, targetSec: number): ErlangC {
  const a = (callsPerHour / 3600) * handleSec;
  if (!(agents > a)) throw new RangeError(`${agents} agents cannot carry ${a.toFixed(2)} Erlangs: the queue grows without end`);
  // Terms Aᵏ/k! built up one by one, so large N never overflows a factorial.
  let term = 1;
  let sum = 0;
  for (let k = 0; k < agents; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = term * (agents / (agents - a));
  const waitProbability = top / (sum + top);
  return {
    erlangs: a,
    waitProbability,
    serviceLevel: 1 - waitProbability * Math.exp((-(agents - a) * targetSec) / handleSec),
    asaSec: (waitProbability * handleSec) / (agents - a),
    occupancy: a / agents,
  };
}
