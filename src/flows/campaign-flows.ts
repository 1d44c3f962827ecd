import type { FlowInput, StepOf } from './flow-schema.js';

type StepInput = FlowInput['steps'][string];

/** The session variable a campaign fills with the amount due before a reminder runs. */
export const AMOUNT_DUE_VAR = 'amountDue';
/** The session variable holding the last key the customer chose in a campaign's menu. */
export const CAMPAIGN_KEY_VAR = 'campaignKey';

/**
 * How a campaign's message flow hands the line back: `agent` (0, the
 * customer is queued through the normal 10000 routing), `opt-out` (9, the
 * number goes on the do-not-call list), `listened` (heard to the end). Any
 * other result ends the call.
 */
export const CAMPAIGN_RESULTS = { agent: 'agent', optOut: 'opt-out', listened: 'listened' } as const;

const menuTiming: Pick<StepOf<'ask'>, 'firstKeyTimeoutMs' | 'interKeyTimeoutMs' | 'attempts'> = { firstKeyTimeoutMs: 6000, interKeyTimeoutMs: 1000, attempts: 1 };

/** The steps every campaign flow ends with: the agent, the opt-out and the goodbye. */
const endings: Record<string, StepInput> = {
  'agent': { kind: 'play', prompts: ['campaign/to-agent'], bargeIn: false, next: 'to-agent' },
  'to-agent': { kind: 'done', result: CAMPAIGN_RESULTS.agent },
  'opt-out': { kind: 'play', prompts: ['campaign/opted-out'], bargeIn: false, next: 'opted-out' },
  'opted-out': { kind: 'done', result: CAMPAIGN_RESULTS.optOut },
  'goodbye': { kind: 'play', prompts: ['campaign/goodbye'], bargeIn: false, next: 'listened' },
  'listened': { kind: 'done', result: CAMPAIGN_RESULTS.listened },
};

/**
 * A payment reminder (催缴欠费): the amount due said with the amount speech of
 * self-service, then 1 to hear it again, 2 for how to pay, 0 for an agent, 9
 * to stop these calls. Silence or any other key ends the call politely.
 */
export const reminderFlow: FlowInput = {
  id: 'campaign-reminder',
  description: 'payment reminder call of an outbound campaign',
  runs: 'dialogue',
  start: 'amount',
  onExhausted: 'goodbye',
  onZero: 'agent',
  steps: {
    'amount': { kind: 'say-amount', prompts: ['campaign/reminder-amount'], var: AMOUNT_DUE_VAR, bargeIn: false, next: 'menu' },
    'menu': {
      kind: 'ask', prompts: ['campaign/reminder-menu'], into: CAMPAIGN_KEY_VAR, ...menuTiming,
      options: { '1': 'amount', '2': 'how-to-pay', '0': 'agent', '9': 'opt-out' }, otherwise: 'goodbye',
    },
    'how-to-pay': { kind: 'play', prompts: ['campaign/how-to-pay'], next: 'menu' },
    ...endings,
  },
};

/**
 * A service notice (业务通知), here planned network maintenance: the notice,
 * then 1 to hear it again, 0 for an agent, 9 to stop these calls. Other
 * notices are flows of their own, with their own prompts, given when the
 * campaign is created.
 */
export const noticeFlow: FlowInput = {
  id: 'campaign-notice',
  description: 'service notice call of an outbound campaign',
  runs: 'dialogue',
  start: 'notice',
  onExhausted: 'goodbye',
  onZero: 'agent',
  steps: {
    'notice': { kind: 'play', prompts: ['campaign/notice-maintenance'], bargeIn: false, next: 'menu' },
    'menu': {
      kind: 'ask', prompts: ['campaign/notice-menu'], into: CAMPAIGN_KEY_VAR, ...menuTiming,
      options: { '1': 'notice', '0': 'agent', '9': 'opt-out' }, otherwise: 'goodbye',
    },
    ...endings,
  },
};
