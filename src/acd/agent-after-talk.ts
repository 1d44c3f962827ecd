import type { AcdContext } from './acd-context.js';
import { IllegalAgentTransitionError } from './acd-errors.js';
import type { AgentUpdater } from './agent-updater.js';

/**
 * The agent is done talking: wrap-up for the queue's time (then available via
 * the shared timetable), the call record removed and its handle time kept
 * for the estimated wait. False when the call had already been finished.
 */
export async function afterTalk(ctx: AcdContext, callId: string, queue: string, agent: string, talkMs: number, endedAt: number): Promise<boolean> {
  const wrapMs = ctx.settings(queue).wrapUpSec * 1000;
  try {
    const outcome = await ctx.updater.command(agent, { type: 'hangup', talkMs }, {
      call: () => ({ op: 'remove', call: callId, expect: ['bridged'], agent, handleMs: talkMs + wrapMs }),
      timer: (next) => (next.state === 'wrap-up' && wrapMs > 0 ? { member: `w:${agent}`, at: endedAt + wrapMs } : null),
    });
    if (outcome.kind === 'call-changed') {
      ctx.logger.warn({ callId, agent }, 'bridged call was already finished');
      return false;
    }
    if (wrapMs === 0) await wrapUpDone(ctx.updater, agent);
    return true;
  } catch (err) {
    ctx.logger.error({ err, callId, agent }, 'could not put the agent in wrap-up; removing the call');
    const result = await ctx.store.apply(null, { op: 'remove', call: callId, expect: ['bridged'] });
    ctx.handleResult(result);
    return result.status === 'ok';
  }
}

/** End of wrap-up: available (or the pause/logout asked for during the call). False when the agent was not in wrap-up. */
export async function wrapUpDone(updater: AgentUpdater, agent: string): Promise<boolean> {
  try {
    await updater.command(agent, { type: 'wrap-up-done' });
    return true;
  } catch (err) {
    if (err instanceof IllegalAgentTransitionError) return false;
    throw err;
  }
}
