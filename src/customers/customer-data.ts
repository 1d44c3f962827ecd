import { AppError } from '../errors.js';
import type { Bill, Customer, EnterpriseClass, Order } from './customer.js';

/**
 * The customer data port: how the IVR reads the operator's customer records.
 * Two adapters: the built-in Redis store (demo, small deployments) and the
 * operator's billing/CRM system over HTTP.
 *
 * Every method may throw `BackendUnavailableError` (timeout, outage, circuit
 * open); callers turn it into "service temporarily unavailable" and the offer
 * of a human, never silence.
 */
export interface CustomerData {
  /** The customer calling from this number (own or registered enterprise number); null when unknown. */
  findByPhone(phone: string): Promise<Customer | null>;
  balance(accountId: string): Promise<number>;
  /** The bill for a month (YYYY-MM); null when there is none. */
  bill(accountId: string, month: string): Promise<Bill | null>;
  points(accountId: string): Promise<number>;
  orders(accountId: string): Promise<Order[]>;
  /** Checks a service password; the attempt counting and lock-out live in PasswordGuard. */
  verifyPassword(accountId: string, pin: string): Promise<boolean>;
  /**
   * The customers matching every condition given (an outbound campaign's
   * target list), each once, by account. The tier is not a customer field:
   * the campaign classifies the customers found.
   */
  findCustomers(query: CustomerQuery): Promise<Customer[]>;
}

/** Conditions over customers; all given must hold. */
export interface CustomerQuery {
  /** Balance strictly below this (yuan): 0 finds the customers in arrears. */
  balanceBelow?: number;
  /** Enterprise class among these; null in the list matches customers of no enterprise. */
  enterpriseClass?: (EnterpriseClass | null)[];
  /** At most this many customers (the backend may stop there). */
  limit: number;
}

/** Whether a customer meets a query's conditions (the Redis store's filter; an HTTP backend does its own). */
export function matchesQuery(customer: Pick<Customer, 'balance' | 'enterpriseClass'>, query: CustomerQuery): boolean {
  if (query.balanceBelow !== undefined && !(customer.balance < query.balanceBelow)) return false;
  if (query.enterpriseClass && !query.enterpriseClass.includes(customer.enterpriseClass ?? null)) return false;
  return true;
}

export class BackendUnavailableError extends AppError {
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(503, 'customer-backend-unavailable', `customer backend unavailable: ${reason}`, details);
  }
}

/** Normalises a calling number for lookups: digits only, +86/0086 country code removed. */
export function normalisePhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.startsWith('0086')) return digits.slice(4);
  if (raw.trim().startsWith('+86') && digits.startsWith('86')) return digits.slice(2);
  return digits;
}
