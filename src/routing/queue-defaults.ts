import type { QueueSettings } from './queue-settings.js';

/** Settings of a queue the configuration names without stating them. */
export function genericQueueSettings(id: string): QueueSettings {
  return {
    id,
    skill: id,
    namePrompt: `queue/${id}`,
    overflowAfterSec: 30,
    overflowSkill: 'general',
    overflowMinLevel: 3,
    agingPerMinute: 10,
    wrapUpSec: 15,
    ringTimeoutSec: 15,
    maxWaiting: 500,
    serviceLevelThresholdSec: 20,
    announce: { position: true, estimatedWait: true },
  };
}

/**
 * How the shipped queues differ from the generic settings. Aging of 10 points
 * a minute lets a standard call (20) overtake a newly arrived gold call (80)
 * after 6 minutes and a diamond call (100) after 8, while a transfer (1000)
 * stays ahead for over an hour and a half.
 */
export const DEFAULT_QUEUE_OVERRIDES: Readonly<Record<string, Partial<QueueSettings>>> = {
  billing: {},
  // Fault diagnosis needs the specialist more than a quick answer.
  broadband: { overflowAfterSec: 45, wrapUpSec: 30 },
  orders: { wrapUpSec: 20 },
  // A complaint handled by a non-specialist tends to come back; widen late and high.
  complaints: { overflowAfterSec: 60, overflowMinLevel: 4, wrapUpSec: 60 },
  enterprise: { overflowAfterSec: 20, overflowMinLevel: 4, wrapUpSec: 30 },
  // General agents are the overflow target themselves.
  general: { overflowAfterSec: null },
  // Diamond's dedicated queue: widens soon, and only to the most senior general agents.
  senior: { overflowAfterSec: 15, overflowMinLevel: 5, wrapUpSec: 30, maxWaiting: 100, serviceLevelThresholdSec: 10 },
};
