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
  /**
   * How long a client may take to send a request. A client trickling its
   * headers or body a byte at a time is answered 408 and disconnected at the
   * deadline instead of holding a connection (and its memory) for ever.
   * Responses are not limited: /v1/stream streams for as long as it is read.
   */
  timeouts: z.object({
    /** From the connection (or the end of the previous request) to the end of the request's headers. */
    headersSec: intField(1, 600).default(10),
    /** From the start of the request to the last byte of its body: the body-read deadline. */
    requestSec: intField(1, 3600).default(30),
    /** How long an idle keep-alive connection is kept open; behind a load balancer, longer than the balancer's own idle timeout. */
    keepAliveSec: intField(1, 3600).default(5),
  }).strict().prefault({})
    .refine((t) => t.headersSec <= t.requestSec, { message: 'must not exceed requestSec (the headers are part of the request)', path: ['headersSec'] }),
}).strict();

export type ApiConfig = z.infer<typeof apiConfigSchema>;
