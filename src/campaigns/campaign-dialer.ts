import type { Call, CallControl, OriginateResult } from '../call-control/call-control.js';
import { AMOUNT_DUE_VAR, CAMPAIGN_RESULTS } from '../flows/campaign-flows.js';
import type { DialogueLine } from '../flows/dialogue-context.js';
import { runDialogue } from '../flows/run-dialogue.js';
import type { FlowSet } from '../flows/validate-flows.js';
import type { Logger } from '../log/logger.js';
import { maskPhone } from '../log/mask.js';
import { customerDialString } from '../outbound/dial-template.js';
import { OUTBOUND_LEG_ARGS } from '../outbound/outbound-legs.js';
import type { OutboundConfig } from '../outbound/outbound-config.js';
import type { TryLease } from '../outbound/try-lease.js';
import type { Lang } from '../prompts/spoken.js';
import type { Clock } from '../time/clock.js';
import type { QuietHours } from '../time/quiet-hours.js';
import type { Campaign } from './campaign.js';
import type { CampaignAgentHandOff } from './campaign-caller.js';
import type { CampaignStore, SettleOutcome, StartedDial } from './campaign-store.js';
import type { DoNotCallList } from './do-not-call.js';

/** The switch connection is down: the try waits (its job is retried) rather than fail. */
export class SwitchNotReadyError extends Error {
  constructor() {
    super('the switch connection is not ready; the campaign dial will be made when it is');
    this.name = 'SwitchNotReadyError';
  }
}

export interface DialerDeps {
  store: CampaignStore;
  dnc: DoNotCallList;
  callControl: CallControl;
  outbound: OutboundConfig;
  quiet: QuietHours;
  /** The flows a campaign may name, and a campaign's own flow once checked (see CampaignFlows). */
  flowsOf: (campaign: Campaign) => FlowSet;
  handOff: CampaignAgentHandOff | null;
  defaultLanguage: Lang;
  clock: Clock;
  logger: Logger;
  timeScale: number;
  /** Told after each try ends (progress to the stream and the metrics). */
  settled: (dial: StartedDial, outcome: SettleOutcome, detail: string) => void;
}

export type Settle = (outcome: SettleOutcome, detail: string, extra?: Parameters<CampaignStore['settle']>[4]) => Promise<string>;

/** Ends one try (once: a second settle of the same try does nothing) and tells the campaigns; returns how it ended. */
export function settler(deps: DialerDeps, dial: StartedDial): Settle {
  return async (outcome, detail, extra = {}) => {
    if (await deps.store.settle(dial, deps.clock.now(), outcome, detail, extra)) deps.settled(dial, outcome, detail);
    return outcome === 'retry' || outcome === 'requeue' ? `${outcome}:${detail}` : outcome;
  };
}

/** A customer who did not answer (or was busy): the retry plan — again after the delay, or unreached after the last try. */
export function unanswered(deps: DialerDeps, campaign: Campaign, dial: StartedDial, why: string, settle: Settle): Promise<string> {
  if (dial.attempt >= campaign.limits.attempts) return settle('unreached', why);
  const retryAt = deps.quiet.nextAllowed(deps.clock.now() + campaign.limits.retryDelaySec * 1000);
  return settle('retry', why, { retryAt });
}

/** The leg of one try: fixed by the try, so a dial made twice would show as two originates of one id. */
export function campaignLeg(dial: StartedDial): string {
  return `cmp-${dial.campaignId}-${dial.number}-${dial.attempt}`;
}

/**
 * Hangs up what is left of the leg of a try whose run is gone, and says
 * whether the customer provably heard nothing: 'ringing' when the switch
 * still had the leg unanswered (any state but Up) and it was hung up so;
 * 'unknown' when it was up, already gone, or the switch could not say.
 * The leg's state is read before the hang-up: one that ended between the
 * two may have been answered first, so it counts as unknown.
 */
export async function hangUpInterruptedLeg(callControl: CallControl, leg: string, log: Logger): Promise<'ringing' | 'unknown'> {
  let state: string | null = null;
  try {
    state = await callControl.legState(leg);
  } catch (err) {
    log.warn({ err }, 'the switch could not say whether the interrupted campaign leg was answered');
  }
  const hungUp = await callControl.hangUpLeg(leg);
  return state !== null && state !== 'Up' && hungUp ? 'ringing' : 'unknown';
}

/**
 * A try claimed by a run that is gone ends without a new dial. Its leg found
 * still ringing: the customer heard nothing, so it ends as a no-answer and
 * the retry plan applies. Otherwise it ends the number: answered if the
 * customer's answer was noted, else failed ("interrupted") — never dialled
 * again, since the customer may have answered while nobody was there to note it.
 */
