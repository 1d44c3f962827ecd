import type { DeepReadonly } from '../config/load-config.js';
import { applyMenuOrder, type IvrConfig } from '../flows/menu-order.js';
import type { FlowInput } from '../flows/flow-schema.js';
import { type PromptCatalog, validateFlows, type FlowSet } from '../flows/validate-flows.js';
import type { Lang } from '../prompts/spoken.js';
import type { QueuesConfig } from '../routing/queues-config.js';
import { RoutingPolicy } from '../routing/routing-policy.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import { TIER_IDS } from '../routing/tier-rank.js';
import type { TiersConfig } from '../routing/tiers-config.js';
import type { TierId } from '../routing/types.js';
import { type CallerPath, walkPath } from './caller-path.js';
import type { CallerTimeConfig } from './caller-time-config.js';
import { RECORDING_NOTICE_PROMPT } from '../flows/recording-notice.js';
import { mayRecordTier, type RecordingsConfig } from '../recordings/recordings-config.js';

/** What the caller times are computed from: the flows as the service runs them, routing, the budgets. */
export interface CallerTimeModel {
  flows: FlowSet;
  routing: RoutingSnapshot;
  budgetsSec: Readonly<Record<TierId, number>>;
  complaintQueue: string;
  /** The access number the tiers' menus answer. */
  dialled: string;
  /** Said after a tier's greeting where its calls may be recorded; null elsewhere. */
  recordingNotice: (tier: TierId) => string | null;
}

/** The sections of the configuration the model reads (the service's whole configuration fits). */
export interface CallerTimeSettings {
  ivr: DeepReadonly<IvrConfig>;
  routing: DeepReadonly<TiersConfig>;
  queues: DeepReadonly<QueuesConfig>;
  callerTime: DeepReadonly<CallerTimeConfig>;
  care: { readonly complaints: { readonly queue: string } };
  /** Whether and for which tiers conversations are recorded: the greeting then says so. Absent: nothing recorded. */
  recordings?: DeepReadonly<Pick<RecordingsConfig, 'enabled' | 'recordCalls'>>;
}

/** The menus answer 10000; 10001 is self-service and rings no agent by itself. */
const MENU_NUMBER = '10000';

/**
 * The model as the service builds it at start-up: the configured menu order
 * put into the flows, the whole set validated, the routing snapshot of the
 * configuration.
 */
export function callerTimeModel(settings: CallerTimeSettings, flows: readonly FlowInput[], prompts: PromptCatalog): CallerTimeModel {
  const routing = new RoutingPolicy({ routing: settings.routing, queues: settings.queues }).snapshot();
  return {
    flows: validateFlows(applyMenuOrder(flows, settings.ivr.menuOrder), prompts),
    routing,
    budgetsSec: settings.callerTime.budgetsSec,
    complaintQueue: settings.care.complaints.queue,
    dialled: MENU_NUMBER,
    recordingNotice: (tier) => (settings.recordings && mayRecordTier(settings.recordings, tier) ? RECORDING_NOTICE_PROMPT : null),
  };
}

export interface TierCallerTime {
  tier: TierId;
  /** The tier's 10000 flow. */
  flow: string;
  /** Nothing pressed anywhere. */
  noKey: CallerPath;
  /** The most used choice at each menu; `key` is the first one pressed, null when none is. */
  common: CallerPath & { key: string | null };
  budgetSec: number;
  /** The common path rings an agent within the budget (its seconds as shown, to one decimal). */
  withinBudget: boolean;
}

/**
 * Seconds from the answer of a 10000 call to an agent's phone ringing, with
 * agents free, for every tier: with no key pressed and with the most used
 * key, each path explained step by step, against the tier's budget.
 */
export function callerTimes(model: CallerTimeModel, lang: Lang, seconds: (promptId: string) => number): TierCallerTime[] {
  return TIER_IDS.map((tier) => {
    const flow = model.routing.tiers[tier].menuFlow;
    const notice = model.recordingNotice(tier);
    const greeting = [model.routing.tiers[tier].greetingPrompt, ...(notice ? [notice] : [])];
    const world = { flows: model.flows, routing: model.routing, tier, greeting, dialled: model.dialled, complaintQueue: model.complaintQueue, lang, seconds };
    const noKey = walkPath(world, 'silent', { flow });
    const common = walkPath(world, 'common', { flow });
    const budgetSec = model.budgetsSec[tier];
    return {
      tier,
      flow,
      noKey,
      common: { ...common, key: common.keys[0] ?? null },
      budgetSec,
      withinBudget: common.seconds !== null && roundTenth(common.seconds) <= budgetSec,
    };
  });
}

/**
 * Every prompt a caller hears on the paths measured, in the order first heard:
 * what must have audio before the times mean anything (the paths do not
 * depend on how long prompts are).
 */
export function promptsOnPaths(model: CallerTimeModel, lang: Lang): string[] {
  const ids = new Set<string>();
  for (const tier of callerTimes(model, lang, () => 0)) {
    for (const step of [...tier.noKey.steps, ...tier.common.steps]) if (step.kind === 'heard') ids.add(step.what);
  }
  return [...ids];
}

/** Seconds to one decimal, as the report shows them. */
export function roundTenth(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
