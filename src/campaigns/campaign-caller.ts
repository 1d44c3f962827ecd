import type { Call } from '../call-control/call-control.js';
import type { Lang } from '../prompts/spoken.js';
import type { CampaignContext } from '../routing/types.js';

/**
 * A customer on a campaign's call who pressed 0, as the hand-off to an agent
 * needs to see them. The IVR takes them through the normal 10000 routing
 * (recognised by number, classified, queued) with the campaign in the call's
 * context; the service wiring hands it over.
 */
export interface CampaignCaller {
  readonly call: Call;
  readonly number: string;
  readonly lang: Lang;
  readonly campaign: CampaignContext;
}

/** Resolves once the call has ended, or was left to its recovery (the service stopping). */
export type CampaignAgentHandOff = (caller: CampaignCaller) => Promise<void>;
