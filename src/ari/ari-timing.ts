import { ValidationError } from '../errors.js';

/**
 * How long a request may take depends on what Asterisk does with it:
 * - `query`: a GET, answered from Asterisk's own state at once;
 * - `control`: hang-up, play, stop a playback, music on hold, DTMF, continue,
 *   bridge create/destroy: Asterisk answers as soon as the command is queued
 *   or done (measured 2-11 ms during a prompt);
 * - `originate`: Asterisk allocates the channel and starts the dial before it
 *   answers, which is slower under load; a timeout here leaves a leg that may
 *   still appear, so it is worth waiting longer than for a hang-up;
 * - `channel-command`: addChannel, removeChannel, variable set, answer. These
 *   run on the channel's own Stasis thread after whatever it is doing: behind
 *   a prompt they wait until the prompt ends (27.9 s measured for a 34 s
 *   sound). We stop our prompts before sending them, so they are quick, but a
 *   prompt we did not start still delays them.
 */
export type AriRequestKind = 'query' | 'control' | 'originate' | 'channel-command';

export interface AriTiming {
  /** Deadline of queries and quick commands (`query`, `control`). */
  requestTimeoutMs: number;
  /** Deadline of an originate, its check-before-retry included. */
  originateTimeoutMs: number;
  /** Deadline of commands that run in the channel's queue, local wait behind the same channel included. */
  channelCommandTimeoutMs: number;
  /**
   * How long an idle connection is kept for reuse. Asterisk closes idle
   * connections after http.conf `session_keep_alive` (default 15 s), and a
   * request sent on a connection at the moment Asterisk closes it fails
   * unexecuted; closing ours well before the server does avoids that race.
   */
  keepAliveMs: number;
  /** Asterisk's `session_keep_alive`, only to check `keepAliveMs` against it. */
  serverKeepAliveMs: number;
  /** Most connections for queries and quick commands. */
  connections: number;
  /** Most connections for channel commands (each may be held by a channel that is busy). */
  channelConnections: number;
}

export const DEFAULT_TIMING: Readonly<AriTiming> = Object.freeze({
  requestTimeoutMs: 5000,
  originateTimeoutMs: 10_000,
  channelCommandTimeoutMs: 10_000,
  keepAliveMs: 4000,
  serverKeepAliveMs: 15_000,
  connections: 32,
  channelConnections: 32,
});

/**
 * Our keep-alive must end well before the server's: both idle timers start at
 * slightly different moments (answer sent vs. answer read) and a busy event loop
 * fires ours late. Half the server's leaves room for both.
 */
export function keepAliveProblem(keepAliveMs: number, serverKeepAliveMs: number): string | null {
  if (keepAliveMs * 2 > serverKeepAliveMs) {
    return `keepAliveMs (${keepAliveMs}) must be at most half of the switch's session_keep_alive (serverKeepAliveMs ${serverKeepAliveMs})`;
  }
  return null;
}

/** Fills in defaults and refuses values that cannot work. */
export function resolveTiming(partial: Partial<AriTiming>): AriTiming {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<AriTiming>;
  const timing: AriTiming = { ...DEFAULT_TIMING, ...defined };
  for (const [key, value] of Object.entries(timing)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ValidationError(`ARI ${key} must be a positive number`, { [key]: value });
    }
  }
  const problem = keepAliveProblem(timing.keepAliveMs, timing.serverKeepAliveMs);
  if (problem) throw new ValidationError(`ARI ${problem}`, { keepAliveMs: timing.keepAliveMs, serverKeepAliveMs: timing.serverKeepAliveMs });
  return timing;
}

export function timeoutFor(kind: AriRequestKind, timing: AriTiming): number {
  switch (kind) {
    case 'originate': return timing.originateTimeoutMs;
    case 'channel-command': return timing.channelCommandTimeoutMs;
    default: return timing.requestTimeoutMs;
  }
}
