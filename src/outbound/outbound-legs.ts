import type { Call, CallControl } from '../call-control/call-control.js';

/**
 * Stasis arguments of the legs this service originates to agents and
 * customers. Asterisk sends an originated leg into the app with its args
 * when it answers; normally the originate waiting for it takes it, but a leg
 * that answers after a service restart arrives as a new StasisStart, and the
 * incoming-call handler must not treat it as a caller (see isOutboundLeg).
 */
export const OUTBOUND_LEG_ARGS = {
  callbackAgent: 'callback-agent',
  callbackCustomer: 'callback',
  survey: 'survey',
  campaign: 'campaign',
  campaignAgent: 'campaign-agent',
} as const;

const ARGS: ReadonlySet<string> = new Set(Object.values(OUTBOUND_LEG_ARGS));

/** True for a leg originated by the callbacks, the surveys or the campaigns (never a caller). */
export function isOutboundLeg(call: Pick<Call, 'args'>): boolean {
  return call.args.length > 0 && ARGS.has(call.args[0]!);
}

/** Hangs up a leg left by an earlier run, if it is still there — in this instance's app or another's. */
export async function hangUpLeftover(callControl: CallControl, channelId: string | null): Promise<void> {
  if (!channelId) return;
  await callControl.hangUpLeg(channelId);
}
