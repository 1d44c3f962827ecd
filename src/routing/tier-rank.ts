import { z } from 'zod';
import type { TierId } from '../customers/customer.js';

/** Tiers from the highest to the lowest value. */
export const TIER_IDS = ['diamond', 'gold', 'silver', 'standard'] as const satisfies readonly TierId[];

const everyTierListed: Exclude<TierId, (typeof TIER_IDS)[number]> extends never ? true : never = true;
void everyTierListed;

export const tierIdSchema = z.enum(TIER_IDS);

/** 3 for diamond down to 0 for standard: a higher rank is a more valuable customer. */
export function tierRank(tier: TierId): number {
  return TIER_IDS.length - 1 - TIER_IDS.indexOf(tier);
}
