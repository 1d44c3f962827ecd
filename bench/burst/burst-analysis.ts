import type { AcdEvent } from '../../src/acd/acd-event.js';
import { agentOfChannelName, agentOfEndpoint, type OriginateRecord, type SwitchEvent } from './switch-trace.js';

/** One caller the scenario placed. */
export interface CallerRecord {
  index: number;
  /** diamond, gold, silver, standard or unknown (a number no customer has). */
  profile: string;
  /** The service's channel (the `;2` half): the call id in the ACD and the call records. */
  callId: string;
  placedAt: number;
  /** When the caller hung up itself (it had waited as long as it would), else null. */
  gaveUpAt: number | null;
  /** Why the call could not be placed at all (the switch refused the originate). */
  placeError: string | null;
}

/** An ACD event as the service emitted it, with the time it was seen. */
export interface AcdRecord {
  at: number;
  event: AcdEvent;
}

export interface BurstObservations {
  callers: CallerRecord[];
  /** Switch events in the order the switch sent them. */
  trace: SwitchEvent[];
  originates: OriginateRecord[];
  acd: AcdRecord[];
}

export interface ProfileFigures {
  profile: string;
  callers: number;
  served: number;
  dropped: number;
  meanWaitMs: number | null;
  maxWaitMs: number | null;
}

export interface DroppedCall { callId: string; profile: string; endedAt: number; bySoftHangup: boolean; outcome: string | null }
export interface SilentAnswer { leg: string; agent: string | null; callId: string | null; answeredAt: number; endedAt: number | null }
export interface DoubleAssignment {
  kind: 'agent-rung-twice' | 'caller-with-two-agents' | 'agent-with-two-callers';
  agent: string | null;
  callIds: string[];
  legs: string[];
  at: number;
}

export interface BurstFindings {
  callers: number;
  served: number;
  dropped: number;
  /** Callers that hung up themselves after waiting their longest (neither served nor dropped). */
  gaveUp: number;
  /** Calls the switch refused to place (a harness or switch failure, not the service's). */
  notPlaced: number;
  silentAnswers: number;
  doubleAssignments: number;
  /** Agent legs overlapping for the same call (a call rung twice on one phone). */
  sameCallOverlaps: number;
  /** ms from an agent freed while an eligible caller waited to the originate that rang them. */
  freedToRung: number[];
  /** Agents freed while an eligible caller waited who were reserved for it but never rung. */
  freedNeverRung: number;
  /** The same moments to the ACD's `assigned` (the originate handed to the ARI client): the service's own share. */
  freedToAssigned: number[];
  agentLegs: number;
  answeredLegs: number;
  /** Ring results the ACD reported (no-answer, busy, unreachable) and the pauses it decided. */
  ringFailures: Record<string, number>;
  pauses: Record<string, number>;
  profiles: ProfileFigures[];
  evidence: { dropped: DroppedCall[]; silent: SilentAnswer[]; doubles: DoubleAssignment[] };
}

interface Leg {
  id: string;
  agent: string | null;
  callId: string | null;
  originatedAt: number | null;
  seenAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  callers: Set<string>;
}

interface CallerState {
  record: CallerRecord;
  servedAt: number | null;
  endedAt: number | null;
  endSoft: boolean;
  legs: Set<string>;
  outcome: string | null;
  queuedAt: number | null;
}

const OUTCOME_VAR = 'HOTLINE_OUTCOME';

/**
 * Turns what was observed during a burst into the measures:
 *
 * - served: the caller's channel was in a bridge together with an agent's leg;
 * - dropped: the caller's channel ended without being served, before the
 *   caller hung up itself (the service hung it up, or sent it to an error);
 * - silent answer: an agent's leg answered (Up) but never shared a bridge
 *   with a caller;
 * - double assignment: an agent's leg originated while another leg to the
 *   same agent for a different call was still alive, a caller bridged with
 *   more than one agent leg, or an agent leg bridged with more than one caller;
 * - freed-to-rung: an agent becomes available after a call (wrap-up done)
 *   while a call they then take was already waiting (and had not overflowed
 *   to them since): ms from that moment to the switch receiving the
 *   originate that rings them for it.
 */
