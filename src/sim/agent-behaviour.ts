import { z } from 'zod';

const ms = z.number().int().min(0).max(24 * 3600 * 1000);

/**
 * How a simulated agent endpoint (PJSIP/1001, reached directly or through
 * Local/1001@agents) reacts when it is dialled.
 */
export const agentBehaviourSchema = z.discriminatedUnion('kind', [
  /**
   * Rings `afterMs`, answers; hangs up after talking `hangupAfterMs` when
   * given; presses `keys` once answered (a customer answering a survey), one
   * every 200 ms, `w` waiting 0.5 s and `W` 1 s.
   */
  z.object({
    kind: z.literal('answer'),
    afterMs: ms,
    hangupAfterMs: ms.optional(),
    keys: z.string().regex(/^[0-9A-Da-d*#wW]+$/, 'keys: digits, A-D, * and #, w/W for pauses').optional(),
  }).strict(),
  /** Rings until the dial times out: ChannelDestroyed cause 19, never enters Stasis. */
  z.object({ kind: z.literal('no-answer') }).strict(),
  /** Refuses at once: cause 17. */
  z.object({ kind: z.literal('busy') }).strict(),
  /** Cannot be reached: cause 20. */
  z.object({ kind: z.literal('unreachable') }).strict(),
]);

export type AgentBehaviour = z.infer<typeof agentBehaviourSchema>;

/** Validates a behaviour from outside (control endpoint, options); the error names the bad field. */
export function parseAgentBehaviour(input: unknown): AgentBehaviour {
  const result = agentBehaviourSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? issue.path.join('.') : 'behaviour';
  throw new AgentBehaviourError(`${where}: ${issue?.message ?? 'invalid agent behaviour'}`);
}

export class AgentBehaviourError extends Error {
  constructor(message: string) {
    super(`invalid agent behaviour: ${message}`);
    this.name = 'AgentBehaviourError';
  }
}
