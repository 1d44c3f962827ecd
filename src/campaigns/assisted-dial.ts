import { ringVerdict } from '../acd/agent-offer.js';
import type { VirtualCalls, VirtualEntry } from '../acd/virtual-calls.js';
import type { VirtualOffer } from '../acd/virtual-offer.js';
import type { Bridge, Call, OriginateResult } from '../call-control/call-control.js';
import { maskPhone } from '../log/mask.js';
import { customerDialString } from '../outbound/dial-template.js';
import { hangUpLeftover, OUTBOUND_LEG_ARGS } from '../outbound/outbound-legs.js';
import type { TryLease } from '../outbound/try-lease.js';
import type { QuietHours } from '../time/quiet-hours.js';
import type { Campaign, CampaignPacing, Target } from './campaign.js';
import { campaignLeg, endInterrupted, hangUpInterruptedLeg, settler, SwitchNotReadyError, unanswered, type DialerDeps, type Settle } from './campaign-dialer.js';
import type { StartedDial } from './campaign-store.js';

/** The kind of the ACD's virtual calls that are agent-assisted campaign tries (see virtualKindOf). */
export const ASSISTED_KIND = 'cmp';

/** An ACD reservation of an agent for one try of an agent-assisted campaign. */
export interface AssistedDial extends StartedDial {
  offeredAt: number;
}

export interface AssistedDeps extends DialerDeps {
  virtual: VirtualCalls;
}

/** The try's place in the ACD: fixed by the try, so it is queued once however often it is looked for. */
export function assistedCallId(dial: StartedDial): string {
  return `${ASSISTED_KIND}-${dial.campaignId}-${dial.number}-${dial.attempt}`;
}

/** The try a place in the ACD stands for; null for a place of another kind. */
export function dialOfAssisted(callId: string): StartedDial | null {
  const m = /^cmp-([a-z0-9]+)-(\+?\d+)-(\d+)$/.exec(callId);
  return m ? { campaignId: m[1]!, number: m[2]!, attempt: Number(m[3]) } : null;
}

/**
 * The place a try of an agent-assisted campaign waits in for an agent: the
 * skill's queue, below every live caller (priority 0, no aging), so the
 * campaign takes only the agents the inbound calls leave free. The agent's
 * desk sees the campaign in the context (HOTLINE_CAMPAIGN) and the account.
 */
export function assistedEntry(campaign: Campaign, pacing: Extract<CampaignPacing, { mode: 'assisted' }>, dial: StartedDial, target: Target | null, now: number): VirtualEntry {
  const id = assistedCallId(dial);
  return {
    id, queue: pacing.queue, skill: pacing.skill, minAgentLevel: 1, priority: 0, preferHighestLevel: false, overflow: null, tier: 'standard',
    enqueuedAt: now, arrivedAt: now, number: dial.number, reason: `campaign ${campaign.name}`,
    context: {
      callId: id, callerNumber: dial.number, dialled: dial.number,
      customer: target?.accountId ? { accountId: target.accountId, name: '', phone: dial.number } : null,
      tier: 'standard', tierReason: 'outbound campaign', passwordVerified: false, asked: [], menuPath: [], transfer: null,
      campaign: { id: campaign.id, name: campaign.name, kind: campaign.kind },
    },
  };
}

/** Why a try waiting for an agent must not be dialled now (the campaign paused or stopped, its window over, quiet hours); null when it may. */
export function heldBack(campaign: Campaign, now: number, quiet: QuietHours): string | null {
  if (campaign.status !== 'running') return campaign.status;
  if (now >= campaign.endAt) return 'window-ended';
  return quiet.isQuiet(now) ? 'quiet-hours' : null;
}

/**
 * One ACD reservation of an agent for a try of an agent-assisted campaign
 * (progressive dialling), by the run holding the try's lease:
 *
 * 1. ring the reserved agent (the customer's number shown, the campaign in
 *    the channel variables); no answer, busy or unreachable: the agent is
 *    paused as for any call and the try waits for the next free agent;
 * 2. claim the dial (once per try, the do-not-call list checked again), then
 *    dial the customer while the agent hears music;
 * 3. answered: the customer is bridged to the agent at once and the
 *    conversation followed to its end (the agent to wrap-up as after any call);
 * 4. no answer or busy: the agent is released without blame and the number
 *    follows the campaign's retry plan; a failed dial ends the number.
 *
 * A try never rung (the campaign paused, quiet hours, its window over) gives
 * the agent back and its attempt too. A run finding the try claimed before
 * does not dial it: whatever is left of the legs goes, and the try ends as
 * the plain dialler's does (see endInterrupted: a no-answer when the
 * customer's leg was still ringing, else answered if noted, else failed).
 */
