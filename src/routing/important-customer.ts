import type { DeepReadonly } from '../config/load-config.js';
import type { Customer, TierId } from '../customers/customer.js';
import type { ImportantCustomers } from './tiers-config.js';

/**
 * Rule 4: why the caller is a big or important customer (served by the
 * highest-level agents), or null. The enterprise class and VIP flag count only
 * while the customer has no manual downgrade: a downgrade is a deliberate cap
 * and should not be undone by the flags it was set against.
 */
export function importantBecause(
  tier: TierId,
  customer: Customer | null,
  config: DeepReadonly<ImportantCustomers>,
): string | null {
  if (config.tiers.includes(tier)) return `${tier} tier`;
  if (customer === null || customer.downgradeTo !== null) return null;
  if (customer.enterpriseClass !== null && config.enterpriseClasses.includes(customer.enterpriseClass)) {
    return `enterprise class ${customer.enterpriseClass}`;
  }
  if (config.vip && customer.vip) return 'VIP flag';
  return null;
}
