import { z } from 'zod';
import type { Need } from './types.js';

/** Every need, in menu order. Each one has a queue of the same id (checked by queuesConfigSchema). */
export const NEEDS = ['billing', 'broadband', 'orders', 'complaints', 'enterprise', 'general', 'senior'] as const satisfies readonly Need[];

// Fails to compile when Need gains a member that NEEDS lacks.
const everyNeedListed: Exclude<Need, (typeof NEEDS)[number]> extends never ? true : never = true;
void everyNeedListed;

export const needSchema = z.enum(NEEDS);
