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
import { recordSafely } from '../ivr/step-context.js';

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
export async function resumeTransferred(release: TransferRelease, toQueue: Need, by: string, deps: ResumeDeps): Promise<SessionEnd> {
  // The context as queued (checked against its schema when read back): none when it was missing or unreadable.
  const context: Partial<CallerContext> = release.context ?? {};
  const call = release.call;
  const log = callLogger(deps.logger, call.id, call.callerNumber);
  const recognition = context.customer ? await deps.recognition.recognise(context.customer.phone, log) : null;
  const session: CallSession = {
    call, log, callId: call.id,
    callerNumber: context.callerNumber || call.callerNumber,
    dialled: context.dialled || call.dialled,
    arrivedAt: release.arrivedAt,
    lang: deps.defaultLanguage,
    customer: recognition?.kind === 'customer' ? recognition.customer : null,
    recognition: recognition?.kind ?? 'unknown',
    tier: context.tier ?? 'standard',
    tierReason: context.tierReason ?? 'transferred',
    passwordVerified: context.passwordVerified === true,
    asked: [...(context.asked ?? [])],
    menuPath: [...(context.menuPath ?? [])],
    results: {},
    vars: {},
    transfer: { from: 'agent', fromQueue: release.fromQueue, fromAgent: release.fromAgent, note: `transferred by ${by}` },
  };
  if (session.customer?.preferredLanguage) session.lang = session.customer.preferredLanguage;
  log.info({ fromQueue: release.fromQueue, toQueue, by }, 'call transferred');
  let end: SessionEnd;
  try {
    end = call.gone ? { outcome: 'caller-hangup' } : await deps.handOff(session, toQueue);
  } catch (err) {
    log.error({ err }, 'transfer failed');
    end = { outcome: 'failed' };
    await call.hangup('normal');
  }
  if (!end.recorded) {
    await recordSafely(deps.recorder, session, { type: 'ended', outcome: end.outcome, durationMs: deps.clock.now() - release.arrivedAt });
  }
  return end;
}
