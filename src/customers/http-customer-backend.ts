import { request, Agent } from 'undici';
import type { Bill, Customer, Order } from './customer.js';
import { BackendUnavailableError, matchesQuery, normalisePhone, type CustomerData, type CustomerQuery } from './customer-data.js';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker.js';
import type { Clock } from '../time/clock.js';

export interface HttpCustomerBackendOptions {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
  retries: number;
  circuit: { failureThreshold: number; openMs: number };
  clock?: Clock;
}

/**
 * The operator's billing/CRM system over HTTP (JSON). The contract it must offer:
 *
 *   GET  /customers/by-phone/{phone}          → Customer (without bills/orders needed) | 404
 *   GET  /accounts/{id}/balance               → { "balance": number }
 *   GET  /accounts/{id}/bills/{YYYY-MM}       → Bill | 404
 *   GET  /accounts/{id}/points                → { "points": number }
 *   GET  /accounts/{id}/orders                → { "orders": Order[] }
 *   POST /accounts/{id}/verify-password       { "pin": "123456" } → { "valid": boolean }
 *
 * Reads are retried after a timeout or a 5xx; the password check is not (it is
 * not idempotent for the CRM's own counters). A circuit breaker stops callers
 * from waiting on a backend that is down.
 */
export class HttpCustomerBackend implements CustomerData {
  private readonly breaker: CircuitBreaker;
  private readonly dispatcher: Agent;
  private readonly base: string;

  constructor(private readonly options: HttpCustomerBackendOptions) {
    this.breaker = new CircuitBreaker({ ...options.circuit, ...(options.clock ? { clock: options.clock } : {}) });
    this.dispatcher = new Agent({ connections: 32, keepAliveTimeout: 10_000 });
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async findByPhone(phone: string): Promise<Customer | null> {
    return this.get<Customer>(`/customers/by-phone/${encodeURIComponent(normalisePhone(phone))}`, true);
  }

  async balance(accountId: string): Promise<number> {
    const body = await this.get<{ balance: number }>(`/accounts/${encodeURIComponent(accountId)}/balance`);
    return this.number(body?.balance, 'balance');
  }

  async bill(accountId: string, month: string): Promise<Bill | null> {
    return this.get<Bill>(`/accounts/${encodeURIComponent(accountId)}/bills/${month}`, true);
  }

  async points(accountId: string): Promise<number> {
    const body = await this.get<{ points: number }>(`/accounts/${encodeURIComponent(accountId)}/points`);
    return this.number(body?.points, 'points');
  }

  async orders(accountId: string): Promise<Order[]> {
    const body = await this.get<{ orders: Order[] }>(`/accounts/${encodeURIComponent(accountId)}/orders`);
    if (!body || !Array.isArray(body.orders)) throw new BackendUnavailableError('malformed orders response');
    return body.orders;
  }

  async verifyPassword(accountId: string, pin: string): Promise<boolean> {
    const body = await this.call<{ valid: boolean }>('POST', `/accounts/${encodeURIComponent(accountId)}/verify-password`, { pin }, 0, false);
    return body?.valid === true;
  }

  /**
   * GET /customers?balanceBelow=&enterpriseClass=&limit= → { customers: Customer[] }.
   * enterpriseClass is a comma-separated list, `none` standing for no enterprise.
   */
  async findCustomers(query: CustomerQuery): Promise<Customer[]> {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.balanceBelow !== undefined) params.set('balanceBelow', String(query.balanceBelow));
    if (query.enterpriseClass) params.set('enterpriseClass', query.enterpriseClass.map((c) => c ?? 'none').join(','));
    const body = await this.get<{ customers: Customer[] }>(`/customers?${params}`);
    if (!body || !Array.isArray(body.customers)) throw new BackendUnavailableError('malformed customers response');
    // The backend's answer is checked again here: a campaign never calls someone the query did not ask for.
    return body.customers.filter((c) => matchesQuery(c, query)).slice(0, query.limit);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private number(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new BackendUnavailableError(`malformed ${field} response`);
    return v;
  }

  private get<T>(path: string, notFoundIsNull = false): Promise<T | null> {
    return this.call<T>('GET', path, undefined, this.options.retries, notFoundIsNull);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body: unknown, retries: number, notFoundIsNull: boolean): Promise<T | null> {
    let lastError: Error = new Error('no attempt');
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        return await this.breaker.run(() => this.once<T>(method, path, body, notFoundIsNull));
      } catch (err) {
        if (err instanceof CircuitOpenError) throw new BackendUnavailableError('circuit open', { path });
        if (err instanceof ClientError) throw new BackendUnavailableError(err.message, { path });
        lastError = err as Error;
      }
    }
    throw new BackendUnavailableError(lastError.message, { path });
  }

  private async once<T>(method: 'GET' | 'POST', path: string, body: unknown, notFoundIsNull: boolean): Promise<T | null> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await request(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      dispatcher: this.dispatcher,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await res.body.text();
    if (res.statusCode === 404 && notFoundIsNull) return null;
    if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode} from ${path}`);
    // A 4xx is our request's fault: retrying will not help, but it must not look like success.
    if (res.statusCode >= 400) throw new ClientError(`HTTP ${res.statusCode} from ${path}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ClientError(`malformed JSON from ${path}`);
    }
  }
}

class ClientError extends Error {}