export async function endInterrupted(deps: DialerDeps, campaign: Campaign, dial: StartedDial, leftover: 'ringing' | 'unknown', settle: Settle): Promise<string> {
  const answered = await deps.store.answeredTry(dial);
  const log = deps.logger.child({ campaign: dial.campaignId, to: maskPhone(dial.number), attempt: dial.attempt });
  if (leftover === 'ringing' && !answered) {
    log.warn('campaign dial interrupted while the customer was still being rung; ended as no answer');
    return unanswered(deps, campaign, dial, 'no-answer', settle);
  }
  log.warn({ answered }, 'campaign dial interrupted; this try is not dialled again');
  return settle(answered ? 'answered' : 'failed', 'interrupted');
}

/**
 * One try of one number, by the run holding its lease (see TryLeases):
 * claim the dial (once per try), dial, run the campaign's message flow, and
 * end the try with its result. A run that finds the try claimed before
 * (its run died) never dials that try again: whatever is left of the leg
 * goes and the try ends (see endInterrupted).
 */
export async function dialOnce(deps: DialerDeps, dial: StartedDial, lease: TryLease): Promise<string> {
  const { store } = deps;
  const log = deps.logger.child({ campaign: dial.campaignId, to: maskPhone(dial.number), attempt: dial.attempt });
  const campaign = await store.get(dial.campaignId);
  if (!campaign) return 'no-campaign';
  const settle = settler(deps, dial);
  // Nothing can be dialled without the switch (a service starting, a lost connection): the job is retried, the try not spent.
  if (!deps.callControl.ready) throw new SwitchNotReadyError();
  const claim = await store.claim(dial, 30 * 86_400, lease.fence);
  if (claim === 'lease-lost' || claim === 'not-dialling') return claim;
  if (claim === 'do-not-call') return settle('skipped', 'do-not-call');
  const leg = campaignLeg(dial);
  if (claim === 'claimed-before') return endInterrupted(deps, campaign, dial, await hangUpInterruptedLeg(deps.callControl, leg, log), settle);
  const target = await store.target(campaign.id, dial.number);
  let result: OriginateResult;
  try {
    result = await deps.callControl.originate({
      endpoint: customerDialString(deps.outbound.dialTemplate, dial.number),
      callerId: deps.outbound.callerId,
      timeoutSec: deps.outbound.ringSec,
      channelId: leg,
      args: [OUTBOUND_LEG_ARGS.campaign, campaign.id],
      variables: { HOTLINE_CAMPAIGN: campaign.id },
    });
  } catch (err) {
    log.warn({ err }, 'could not dial a campaign number');
    result = { kind: 'failed', cause: null, message: (err as Error).message };
  }
  if (!(await lease.held())) {
    // Silent longer than the lease: the run that took the try over owns it now.
    if (result.kind === 'answered') await result.call.hangup();
    return 'taken-over';
  }
  if (result.kind !== 'answered') {
    const why = result.kind === 'busy' ? 'busy' : result.kind === 'no-answer' ? 'no-answer' : 'failed';
    return why === 'failed' ? settle('failed', result.kind) : unanswered(deps, campaign, dial, why, settle);
  }
  await store.markAnswered(dial);
  return converse(deps, campaign, dial, result.call, target?.amountDue ?? null, target?.lang ?? deps.defaultLanguage, settle, log);
}

async function converse(
  deps: DialerDeps, campaign: Campaign, dial: StartedDial, call: Call, amountDue: number | null, lang: Lang,
  settle: Settle, log: Logger,
): Promise<string> {
  // Every key the customer chose, in order: the flow keeps only the last one in its variable.
  const keys: string[] = [];
  const vars = new Proxy<Record<string, string>>(amountDue === null ? {} : { [AMOUNT_DUE_VAR]: amountDue.toFixed(2) }, {
    set(target, name, value) {
      if (typeof value === 'string' && /^\d$/.test(value) && name !== AMOUNT_DUE_VAR) keys.push(value);
      target[name as string] = value as string;
      return true;
    },
  });
  const line: DialogueLine = { call, log, callerNumber: dial.number, lang, vars };
  const end = await runDialogue(line, deps.flowsOf(campaign), { flow: campaign.flowId }, { timeScale: deps.timeScale });
  const listened = end.kind === 'done';
  const result = end.kind === 'done' ? end.result : 'hung-up';
  if (result === CAMPAIGN_RESULTS.optOut) {
    await deps.dnc.add([dial.number], `campaign:${campaign.id}`, deps.clock.now());
    log.info('customer asked not to be called again: on the do-not-call list');
  }
  const summary = { keys: keys.join(''), listened };
  if (result === CAMPAIGN_RESULTS.agent && deps.handOff && !call.gone) {
    // The try is ended before an agent is sought: a customer waiting for one holds no dial slot.
    const outcome = await settle('answered', result, summary);
    await deps.handOff({ call, number: dial.number, lang, campaign: { id: campaign.id, name: campaign.name, kind: campaign.kind } });
    return outcome;
  }
  // Hung up before the slot is given back: the switch never carries more of the campaign's calls than its limit.
  if (!call.gone) await call.hangup();
  return settle('answered', result, summary);
}
