import type { CustomerData } from '../customers/customer-data.js';
import { normalisePhone } from '../customers/customer-data.js';
import { classifyTier } from '../routing/classify-tier.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import type { Rejection, Target, TargetSource } from './campaign.js';

/**
 * The targets of a query over the customer data port: the customers whose
 * balance is below the threshold and whose enterprise class is one asked for
 * (both asked of the port), of the tiers asked for (classified here, as a
 * caller of theirs would be). A reminder says what is owed: the balance
 * below zero, as a positive amount; nothing when the balance is not negative.
 */
export async function queryTargets(
  customers: CustomerData,
  query: Extract<TargetSource, { kind: 'query' }>,
  snapshot: RoutingSnapshot,
  limit: number,
): Promise<{ targets: Target[]; rejected: Rejection[]; truncated: boolean }> {
  const found = await customers.findCustomers({
    ...(query.balanceBelow !== undefined ? { balanceBelow: query.balanceBelow } : {}),
    ...(query.enterpriseClass ? { enterpriseClass: query.enterpriseClass } : {}),
    limit: limit + 1,
  });
  const targets: Target[] = [];
  const seen = new Set<string>();
  for (const c of found) {
    if (query.tiers && !query.tiers.includes(classifyTier(c, snapshot.classification, { callerNumber: c.phone }).tier)) continue;
    const number = normalisePhone(c.phone);
    if (seen.has(number)) continue;
    seen.add(number);
    targets.push({ number, line: 0, accountId: c.accountId, amountDue: c.balance < 0 ? Math.round(-c.balance * 100) / 100 : null, lang: c.preferredLanguage ?? null });
  }
  const truncated = targets.length > limit;
  return { targets: targets.slice(0, limit), rejected: [], truncated };
}
