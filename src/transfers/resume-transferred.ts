import type { Logger } from 'pino';
import type { TransferRelease } from '../acd/call-connector.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import type { CustomerRecognition } from '../customers/customer-recognition.js';
import { callLogger } from '../log/logger.js';
import type { Lang } from '../prompts/spoken.js';
import type { Clock } from '../time/clock.js';
import type { CallerContext, Need } from '../routing/types.js';
import type { CallSession, SessionEnd } from '../ivr/call-session.js';
import type { HandOff } from '../ivr/step-context.js';
import { apologiseAndHangUp, closeRecord } from '../ivr/close-session.js';

export interface ResumeDeps {
  handOff: HandOff;
  recognition: CustomerRecognition;
  recorder: CallRecordLog;
  logger: Logger;
  defaultLanguage: Lang;
  clock: Clock;
}

/**
 * A caller an agent transferred (rule 3): routed again to the target queue
 * with the transfer priority, keeping everything the call came with — tier,
 * identity, password already verified, what was asked — so the next agent
 * sees it and the caller is asked nothing again.
 */
export async function resumeTransferred(release: TransferRelease, toQueue: Need, by: string, deps: ResumeDeps, reason: string | null = null): Promise<SessionEnd> {
  // The context as queued (checked against its schema when read back): none when it was missing or unreadable.
  const context: Partial<CallerContext> = release.context ?? {};
  const call = release.call;
  const log = callLogger(deps.logger, call.id, call.callerNumber);
  const session: CallSession = {
    call, log, callId: call.id,
    callerNumber: context.callerNumber || call.callerNumber,
    dialled: context.dialled || call.dialled,
    arrivedAt: release.arrivedAt,
    lang: deps.defaultLanguage,
    customer: null,
    recognition: 'unknown',
    tier: context.tier ?? 'standard',
    tierReason: context.tierReason ?? 'transferred',
    passwordVerified: context.passwordVerified === true,
    asked: [...(context.asked ?? [])],
    menuPath: [...(context.menuPath ?? [])],
    results: {},
    vars: {},
    transfer: { from: 'agent', fromQueue: release.fromQueue, fromAgent: release.fromAgent, note: `transferred by ${by}`, ...(reason ? { reason } : {}) },
  };
  log.info({ fromQueue: release.fromQueue, toQueue, by }, 'call transferred');
  let end: SessionEnd = { outcome: 'failed' };
  try {
    if (context.customer) {
      const recognition = await deps.recognition.recognise(context.customer.phone, log);
      session.recognition = recognition.kind;
      if (recognition.kind === 'customer') session.customer = recognition.customer;
    }
    if (session.customer?.preferredLanguage) session.lang = session.customer.preferredLanguage;
    end = call.gone ? { outcome: 'caller-hangup' } : await deps.handOff(session, toQueue);
  } catch (err) {
    log.error({ err }, 'transfer failed');
    end = { outcome: 'failed' };
    await apologiseAndHangUp(call, session.lang, log);
  } finally {
    // The call's `transferred` is written; whatever failed since, so is its end.
    await closeRecord(deps.recorder, session, end, deps.clock.now() - release.arrivedAt);
  }
  return end;
}
