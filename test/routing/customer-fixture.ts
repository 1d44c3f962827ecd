import type { Customer } from '../../src/customers/customer.js';

/** A customer record with neutral values; each test states only what matters to it. */
export function customer(overrides: Partial<Customer> = {}): Customer {
  return {
    phone: '13800000099',
    accountId: 'AC10000099',
    name: 'Test Customer',
    monthlySpend: 0,
    enterpriseClass: null,
    vip: false,
    downgradeTo: null,
    balance: 0,
    points: 0,
    bills: [],
    orders: [],
    passwordHash: null,
    ...overrides,
  };
}