export function analyseBurst(obs: BurstObservations): BurstFindings {
  const callers = new Map<string, CallerState>();
  for (const record of obs.callers) {
    callers.set(record.callId, { record, servedAt: null, endedAt: null, endSoft: false, legs: new Set(), outcome: null, queuedAt: null });
  }
  const legs = new Map<string, Leg>();
  const legOf = (id: string, agent: string | null): Leg => {
    let leg = legs.get(id);
    if (!leg) {
      leg = { id, agent, callId: null, originatedAt: null, seenAt: null, answeredAt: null, endedAt: null, callers: new Set() };
      legs.set(id, leg);
    }
    return leg;
  };
  for (const o of obs.originates) {
    const agent = agentOfEndpoint(o.endpoint);
    if (agent === null) continue;
    const leg = legOf(o.channelId, agent);
    // A repeated originate for the same id (a retry) keeps the first time.
    leg.originatedAt ??= o.at;
    leg.callId ??= o.callId;
  }

  const doubles: DoubleAssignment[] = [];
  for (const event of obs.trace) {
    switch (event.kind) {
      case 'state':
      case 'hangup':
      case 'destroyed': {
        const caller = callers.get(event.channel);
        if (caller) {
          if (event.kind !== 'state' && caller.endedAt === null) {
            caller.endedAt = event.at;
            caller.endSoft = event.kind === 'hangup' && event.soft;
          }
          break;
        }
        const byName = agentOfChannelName(event.name);
        if (!legs.has(event.channel) && byName === null) break;
        const leg = legOf(event.channel, byName);
        leg.seenAt ??= event.at;
        if (event.kind === 'state' && event.state === 'Up') leg.answeredAt ??= event.at;
        if (event.kind === 'destroyed') leg.endedAt = event.at;
        if (event.kind === 'hangup') leg.endedAt ??= event.at;
        break;
      }
      case 'bridge': {
        const inCallers = event.members.filter((id) => callers.has(id));
        const inLegs = event.members.filter((id) => legs.has(id));
        for (const callId of inCallers) {
          const caller = callers.get(callId)!;
          for (const legId of inLegs) {
            const leg = legs.get(legId)!;
            caller.servedAt ??= event.at;
            caller.legs.add(legId);
            leg.callers.add(callId);
          }
        }
        break;
      }
      case 'var': {
        const caller = callers.get(event.channel);
        if (!caller || event.variable !== OUTCOME_VAR) break;
        caller.outcome = event.value;
        if (caller.queuedAt === null && outcomeKind(event.value) === 'queued') caller.queuedAt = event.at;
        break;
      }
    }
  }

  // Agents rung for two calls at once.
  let sameCallOverlaps = 0;
  const byAgent = new Map<string, Leg[]>();
  for (const leg of legs.values()) {
    if (leg.agent === null || leg.seenAt === null) continue; // never became a channel
    byAgent.set(leg.agent, [...(byAgent.get(leg.agent) ?? []), leg]);
  }
  const startOf = (leg: Leg) => leg.originatedAt ?? leg.seenAt ?? 0;
  for (const [agent, list] of byAgent) {
    list.sort((a, b) => startOf(a) - startOf(b));
    for (let i = 1; i < list.length; i++) {
      const later = list[i]!;
      const start = startOf(later);
      const alive = list.slice(0, i).filter((earlier) => earlier.endedAt === null || earlier.endedAt > start);
      if (!alive.length) continue;
      const other = alive.find((earlier) => earlier.callId === null || later.callId === null || earlier.callId !== later.callId);
      if (other) {
        doubles.push({ kind: 'agent-rung-twice', agent, callIds: [other.callId ?? '?', later.callId ?? '?'], legs: [other.id, later.id], at: start });
      } else {
        sameCallOverlaps += 1;
      }
    }
  }
  for (const caller of callers.values()) {
    if (caller.legs.size > 1) {
      const legIds = [...caller.legs];
      doubles.push({
        kind: 'caller-with-two-agents', agent: null, callIds: [caller.record.callId], legs: legIds,
        at: caller.servedAt ?? 0,
      });
    }
  }
  for (const leg of legs.values()) {
    if (leg.callers.size > 1) {
      doubles.push({ kind: 'agent-with-two-callers', agent: leg.agent, callIds: [...leg.callers], legs: [leg.id], at: leg.answeredAt ?? 0 });
    }
  }

  // Queue times from the ACD where it told us (more exact than the published outcome).
  for (const { at, event } of obs.acd) {
    if (event.type !== 'queued') continue;
    const caller = callers.get(event.callId);
    if (caller && (caller.queuedAt === null || at < caller.queuedAt)) caller.queuedAt = at;
  }

  const dropped: DroppedCall[] = [];
  let served = 0;
  let gaveUp = 0;
  let notPlaced = 0;
  const perProfile = new Map<string, { callers: number; served: number; dropped: number; waits: number[] }>();
  for (const caller of callers.values()) {
    const { record } = caller;
    const row = perProfile.get(record.profile) ?? { callers: 0, served: 0, dropped: 0, waits: [] };
    perProfile.set(record.profile, row);
    row.callers += 1;
    if (record.placeError !== null) {
      notPlaced += 1;
      continue;
    }
    if (caller.servedAt !== null) {
      served += 1;
      row.served += 1;
      if (caller.queuedAt !== null) row.waits.push(Math.max(0, caller.servedAt - caller.queuedAt));
      continue;
    }
    const endedByService = caller.endedAt !== null && (record.gaveUpAt === null || caller.endedAt < record.gaveUpAt);
    if (endedByService) {
      row.dropped += 1;
      dropped.push({ callId: record.callId, profile: record.profile, endedAt: caller.endedAt!, bySoftHangup: caller.endSoft, outcome: caller.outcome });
    } else {
      gaveUp += 1;
    }
  }

  const silent: SilentAnswer[] = [];
  let answeredLegs = 0;
  let agentLegs = 0;
  for (const leg of legs.values()) {
    if (leg.seenAt !== null || leg.originatedAt !== null) agentLegs += 1;
    if (leg.answeredAt === null) continue;
    answeredLegs += 1;
    if (leg.callers.size === 0) silent.push({ leg: leg.id, agent: leg.agent, callId: leg.callId, answeredAt: leg.answeredAt, endedAt: leg.endedAt });
  }

  const { samples, neverRung, assigned } = freedToRung(obs, legs);
  const ringFailures: Record<string, number> = {};
  const pauses: Record<string, number> = {};
  for (const { event } of obs.acd) {
    if (event.type === 'no-answer') ringFailures[event.result] = (ringFailures[event.result] ?? 0) + 1;
    if (event.type === 'agent-state' && event.state === 'paused') {
      const reason = event.pauseReason ?? '?';
      pauses[reason] = (pauses[reason] ?? 0) + 1;
    }
  }

  return {
    callers: callers.size,
    served,
    dropped: dropped.length,
    gaveUp,
    notPlaced,
    silentAnswers: silent.length,
    doubleAssignments: doubles.length,
    sameCallOverlaps,
    freedToRung: samples,
    freedNeverRung: neverRung,
    freedToAssigned: assigned,
    agentLegs,
    answeredLegs,
    ringFailures,
    pauses,
    profiles: [...perProfile].map(([profile, row]) => ({
      profile,
      callers: row.callers,
      served: row.served,
      dropped: row.dropped,
      meanWaitMs: row.waits.length ? Math.round(row.waits.reduce((a, b) => a + b, 0) / row.waits.length) : null,
      maxWaitMs: row.waits.length ? Math.max(...row.waits) : null,
    })),
    evidence: { dropped, silent, doubles },
  };
}

