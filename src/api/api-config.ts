import { z } from 'zod';
import { boolField, intField } from '../routing/config-fields.js';

/**
 * The `api:` section of the configuration (the supervisor API).
 *
 * Rate limits count per API key. With `store: redis` (the default) the count
 * is shared by every instance, so a key gets `max` requests per window in
 * total however the load balancer spreads them; `memory` counts per instance
 * (N instances allow N × max) and spares Redis one round trip per request.
 *
 * `rateLimit.authFailures` counts, per client address, the requests refused
 * for their key (401) or its role (403); past `max` in the window they get
 * 429 with Retry-After instead, in the same store. A request with a valid key
 * is never held to its address's failures. The address is the peer of the
 * connection: behind a reverse proxy, the proxy's.
 *
 * `streams` caps the open /v1/stream connections of this instance, per key
 * and in total (429 too-many-streams past either), and says how often each
 * open stream checks that its key still holds (a safety net: a revocation
 * ends the key's streams on every instance at once, and an expiry when it
 * falls due). `keyInQuery` lets /v1/stream take the key as `?key=`, which
 * puts it in proxy logs and browser history; off by default: clients ask
 * POST /v1/stream/tickets for a single-use ticket instead.
 */
export const apiConfigSchema = z.object({
  rateLimit: z.object({
    max: intField(1, 1_000_000).default(600),
    windowSec: intField(1, 86_400).default(60),
    store: z.enum(['redis', 'memory']).default('redis'),
    authFailures: z.object({
      max: intField(1, 1_000_000).default(20),
      windowSec: intField(1, 86_400).default(60),
    }).strict().prefault({}),
  }).strict().prefault({}),
  /** Largest request body accepted; larger ones get 413. */
  bodyLimitBytes: intField(1024, 10 * 1024 * 1024).default(64 * 1024),
  /** How often /v1/stream sends the realtime figures. */
  streamIntervalSec: intField(1, 60).default(2),
  streams: z.object({
    maxPerKey: intField(1, 10_000).default(5),
    maxTotal: intField(1, 100_000).default(200),
    recheckSec: intField(1, 3600).default(30),
    keyInQuery: boolField.default(false),
  }).strict().prefault({}),
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
