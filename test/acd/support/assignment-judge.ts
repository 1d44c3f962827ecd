/**
 * What the switch and the call records say about one run of the assignment
 * scenario: the callers, every agent leg the switch carried out (when it was
 * rung, when the channel was destroyed), the bridges the switch was asked to
 * fill, and what the ACD recorded for each caller.
 */
export interface AssignmentEvidence {
  callers: readonly { callId: string; number: string; instance: string }[];
  /** Originates to an agent endpoint that the switch ran (not refused, not dropped unrun). */
  agentLegs: readonly AgentLeg[];
  /** addChannel requests the switch ran without error. */
  bridgeAdds: readonly { bridge: string; channels: readonly string[]; at: number }[];
  /** Per caller: the types of its call-record events, in order. */
  records: Readonly<Record<string, readonly string[]>>;
}

export interface AgentLeg {
  leg: string;
  agent: string;
  /** HOTLINE_CALL_ID of the originate: the caller it was rung for. */
  callId: string;
  /** When the switch started the originate (epoch ms). */
  rungAt: number;
  /** When the switch destroyed the channel; null when it was never destroyed. */
  endedAt: number | null;
}

export interface AssignmentVerdict {
  callers: number;
  /** Agent legs the switch rang. */
  rings: number;
  /** Callers bridged to exactly one agent and recorded answered once. */
  served: number;
  /** An agent with two legs alive at once, a caller bridged to two agents, or recorded answered twice. */
  doubleAssignments: number;
  /** Callers never bridged to an agent and not recorded abandoned. */
  lost: number;
  problems: string[];
}

/**
 * Judges a run from the switch's side first:
 * - an agent's legs, each from its ring to its destruction, must not overlap
 *   (an agent rung for a second call while the first leg rings or talks);
 * - a caller may share bridges with one agent leg only, and be recorded
 *   answered at most once;
 * - every caller reaches an agent unless recorded abandoned (callers here
 *   never hang up before they are served).
 */
export function judgeAssignment(evidence: AssignmentEvidence): AssignmentVerdict {
  const verdict: AssignmentVerdict = { callers: evidence.callers.length, rings: evidence.agentLegs.length, served: 0, doubleAssignments: 0, lost: 0, problems: [] };

  const byAgent = new Map<string, AgentLeg[]>();
  for (const leg of evidence.agentLegs) byAgent.set(leg.agent, [...(byAgent.get(leg.agent) ?? []), leg]);
  for (const [agent, legs] of byAgent) {
    const ordered = [...legs].sort((a, b) => a.rungAt - b.rungAt);
    for (let i = 1; i < ordered.length; i++) {
      const next = ordered[i]!;
      // Any earlier leg still alive when this one was rung (not only the one just before).
      for (const before of ordered.slice(0, i)) {
        if (before.endedAt !== null && before.endedAt <= next.rungAt) continue;
        verdict.doubleAssignments++;
        verdict.problems.push(`agent ${agent} rung for ${next.callId} (leg ${next.leg} at ${next.rungAt}) while its leg ${before.leg} for ${before.callId} (rung at ${before.rungAt}) lasted until ${before.endedAt ?? 'the end of the run'}`);
      }
    }
  }

  const legById = new Map(evidence.agentLegs.map((l) => [l.leg, l]));
  for (const caller of evidence.callers) {
    const agentLegs = new Set<string>();
    for (const add of evidence.bridgeAdds) {
      const sameBridge = evidence.bridgeAdds.filter((b) => b.bridge === add.bridge).flatMap((b) => b.channels);
      if (!sameBridge.includes(caller.callId)) continue;
      for (const ch of sameBridge) if (legById.has(ch)) agentLegs.add(ch);
    }
    const types = evidence.records[caller.callId] ?? [];
    const answered = types.filter((t) => t === 'answered').length;
    const problems: string[] = [];
    if (agentLegs.size > 1) problems.push(`bridged to ${agentLegs.size} agent legs (${[...agentLegs].map((l) => `${legById.get(l)!.agent}:${l}`).join(', ')})`);
    if (answered > 1) problems.push(`recorded answered ${answered} times`);
    for (const leg of agentLegs) {
      const rungFor = legById.get(leg)!.callId;
      if (rungFor !== caller.callId) problems.push(`bridged to leg ${leg}, which was rung for ${rungFor}`);
    }
    if (problems.length) {
      verdict.doubleAssignments++;
    } else if (agentLegs.size === 1 && answered === 1) {
      verdict.served++;
    } else if (agentLegs.size === 0 && !types.includes('abandoned')) {
      verdict.lost++;
      problems.push(`never reached an agent and not recorded abandoned (records: ${types.join(',') || 'none'})`);
    } else if (agentLegs.size !== answered) {
      // Served on the switch but not in the records (or the other way round): a problem, neither double nor lost.
      problems.push(`bridged to ${agentLegs.size} agent legs but recorded answered ${answered} times`);
    }
    if (problems.length) verdict.problems.push(`caller ${caller.callId} (${caller.number}, via ${caller.instance}): ${problems.join('; ')}`);
  }
  return verdict;
}
