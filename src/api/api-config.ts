import { z } from 'zod';
import { intField } from '../routing/config-fields.js';

/**
 * The `api:` section of the configuration (the supervisor API).
 *
 * Rate limits count per API key. With `store: redis` (the default) the count
 * is shared by every instance, so a key gets `max` requests per window in
 * total however the load balancer spreads them; `memory` counts per instance
 * (N instances allow N × max) and spares Redis one round trip per request.
 */
export const apiConfigSchema = z.object({
  rateLimit: z.object({
    max: intField(1, 1_000_000).default(600),
    windowSec: intField(1, 86_400).default(60),
    store: z.enum(['redis', 'memory']).default('redis'),
  }).strict().prefault({}),
  /** Largest request body accepted; larger ones get 413. */
  bodyLimitBytes: intField(1024, 10 * 1024 * 1024).default(64 * 1024),
  /** How often /v1/stream sends the realtime figures. */
  streamIntervalSec: intField(1, 60).default(2),
}).strict();

export type ApiConfig = z.infer<typeof apiConfigSchema>;
