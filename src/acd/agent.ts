/**
 * An agent as the ACD sees it: who they are and how to reach them (the
 * definition, from config/agents.yaml or the supervisor API) and where they
 * stand now (the status, kept in Redis and shared by every service instance).
 */

/** offline → available ⇄ paused → reserved → ringing → on-call → wrap-up → available (see agent-state.ts). */
export type AgentState = 'offline' | 'available' | 'paused' | 'reserved' | 'ringing' | 'on-call' | 'wrap-up';

export const AGENT_STATES: readonly AgentState[] = ['offline', 'available', 'paused', 'reserved', 'ringing', 'on-call', 'wrap-up'];

/** States in which an agent counts as staffed for their skills (estimated wait, statistics). */
export const STAFFED_STATES: readonly AgentState[] = ['available', 'reserved', 'ringing', 'on-call', 'wrap-up'];

/** Skill levels run from 1 (new) to 5 (senior). */
export const MIN_SKILL_LEVEL = 1;
export const MAX_SKILL_LEVEL = 5;

export interface AgentDefinition {
  /** Agent id, usually the extension: 1001. */
  id: string;
  name: string;
  /** Asterisk dial string of the agent's phone: PJSIP/1001, Local/1001@agents. */
  dial: string;
  /** Skill → level 1..5, e.g. { billing: 3, general: 4 }. */
  skills: Record<string, number>;
  /** The switch (`ari.servers` id) the phone is registered on; absent: the first switch. */
  switch?: string;
}

/** A change the agent asked for while busy with a call; applied when the call is over. */
export type PendingChange = { kind: 'pause'; reason: string } | { kind: 'logout' };

export interface AgentStatus {
  state: AgentState;
  /** Why the agent is paused (null in other states): "break", "no answer", "unreachable"... */
  pauseReason: string | null;
  /** When the current state began (ms since epoch). */
  stateSince: number;
  /**
   * When the agent last became free for calls; the longest-idle choice picks the
   * smallest. Kept while reserved or ringing, so an offer that ends without the
   * agent at fault (the caller hung up) gives the agent back their place.
   */
  idleSince: number;
  /** Calls answered today (the day in `day`). */
  callsToday: number;
  /** Talk time today, ms. */
  talkMsToday: number;
  /** The day the counters belong to, YYYY-MM-DD in the service's time zone. */
  day: string;
  /** The call reserved for, ringing or talking to the agent. */
  callId: string | null;
  pending: PendingChange | null;
}

export interface Agent extends AgentDefinition, AgentStatus {
  /** Increases with every change; writes are compare-and-set on it. */
  version: number;
}
