import type { Bill, Order } from '../customers/customer.js';
import type { SayFormat } from '../flows/flow-schema.js';
import { sayAmount } from '../prompts/say-amount.js';
import { sayCount } from '../prompts/say-count.js';
import { sayDate } from '../prompts/say-date.js';
import { sayPoints } from '../prompts/say-points.js';
import type { Lang } from '../prompts/spoken.js';
import type { QueryResults } from './call-session.js';

/** The main bill items read to the caller: the largest ones, so the reading stays short. */
const MAX_BILL_ITEMS = 3;
/** Orders read: those still open first, then the most recent. */
const MAX_ORDERS = 3;
const ORDER_TYPES = new Set(['installation', 'repair', 'plan-change', 'relocation']);
const ORDER_STATUSES = new Set(['accepted', 'in-progress', 'technician-scheduled', 'completed']);
const BILL_ITEMS = new Set(['plan', 'voice', 'data', 'sms', 'value-added', 'roaming', 'other']);

/**
 * Turns a query result into the prompt ids to play, composed from sentence
 * prompts and word prompts (say-* functions). Returns null when the result is
 * missing (the flow ran `say` without its `query`).
 */
export function sayResult(format: SayFormat, results: QueryResults, lang: Lang): string[] | null {
  switch (format) {
    case 'balance': {
      if (results.balance === undefined) return null;
      const ids = ['ss/balance-is', ...sayAmount(results.balance, lang).ids];
      if (results.balance < 0) ids.push('ss/arrears-notice');
      return ids;
    }
    case 'points':
      return results.points === undefined ? null : ['ss/points-are', ...sayPoints(results.points, lang).ids];
    case 'bill': {
      if (!results.bill) return null;
      return sayBill(results.bill.which, results.bill.bill, lang);
    }
    case 'orders':
      return results.orders === undefined ? null : sayOrders(results.orders, lang);
  }
}

function sayBill(which: 'this-month' | 'last-month', bill: Bill | null, lang: Lang): string[] {
  const intro = which === 'this-month' ? 'ss/bill-this-month-is' : 'ss/bill-last-month-is';
  const ids = [intro, ...sayAmount(bill?.total ?? 0, lang).ids];
  const items = (bill?.items ?? [])
    .filter((i) => i.amount > 0)
    .sort((a, b) => b.amount - a.amount)
    .slice(0, MAX_BILL_ITEMS);
  if (items.length > 0) {
    ids.push('ss/bill-items-intro');
    for (const item of items) {
      ids.push(`bill-item/${BILL_ITEMS.has(item.kind) ? item.kind : 'other'}`, ...sayAmount(item.amount, lang).ids);
    }
  }
  return ids;
}

function sayOrders(orders: readonly Order[], lang: Lang): string[] {
  if (orders.length === 0) return ['ss/orders-none'];
  const open = orders.filter((o) => o.status !== 'completed');
  const chosen = [...open, ...orders.filter((o) => o.status === 'completed')]
    .slice(0, MAX_ORDERS);
  const ids = ['ss/orders-count-prefix', ...sayCount(open.length, lang).ids, 'ss/orders-count-suffix'];
  for (const o of chosen) {
    if (ORDER_TYPES.has(o.type)) ids.push(`order-type/${o.type}`);
    if (ORDER_STATUSES.has(o.status)) ids.push(`order-status/${o.status}`);
    if (o.expectedAt && o.status !== 'completed') ids.push('ss/order-expected-date', ...sayDate(o.expectedAt, lang).ids);
  }
  return ids;
}
