import type { AgentState, AgentStatus, PendingChange } from './agent.js';
import { ValidationError } from '../errors.js';
import { IllegalAgentTransitionError } from './acd-errors.js';

/**
 * The agent state machine, as one pure function:
 *
 *   offline ─login→ available ⇄ paused(reason)
 *   available ─reserve→ reserved ─ring→ ringing ─answer→ on-call ─hangup→ wrap-up ─wrap-up-done→ available
 *   reserved/ringing ─release→ available   (the caller left: no fault of the agent, place kept)
 *   reserved/ringing ─refuse→ paused("no answer" | "busy" | "unreachable")
 *
 * Pause and logout asked for while a call is reserved, ringing or talking are
 * remembered (`pending`) and applied when the call is over, so an agent can
 * ask for a break mid-call without dropping the caller. During wrap-up they
 * apply at once, as does ready (the agent finished after-call work early).
 */
export type AgentCommand =
  | { type: 'login'; ready?: boolean }
  | { type: 'ready' }
  | { type: 'pause'; reason: string }
  | { type: 'logout' }
  | { type: 'reserve'; callId: string }
  | { type: 'ring' }
  | { type: 'answer' }
  | { type: 'release' }
  | { type: 'refuse'; result: RefusalResult }
  | { type: 'hangup'; talkMs: number }
  | { type: 'wrap-up-done' };

/** How an offer failed: nobody answered, the phone was busy, the switch could not reach it, or the dial request itself failed. */
export type RefusalResult = 'no-answer' | 'busy' | 'unreachable' | 'failed';

/** Pause reasons the ACD sets itself. */
export const PAUSE_REASONS = {
  notReady: 'not ready',
  noAnswer: 'no answer',
  busy: 'busy',
  unreachable: 'unreachable',
  dialFailed: 'dial failed',
} as const;

/**
 * Pauses the ACD ends by itself after a while (see Acd's busyPauseSec): a busy
 * phone or a failed dial request is usually transient. "no answer" and
 * "unreachable" wait for the agent or a supervisor to set ready: the person is
 * away from the desk or the phone is not registered.
 */
export const SELF_ENDING_PAUSES: ReadonlySet<string> = new Set([PAUSE_REASONS.busy, PAUSE_REASONS.dialFailed]);

const REFUSAL_REASON: Record<RefusalResult, string> = {
  'no-answer': PAUSE_REASONS.noAnswer,
  busy: PAUSE_REASONS.busy,
  unreachable: PAUSE_REASONS.unreachable,
  failed: PAUSE_REASONS.dialFailed,
};

export const MAX_PAUSE_REASON_LENGTH = 64;

/**
 * The status after `command`, or IllegalAgentTransitionError. `day` is today's
 * date (YYYY-MM-DD) in the service's time zone: the daily counters start again
 * at the first change of a new day.
 */
export function transitionAgent(
  agentId: string,
  current: AgentStatus,
  command: AgentCommand,
  now: number,
  day: string,
): AgentStatus {
  const from = current.state;
  const illegal = (why: string): never => {
    throw new IllegalAgentTransitionError(agentId, from, command.type, why);
  };
  const base: AgentStatus = current.day === day ? { ...current } : { ...current, day, callsToday: 0, talkMsToday: 0 };
  const enter = (state: AgentState, changes: Partial<AgentStatus> = {}): AgentStatus => ({
    ...base,
    pauseReason: null,
    ...changes,
    state,
    stateSince: state === from && changes.stateSince === undefined ? current.stateSince : now,
  });
  const free = (): AgentStatus => enter('available', { idleSince: now, callId: null, pending: null });
  const settle = (pending: PendingChange | null, otherwise: () => AgentStatus): AgentStatus => {
    if (pending?.kind === 'logout') return enter('offline', { callId: null, pending: null });
    if (pending?.kind === 'pause') return enter('paused', { pauseReason: pending.reason, callId: null, pending: null });
    return otherwise();
  };

  switch (command.type) {
    case 'login':
      if (from !== 'offline') return illegal('already logged in');
      return command.ready === false
        ? enter('paused', { pauseReason: PAUSE_REASONS.notReady, callId: null, pending: null })
        : free();

    case 'ready':
      if (from === 'offline') return illegal('log in first');
      if (from === 'available') return illegal('already available');
      if (from === 'paused' || from === 'wrap-up') return free();
      // reserved, ringing, on-call: take back a pause or logout asked for during the call.
      return { ...base, pending: null };

    case 'pause': {
      const reason = checkReason(command.reason);
      if (from === 'offline') return illegal('log in first');
      if (from === 'available' || from === 'wrap-up') return enter('paused', { pauseReason: reason, callId: null, pending: null });
      if (from === 'paused') return { ...base, pauseReason: reason };
      return { ...base, pending: { kind: 'pause', reason } };
    }

    case 'logout':
      if (from === 'offline') return illegal('not logged in');
      if (from === 'available' || from === 'paused' || from === 'wrap-up') return enter('offline', { callId: null, pending: null });
      return { ...base, pending: { kind: 'logout' } };

    case 'reserve':
      if (from !== 'available') return illegal('only an available agent can be reserved');
      return enter('reserved', { callId: command.callId, idleSince: current.idleSince });

    case 'ring':
      if (from !== 'reserved') return illegal('only a reserved agent can be rung');
      return enter('ringing', { callId: current.callId });

    case 'answer':
      if (from !== 'ringing') return illegal('only a ringing agent can answer');
      return enter('on-call', { callId: current.callId, callsToday: base.callsToday + 1 });

    case 'release':
      if (from !== 'reserved' && from !== 'ringing') return illegal('no call is being offered');
      return settle(current.pending, () => enter('available', { idleSince: current.idleSince, callId: null, pending: null }));

    case 'refuse':
      if (from !== 'reserved' && from !== 'ringing') return illegal('no call is being offered');
      return current.pending?.kind === 'logout'
        ? enter('offline', { callId: null, pending: null })
        : enter('paused', { pauseReason: REFUSAL_REASON[command.result], callId: null, pending: null });

    case 'hangup':
      if (from !== 'on-call') return illegal('not on a call');
      if (!Number.isFinite(command.talkMs) || command.talkMs < 0) return illegal(`talk time ${command.talkMs} is not a duration`);
      return enter('wrap-up', { callId: current.callId, pending: current.pending, talkMsToday: base.talkMsToday + Math.round(command.talkMs) });

    case 'wrap-up-done':
      if (from !== 'wrap-up') return illegal('not in wrap-up');
      return settle(current.pending, free);
  }
}

function checkReason(reason: string): string {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (!trimmed) throw new ValidationError('reason: a pause needs a reason', { field: 'reason' });
  if (trimmed.length > MAX_PAUSE_REASON_LENGTH) {
    throw new ValidationError(`reason: at most ${MAX_PAUSE_REASON_LENGTH} characters`, { field: 'reason' });
  }
  return trimmed;
}

/** Today's date (YYYY-MM-DD) in the process's time zone, for the daily counters. */
export function dayOf(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The next local midnight after `time`, when the daily counters roll over. */
export function nextDayStart(time: number): number {
  const d = new Date(time);
  d.setHours(24, 0, 0, 0);
  return d.getTime();
}