function outcomeKind(value: string): string | null {
  try {
    const parsed = JSON.parse(value) as { kind?: unknown };
    return typeof parsed.kind === 'string' ? parsed.kind : null;
  } catch {
    return null;
  }
}

/**
 * For every agent made available after a call: if the next thing the ACD did
 * with them was to reserve them for a call that was already waiting (not
 * being offered to anyone) at that moment and had not overflowed since, the
 * ms until the switch received the originate ringing them for that call.
 */
function freedToRung(obs: BurstObservations, legs: Map<string, Leg>): { samples: number[]; neverRung: number; assigned: number[] } {
  // Per call: times it started or stopped waiting, and when it overflowed.
  const waiting = new Map<string, Array<{ at: number; waiting: boolean }>>();
  const overflowed = new Map<string, number[]>();
  const mark = (callId: string, at: number, isWaiting: boolean) => {
    waiting.set(callId, [...(waiting.get(callId) ?? []), { at, waiting: isWaiting }]);
  };
  for (const { at, event } of obs.acd) {
    switch (event.type) {
      case 'queued':
      case 'no-answer':
        mark(event.callId, at, true);
        break;
      case 'assigned':
      case 'answered':
      case 'abandoned':
      case 'removed':
        mark(event.callId, at, false);
        break;
      case 'overflowed':
        overflowed.set(event.callId, [...(overflowed.get(event.callId) ?? []), at]);
        break;
      case 'agent-state':
        // The reservation comes before the connector's `assigned`: the call stops waiting here.
        if (event.state === 'reserved' && event.callId) mark(event.callId, at, false);
        break;
      default:
        break;
    }
  }
  const wasWaiting = (callId: string, at: number): boolean => {
    let state = false;
    for (const change of waiting.get(callId) ?? []) {
      if (change.at >= at) break;
      state = change.waiting;
    }
    return state;
  };

  const rungAt = new Map<string, number[]>();
  for (const leg of legs.values()) {
    if (leg.agent === null || leg.callId === null || leg.originatedAt === null) continue;
    const key = `${leg.agent}|${leg.callId}`;
    rungAt.set(key, [...(rungAt.get(key) ?? []), leg.originatedAt].sort((a, b) => a - b));
  }
  // Two processes' clocks read to the millisecond: allow that much before the moment freed.
  const firstRing = (key: string, after: number) => (rungAt.get(key) ?? []).find((t) => t >= after - 1);

  const assignedAt = new Map<string, number[]>();
  for (const { at, event } of obs.acd) {
    if (event.type === 'assigned') assignedAt.set(`${event.agent}|${event.callId}`, [...(assignedAt.get(`${event.agent}|${event.callId}`) ?? []), at]);
  }

  const samples: number[] = [];
  const assigned: number[] = [];
  let neverRung = 0;
  const freedAt = new Map<string, number>();
  const previous = new Map<string, string>();
  for (const { at, event } of obs.acd) {
    if (event.type !== 'agent-state') continue;
    const before = previous.get(event.agent);
    previous.set(event.agent, event.state);
    const pending = freedAt.get(event.agent);
    freedAt.delete(event.agent);
    if (event.state === 'available' && (before === 'wrap-up' || before === 'on-call')) {
      freedAt.set(event.agent, at);
      continue;
    }
    if (pending === undefined || event.state !== 'reserved' || !event.callId) continue;
    const callId = event.callId;
    if (!wasWaiting(callId, pending)) continue;
    if ((overflowed.get(callId) ?? []).some((t) => t >= pending && t <= at)) continue;
    const rung = firstRing(`${event.agent}|${callId}`, pending);
    if (rung === undefined) neverRung += 1;
    else samples.push(Math.max(0, rung - pending));
    const handed = (assignedAt.get(`${event.agent}|${callId}`) ?? []).find((t) => t >= pending);
    if (handed !== undefined) assigned.push(handed - pending);
  }
  return { samples, neverRung, assigned };
}
