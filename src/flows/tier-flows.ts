import type { FlowInput } from './flow-schema.js';

/**
 * 10000 menus, one per value tier. Each starts with the tier's greeting, whose
 * prompt comes from the tier policy (tunable at run time). Higher tiers wait
 * less: diamond is queued for the senior team the moment the call is
 * answered, an agent rung while the greeting plays, unless the caller presses
 * 1 for self-service. The other menus read one short sentence per option, the
 * most used first (the order is configurable: `ivr.menuOrder`), so a caller who
 * knows what they want presses its key after a second or two. Silence after
 * one repetition, `0` and repeated wrong keys go to general agents (rule 2:
 * an unidentified need is served by a person, not by more menus).
 */

const needSteps = {
  'billing': { kind: 'transfer', need: 'billing' },
  'broadband': { kind: 'transfer', need: 'broadband' },
  'orders': { kind: 'transfer', need: 'orders' },
  'complaints': { kind: 'transfer', need: 'complaints' },
  'human': { kind: 'transfer', need: null },
} as const;

const needOptions = {
  '1': { next: 'billing', label: 'billing', prompt: 'menu/billing' },
  '2': { next: 'broadband', label: 'broadband', prompt: 'menu/broadband' },
  '3': { next: 'orders', label: 'orders', prompt: 'menu/orders' },
  '4': { next: 'complaints', label: 'complaints', prompt: 'menu/complaints' },
} as const;

const agentOption = { next: 'human', label: 'human', prompt: 'common/offer-agent' } as const;

export const diamondFlow: FlowInput = {
  id: '10000-diamond',
  description: '10000 for diamond customers: queued for the senior team at once, 1 for self-service during the greeting',
  start: 'senior',
  onExhausted: 'senior',
  onZero: 'human',
  steps: {
    'senior': {
      kind: 'queue-at-once',
      need: 'senior',
      prompts: ['menu/diamond'],
      options: { '1': { next: 'self-service:main-menu', label: 'self-service' } },
      firstKeyTimeoutMs: 3000,
    },
    'human': needSteps.human,
  },
};

function middleTierFlow(tier: 'gold' | 'silver'): FlowInput {
  return {
    id: `10000-${tier}`,
    description: `10000 for ${tier} customers: a shorter menu`,
    start: 'greeting',
    onExhausted: 'human',
    onZero: 'human',
    retries: 1,
    steps: {
      'greeting': { kind: 'greeting', next: 'menu' },
      'menu': {
        kind: 'menu',
        options: {
          ...needOptions,
          '5': { next: 'self-service:main-menu', label: 'self-service', prompt: 'menu/self-service-5' },
          '0': agentOption,
        },
        order: ['1', '2', '3', '4', '5', '0'],
      },
      ...needSteps,
    },
  };
}

export const goldFlow = middleTierFlow('gold');
export const silverFlow = middleTierFlow('silver');

export const standardFlow: FlowInput = {
  id: '10000-standard',
  description: '10000 for standard customers and unknown callers: the full menu',
  start: 'greeting',
  onExhausted: 'human',
  onZero: 'human',
  retries: 1,
  steps: {
    'greeting': { kind: 'greeting', next: 'menu' },
    'menu': {
      kind: 'menu',
      options: {
        ...needOptions,
        '5': { next: 'enterprise', label: 'enterprise', prompt: 'menu/enterprise' },
        '6': { next: 'self-service:main-menu', label: 'self-service', prompt: 'menu/self-service-6' },
        '0': agentOption,
      },
      order: ['1', '2', '3', '4', '5', '6', '0'],
      closing: ['menu/repeat'],
    },
    ...needSteps,
    'enterprise': { kind: 'transfer', need: 'enterprise' },
  },
};
