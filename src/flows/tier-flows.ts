import type { FlowInput } from './flow-schema.js';

/**
 * 10000 menus, one per value tier. Each starts with the tier's greeting, whose
 * prompt comes from the tier policy (tunable at run time), then the menu. Higher tiers get shorter menus: diamond goes straight to the senior
 * queue unless the caller presses 1 for self-service. `0` and running out of
 * retries go to general agents (rule 2).
 */

const needSteps = {
  'billing': { kind: 'transfer', need: 'billing' },
  'broadband': { kind: 'transfer', need: 'broadband' },
  'orders': { kind: 'transfer', need: 'orders' },
  'complaints': { kind: 'transfer', need: 'complaints' },
  'human': { kind: 'transfer', need: null },
} as const;

export const diamondFlow: FlowInput = {
  id: '10000-diamond',
  description: '10000 for diamond customers: straight to the senior team, 1 for self-service',
  start: 'greeting',
  onExhausted: 'senior',
  onZero: 'human',
  firstKeyTimeoutMs: 3000,
  steps: {
    'greeting': { kind: 'greeting', next: 'menu' },
    'menu': {
      kind: 'menu',
      prompts: ['menu/diamond'],
      options: { '1': { next: 'self-service:main-menu', label: 'self-service' } },
      // Holding on is the expected answer: the senior team, no "we did not hear you".
      onNoInput: 'senior',
    },
    'senior': { kind: 'transfer', need: 'senior' },
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
    steps: {
      'greeting': { kind: 'greeting', next: 'menu' },
      'menu': {
        kind: 'menu',
        prompts: [`menu/${tier}`],
        options: {
          '1': { next: 'billing', label: 'billing' },
          '2': { next: 'broadband', label: 'broadband' },
          '3': { next: 'orders', label: 'orders' },
          '4': { next: 'complaints', label: 'complaints' },
          '5': { next: 'self-service:main-menu', label: 'self-service' },
        },
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
  steps: {
    'greeting': { kind: 'greeting', next: 'menu' },
    'menu': {
      kind: 'menu',
      prompts: ['menu/standard'],
      options: {
        '1': { next: 'billing', label: 'billing' },
        '2': { next: 'broadband', label: 'broadband' },
        '3': { next: 'orders', label: 'orders' },
        '4': { next: 'complaints', label: 'complaints' },
        '5': { next: 'enterprise', label: 'enterprise' },
        '6': { next: 'self-service:main-menu', label: 'self-service' },
      },
    },
    ...needSteps,
    'enterprise': { kind: 'transfer', need: 'enterprise' },
  },
};
