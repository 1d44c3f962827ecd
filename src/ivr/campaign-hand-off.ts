import type { Logger } from 'pino';
import type { Call } from '../call-control/call-control.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import type { CustomerRecognition } from '../customers/customer-recognition.js';
import { callLogger } from '../log/logger.js';
import { maskPhone } from '../log/mask.js';
import type { Lang } from '../prompts/spoken.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { CampaignContext, Need, TierId } from '../routing/types.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import type { CallSession, SessionEnd } from './call-session.js';
import { apologiseAndHangUp, closeRecord } from './close-session.js';
import { recogniseAndClassify } from './incoming-call-handler.js';
import { recordSafely } from './step-context.js';

export interface CampaignHandOffDeps {
  /** The transfer step's hand-off: route, announce, queue, wait. */
  handOff: (session: CallSession, need: Need | null) => Promise<SessionEnd>;
  recognition: CustomerRecognition;
  policy: RoutingPolicy;
  recorder: CallRecordLog;
  logger: Logger;
  instanceId: string;
  now: () => number;
  /** The recording notice a tier's callers hear when its conversations may be recorded (as in the greeting). */
  recordingNotice?: (tier: TierId) => string | null;
  /** Called when the session ends (tests and metrics), as for a caller. */
  onSessionEnd?: (callId: string, end: SessionEnd) => void;
}

/** A reminder is about a bill: the billing agents take it. A notice goes to the general agents. */
const NEED_OF: Record<CampaignContext['kind'], Need | null> = { reminder: 'billing', notice: null };

/**
 * A customer a campaign called pressed 0: from here they are served like a
 * caller of 10000 who asked for a human — recognised by their number,
 * classified, routed by the five rules and queued — with the campaign in the
 * call's context, so the agent knows why we called. The call gets a record
 * of its own (arrived, tier, route, ... ended) like any call.
 */
export function createCampaignHandOff(deps: CampaignHandOffDeps) {
  return async (caller: { call: Call; number: string; lang: Lang; campaign: CampaignContext }): Promise<void> => {
    const { call } = caller;
    const log = callLogger(deps.logger, call.id, caller.number).child({ campaign: caller.campaign.id });
    const arrivedAt = deps.now();
    const session: CallSession = {
      call, log, callId: call.id, callerNumber: caller.number, dialled: '10000', arrivedAt,
      lang: caller.lang, customer: null, recognition: 'unknown', tier: 'standard', tierReason: 'unknown caller',
      passwordVerified: false, asked: [], menuPath: [], results: {}, vars: {}, transfer: null, campaign: caller.campaign,
    };
    let end: SessionEnd = { outcome: 'failed' };
    try {
      await recordSafely(deps.recorder, session, { type: 'arrived', dialled: '10000', from: maskPhone(caller.number), instance: deps.instanceId });
      await recogniseAndClassify(session, deps);
      await tellMayBeRecorded(session, deps, log);
      end = await deps.handOff(session, NEED_OF[caller.campaign.kind]);
    } catch (err) {
      log.error({ err }, 'handing a campaign call to an agent failed');
      end = { outcome: 'failed' };
      await apologiseAndHangUp(call, session.lang, log);
    } finally {
      await closeRecord(deps.recorder, session, end, deps.now() - arrivedAt);
      log.info({ outcome: end.outcome, detached: end.detached ?? false }, 'campaign call to an agent ended');
      deps.onSessionEnd?.(call.id, end);
    }
  };
}

/**
 * The customer heard the campaign's message, not a greeting: before they talk
 * to an agent whose conversation may be recorded, they are told so, as a
 * caller of 10000 is. A customer gone meanwhile is found by the hand-off.
 */
async function tellMayBeRecorded(session: CallSession, deps: CampaignHandOffDeps, log: Logger): Promise<void> {
  const notice = deps.recordingNotice?.(session.tier) ?? null;
  if (!notice || session.call.gone) return;
  try {
    await session.call.play([mediaUri(notice)], { bargeIn: false, language: session.lang });
  } catch (err) {
    log.warn({ err }, 'the recording notice could not be played');
  }
}
