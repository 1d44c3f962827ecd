import type { Logger } from 'pino';
import type { Call } from '../call-control/call-control.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import type { CustomerRecognition } from '../customers/customer-recognition.js';
import type { FlowSet } from '../flows/validate-flows.js';
import { SELF_SERVICE_FLOW } from '../flows/all-flows.js';
import { callLogger } from '../log/logger.js';
import { maskPhone } from '../log/mask.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import type { Lang } from '../prompts/spoken.js';
import { classifyTier } from '../routing/classify-tier.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { CallSession, SessionEnd } from './call-session.js';
import { publishOutcome } from './outcome-var.js';
import { runFlow } from './run-flow.js';
import { apologiseAndHangUp, closeRecord } from './close-session.js';
import { recordSafely, type IvrServices } from './step-context.js';

export interface IncomingCallDeps {
  flows: FlowSet;
  /** What the flow steps use; the tier greetings come from `policy`. */
  services: Omit<IvrServices, 'tierGreeting'>;
  recognition: CustomerRecognition;
  policy: RoutingPolicy;
  recorder: CallRecordLog;
  logger: Logger;
  /** Language callers hear unless their account prefers another. */
  defaultLanguage: Lang;
  /** Identifies this service instance in call records. */
  instanceId: string;
  now: () => number;
  /** Called when a session ends (tests and metrics). */
  onSessionEnd?: (callId: string, end: SessionEnd) => void;
}

/**
 * Every call entering the Stasis app starts here: recognise the caller,
 * classify the tier, then run 10001 self-service or the tier's 10000 flow
 * (greeting and menu). Whatever happens, the call record is closed with its outcome and
 * nothing is left running once the caller hangs up.
 */
export function createIncomingCallHandler(deps: IncomingCallDeps) {
  const services: IvrServices = {
    ...deps.services,
    tierGreeting: (tier) => deps.policy.snapshot().tiers[tier].greetingPrompt,
  };
  return async (call: Call): Promise<SessionEnd> => {
    const log = callLogger(deps.logger, call.id, call.callerNumber);
    const arrivedAt = deps.now();
    const session: CallSession = {
      call, log, callId: call.id, callerNumber: call.callerNumber, dialled: call.dialled, arrivedAt,
      lang: deps.defaultLanguage, customer: null, recognition: 'unknown', tier: 'standard', tierReason: 'unknown caller',
      passwordVerified: false, asked: [], menuPath: [], results: {}, vars: {}, transfer: null,
    };
    let end: SessionEnd = { outcome: 'failed' };
    try {
      await recordSafely(deps.recorder, session, { type: 'arrived', dialled: call.dialled, from: maskPhone(call.callerNumber), instance: deps.instanceId });
      log.info({ dialled: call.dialled }, 'call arrived');
      end = await serve(session, deps, services);
    } catch (err) {
      log.error({ err }, 'call failed');
      end = { outcome: 'failed' };
      await apologiseAndHangUp(call, session.lang, log);
    } finally {
      // Whatever failed above, the record is closed and the session reported ended.
      await closeRecord(deps.recorder, session, end, deps.now() - arrivedAt);
      if (end.detached) log.info({ durationMs: deps.now() - arrivedAt }, 'service stopping: call left to its recovery');
      else log.info({ outcome: end.outcome, durationMs: deps.now() - arrivedAt }, 'call ended');
      deps.onSessionEnd?.(call.id, end);
    }
    return end;
  };
}

async function serve(session: CallSession, deps: IncomingCallDeps, services: IvrServices): Promise<SessionEnd> {
  const { call, log } = session;
  await call.answer();
  await recogniseAndClassify(session, deps);
  const snapshot = deps.policy.snapshot();

  if (call.dialled === '10001') {
    return runFlow(session, deps.flows, services, { flow: SELF_SERVICE_FLOW });
  }
  if (call.dialled === '10000') {
    // The tier's flow starts with its greeting.
    return runFlow(session, deps.flows, services, { flow: snapshot.tiers[session.tier].menuFlow });
  }
  log.warn({ dialled: call.dialled }, 'call to a number this service does not serve');
  await publishOutcome(call, { kind: 'hangup', reason: 'unknown number' });
  await call.play([mediaUri('common/goodbye')], { bargeIn: false, language: session.lang });
  await call.hangup('normal');
  return { outcome: 'goodbye' };
}

/**
 * Recognises the caller by number and classifies the tier (recorded as the
 * call's `tier`): for callers, and for customers a campaign called who ask
 * for an agent.
 */
export async function recogniseAndClassify(session: CallSession, deps: Pick<IncomingCallDeps, 'recognition' | 'policy' | 'recorder'>): Promise<void> {
  const { log } = session;
  const recognition = await deps.recognition.recognise(session.callerNumber, log);
  const snapshot = deps.policy.snapshot();
  const customer = recognition.kind === 'customer' ? recognition.customer : null;
  const tier = classifyTier(customer, snapshot.classification, { callerNumber: session.callerNumber });
  session.customer = customer;
  session.recognition = recognition.kind;
  session.tier = tier.tier;
  session.tierReason = recognition.kind === 'unavailable' ? `${tier.reason} (customer backend unavailable)` : tier.reason;
  if (customer?.preferredLanguage) session.lang = customer.preferredLanguage;
  await recordSafely(deps.recorder, session, { type: 'tier', tier: tier.tier, reason: session.tierReason, accountId: customer?.accountId ?? null });
  log.info({ tier: tier.tier, reason: session.tierReason }, 'caller classified');
}
