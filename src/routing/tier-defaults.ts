import type { TierId } from '../customers/customer.js';
import { DAY_SEC, HOUR_SEC } from './config-fields.js';
import type { TierPolicy } from './tier-policy.js';

/** The tier table (README, "Value tiers and routing"), used for any key the configuration leaves out. */
export const DEFAULT_TIER_POLICIES: Readonly<Record<TierId, TierPolicy>> = {
  diamond: {
    greetingPrompt: 'greet/diamond',
    menuFlow: '10000-diamond',
    queuePriority: 100,
    serviceLevelTarget: { percent: 95, seconds: 10 },
    minAgentLevel: 4,
    callbackOfferThresholdSec: 30,
    callbackDeadlineSec: 15 * 60,
    followUpDelaySec: 2 * HOUR_SEC,
    complaintDeadlineSec: 4 * HOUR_SEC,
    holdAnnouncementIntervalSec: 30,
  },
  gold: {
    greetingPrompt: 'greet/gold',
    menuFlow: '10000-gold',
    queuePriority: 80,
    serviceLevelTarget: { percent: 90, seconds: 15 },
    minAgentLevel: 3,
    callbackOfferThresholdSec: 60,
    callbackDeadlineSec: HOUR_SEC,
    followUpDelaySec: DAY_SEC,
    complaintDeadlineSec: DAY_SEC,
    holdAnnouncementIntervalSec: 45,
  },
  silver: {
    greetingPrompt: 'greet/silver',
    menuFlow: '10000-silver',
    queuePriority: 60,
    serviceLevelTarget: { percent: 85, seconds: 20 },
    minAgentLevel: 2,
    callbackOfferThresholdSec: 90,
    callbackDeadlineSec: 4 * HOUR_SEC,
    followUpDelaySec: 2 * DAY_SEC,
    complaintDeadlineSec: 2 * DAY_SEC,
    holdAnnouncementIntervalSec: 60,
  },
  standard: {
    greetingPrompt: 'greet/standard',
    menuFlow: '10000-standard',
    queuePriority: 20,
    serviceLevelTarget: { percent: 80, seconds: 30 },
    minAgentLevel: 1,
    callbackOfferThresholdSec: 120,
    callbackDeadlineSec: DAY_SEC,
    followUpDelaySec: null,
    complaintDeadlineSec: 3 * DAY_SEC,
    holdAnnouncementIntervalSec: 60,
  },
};