export async function dialAssisted(deps: AssistedDeps, job: AssistedDial, lease: TryLease): Promise<string> {
  const campaign = await deps.store.get(job.campaignId);
  if (!campaign) return 'no-campaign';
  const settle = settler(deps, job);
  if (!deps.callControl.ready) throw new SwitchNotReadyError();
  const offer = await deps.virtual.offer({ call: assistedCallId(job), offeredAt: job.offeredAt });
  if (await deps.store.claimed(job)) return resume(deps, campaign, job, offer, settle);
  if (!offer) return 'stale';
  if (offer.state !== 'reserved') {
    // An earlier run rang the agent and stopped before the customer was dialled: that leg is stale, the try waits again.
    await hangUpLeftover(offer.callControl, offer.leg);
    await offer.release('requeue');
    return 'agent-leg-lost';
  }
  const now = deps.clock.now();
  const held = heldBack(campaign, now, deps.quiet);
  if (held) {
    await offer.release('remove');
    return settle('requeue', held, { retryAt: held === 'quiet-hours' ? deps.quiet.nextAllowed(now) : now });
  }
  if (await deps.dnc.has(job.number)) {
    // Put on the list while the try waited: no agent is rung for a call that will not be made (the claim checks again).
    await offer.release('remove');
    return settle('skipped', 'do-not-call');
  }
  const agentLeg = `agent-${assistedCallId(job)}-${offer.offeredAt}`;
  if (!(await lease.held())) return 'taken-over';
  const rung = await offer.ring(agentLeg, { callerId: job.number, args: [OUTBOUND_LEG_ARGS.campaignAgent, campaign.id] });
  if (rung === 'stale') return 'stale';
  const verdict = ringVerdict(rung);
  if (verdict.kind === 'refused') {
    // The agent's doing: paused as for a declined call; the try keeps its place for the next free agent.
    await offer.refused(verdict.result);
    return 'agent-refused';
  }
  if (verdict.kind !== 'answered') {
    if (verdict.kind === 'cancelled' || (await offer.switchFault(verdict.detail, 'ring')) === 'interrupted') await offer.release('requeue');
    return 'switch-fault';
  }
  return dialCustomer(deps, campaign, job, offer, verdict.call, lease, settle);
}

async function dialCustomer(deps: AssistedDeps, campaign: Campaign, job: AssistedDial, offer: VirtualOffer, agentCall: Call, lease: TryLease, settle: Settle): Promise<string> {
  const log = deps.logger.child({ campaign: campaign.id, to: maskPhone(job.number), attempt: job.attempt, agent: offer.agent });
  // Music first: between the claim and the dial nothing else is asked of the switch (a crash there ends the try undialled).
  await agentCall.startMoh();
  const claim = await deps.store.claim(job, 30 * 86_400, lease.fence);
  if (claim !== 'claimed') {
    await agentCall.hangup();
    if (claim === 'lease-lost') return claim;
    await offer.release('remove');
    return claim === 'do-not-call' ? settle('skipped', 'do-not-call') : claim;
  }
  // The agent hanging up while the customer rings ends the customer's dial too.
  const agentLeft = new AbortController();
  const off = agentCall.on((event) => {
    if (event.type === 'hangup' || event.type === 'end') agentLeft.abort();
  });
  let result: OriginateResult;
  try {
    result = await offer.callControl.originate({
      endpoint: customerDialString(deps.outbound.dialTemplate, job.number), callerId: deps.outbound.callerId, timeoutSec: deps.outbound.ringSec,
      channelId: campaignLeg(job), args: [OUTBOUND_LEG_ARGS.campaign, campaign.id], variables: { HOTLINE_CAMPAIGN: campaign.id }, signal: agentLeft.signal,
    });
  } catch (err) {
    log.warn({ err }, 'could not dial a campaign number');
    result = { kind: 'failed', cause: null, message: (err as Error).message };
  } finally {
    off();
  }
  if (!(await lease.held())) {
    await Promise.allSettled([agentCall.hangup(), result.kind === 'answered' ? result.call.hangup() : null]);
    return 'taken-over';
  }
  if (result.kind !== 'answered') {
    await agentCall.hangup();
    if (result.kind === 'cancelled') {
      // The agent left while the customer was rung: the agent paused as for a declined call, the number tried again per plan.
      await offer.refused('no-answer');
      return unanswered(deps, campaign, job, 'agent-dropped', settle);
    }
    // The customer's doing, never the agent's: available again at once.
    await offer.release('remove');
    if (result.kind === 'busy' || result.kind === 'no-answer') return unanswered(deps, campaign, job, result.kind, settle);
    return settle('failed', result.kind);
  }
  const customer = result.call;
  await deps.store.markAnswered(job);
  return converse(offer, agentCall, customer, settle, log);
}

async function converse(offer: VirtualOffer, agentCall: Call, customer: Call, settle: Settle, log: DialerDeps['logger']): Promise<string> {
  let bridge: Bridge | null = null;
  try {
    if (agentCall.gone) throw new Error('the agent hung up as the customer answered');
    bridge = await offer.callControl.createBridge(`campaign-${offer.callId}`);
    await agentCall.stopMoh();
    await bridge.add(agentCall);
    await bridge.add(customer);
    if (!(await offer.connected(bridge.id))) throw new Error('the agent was taken off the offer while bridging');
  } catch (err) {
    log.warn({ err }, 'the customer answered but could not be put through to the agent');
    await Promise.allSettled([customer.hangup(), agentCall.hangup(), bridge?.destroy()]);
    await offer.release('remove');
    return settle('failed', 'not-bridged');
  }
  log.info('campaign customer bridged to the agent');
  const by = await Promise.race([agentCall.ended.then(() => 'agent' as const), customer.ended.then(() => 'caller' as const)]);
  await Promise.allSettled([by === 'agent' ? customer.hangup() : agentCall.hangup(), bridge.destroy()]);
  await offer.ended(by);
  return settle('answered', 'agent', { keys: '', listened: false });
}

/** The try was claimed by a run that is gone: not dialled by this run; what is left of it goes and the try ends as the plain dialler's does. */
async function resume(deps: AssistedDeps, campaign: Campaign, job: AssistedDial, offer: VirtualOffer | null, settle: Settle): Promise<string> {
  const callControl = offer?.callControl ?? deps.callControl;
  const log = deps.logger.child({ campaign: job.campaignId, to: maskPhone(job.number), attempt: job.attempt });
  const leftover = await hangUpInterruptedLeg(callControl, campaignLeg(job), log);
  await hangUpLeftover(callControl, offer?.leg ?? null);
  if (offer?.state === 'bridged') await offer.ended('system');
  else if (offer) await offer.release('remove');
  return endInterrupted(deps, campaign, job, leftover, settle);
}
