import type { FlowInput } from './flow-schema.js';

/**
 * 10001 self-service: balance, bill (this month to date / last month, with the
 * main items), loyalty points and order progress. Bill details and order
 * progress need the 6-digit service password, asked at most once per call.
 * `0` reaches a human from any menu through the 10000 routing, with what was
 * already gathered (identity, password verified, items asked).
 */
export const selfServiceFlow: FlowInput = {
  id: 'self-service',
  description: '10001 self-service menu',
  start: 'welcome',
  onExhausted: 'goodbye',
  onZero: 'human',
  steps: {
    'welcome': { kind: 'play', prompts: ['ss/welcome'], next: 'main-menu' },
    'main-menu': {
      kind: 'menu',
      prompts: ['ss/main-menu'],
      options: {
        '1': { next: 'balance', label: 'balance' },
        '2': { next: 'bill-password', label: 'bill' },
        '3': { next: 'points', label: 'points' },
        '4': { next: 'orders-password', label: 'orders' },
        '9': { next: 'main-menu', label: 'repeat' },
      },
    },

    'balance': { kind: 'query', item: 'balance', next: 'say-balance', onUnavailable: 'unavailable', onUnknownCustomer: 'not-a-customer' },
    'say-balance': { kind: 'say', value: 'balance', next: 'back-to-menu' },

    'bill-password': { kind: 'verify-password', firstKeyTimeoutMs: 10_000, next: 'bill-menu', onLocked: 'locked', onUnavailable: 'unavailable', onUnknownCustomer: 'not-a-customer' },
    'bill-menu': {
      kind: 'menu',
      prompts: ['ss/bill-menu'],
      options: {
        '1': { next: 'bill-this-month', label: 'bill:this-month' },
        '2': { next: 'bill-last-month', label: 'bill:last-month' },
        '9': { next: 'main-menu', label: 'back' },
      },
    },
    'bill-this-month': { kind: 'query', item: 'bill-this-month', next: 'say-bill', onUnavailable: 'unavailable', onUnknownCustomer: 'not-a-customer' },
    'bill-last-month': { kind: 'query', item: 'bill-last-month', next: 'say-bill', onUnavailable: 'unavailable', onUnknownCustomer: 'not-a-customer' },
    'say-bill': { kind: 'say', value: 'bill', next: 'back-to-menu' },

    'points': { kind: 'query', item: 'points', next: 'say-points', onUnavailable: 'unavailable', onUnknownCustomer: 'not-a-customer' },
    'say-points': { kind: 'say', value: 'points', next: 'back-to-menu' },

    'orders-password': { kind: 'verify-password', firstKeyTimeoutMs: 10_000, next: 'orders', onLocked: 'locked', onUnavailable: 'unavailable', onUnknownCustomer: 'not-a-customer' },
    'orders': { kind: 'query', item: 'orders', next: 'say-orders', onUnavailable: 'unavailable', onUnknownCustomer: 'not-a-customer' },
    'say-orders': { kind: 'say', value: 'orders', next: 'back-to-menu' },

    'back-to-menu': { kind: 'play', prompts: ['ss/anything-else'], next: 'main-menu' },

    // The backend failed or timed out: say so and offer a human — never silence.
    'unavailable': {
      kind: 'menu',
      prompts: ['common/service-unavailable', 'common/offer-agent'],
      options: { '9': { next: 'main-menu', label: 'back' } },
      onNoInput: 'main-menu',
      onExhausted: 'main-menu',
    },
    'not-a-customer': {
      kind: 'menu',
      prompts: ['common/not-a-customer', 'common/offer-agent'],
      options: { '9': { next: 'main-menu', label: 'back' } },
      onNoInput: 'goodbye',
      onExhausted: 'goodbye',
    },
    'locked': {
      kind: 'menu',
      prompts: ['pw/locked', 'common/offer-agent'],
      options: { '9': { next: 'main-menu', label: 'back' } },
      onNoInput: 'main-menu',
      onExhausted: 'main-menu',
    },

    'human': { kind: 'transfer', need: null },
    'goodbye': { kind: 'hangup', prompts: ['common/goodbye'], outcome: 'goodbye' },
  },
};
