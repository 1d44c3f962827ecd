import { z } from 'zod';
import { AGENT_STATES } from '../../acd/agent.js';
import { MAX_PAUSE_REASON_LENGTH } from '../../acd/agent-state.js';
import type { Agent } from '../../acd/agent.js';
import { textFor, type NumberExposure } from '../exposure/number-exposure.js';
import { isoTime } from './common-schemas.js';

export const agentView = z.object({
  id: z.string(),
  name: z.string(),
  dial: z.string(),
  switch: z.string().nullable().describe('The switch (ari.servers id) the phone is on; null: the first switch'),
  skills: z.record(z.string(), z.number().int()),
  state: z.enum(AGENT_STATES as [string, ...string[]]),
  pauseReason: z.string().nullable(),
  stateSince: z.string().describe('ISO 8601 UTC'),
  callsToday: z.number().int(),
  talkMsToday: z.number().int(),
  callId: z.string().nullable(),
  pending: z.string().nullable().describe('A pause or logout asked for during a call, applied when it ends'),
}).describe('Agent');

export type AgentView = z.infer<typeof agentView>;

/** The agent as the key asking may see it: a number in the dial string or a reason is masked below supervisor. */
export function toAgentView(agent: Agent, exposure: NumberExposure): AgentView {
  return {
    id: agent.id,
    name: agent.name,
    dial: textFor(agent.dial, exposure),
    switch: agent.switch ?? null,
    skills: { ...agent.skills },
    state: agent.state,
    pauseReason: textFor(agent.pauseReason, exposure),
    stateSince: isoTime(agent.stateSince),
    callsToday: agent.callsToday,
    talkMsToday: agent.talkMsToday,
    callId: agent.callId,
    pending: agent.pending === null ? null : agent.pending.kind === 'pause' ? `pause: ${textFor(agent.pending.reason, exposure)}` : 'logout',
  };
}

export const agentStateBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('login'), ready: z.boolean().optional().describe('False: log in paused ("not ready")') }).strict(),
  z.object({ action: z.literal('ready') }).strict(),
  z.object({ action: z.literal('pause'), reason: z.string({ error: 'a pause needs a reason' }).trim().min(1, 'a pause needs a reason').max(MAX_PAUSE_REASON_LENGTH) }).strict(),
  z.object({ action: z.literal('logout') }).strict(),
]).describe('AgentStateChange');
