import type { ConversationRecorder } from '../../../src/acd/conversation-recorder.js';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { Acd } from '../../../src/acd/acd.js';
import { systemClock, type Clock } from '../../../src/time/clock.js';
import { AriConnection } from '../../../src/ari/ari-connection.js';
import { AriCallControl } from '../../../src/call-control/ari-call-control.js';
import type { Call, CallControl } from '../../../src/call-control/call-control.js';
import { CallRecordLog } from '../../../src/call-records/call-record-log.js';
import { CallbackService } from '../../../src/callbacks/callback-service.js';
import { callbacksSectionSchema, type CallbacksConfig } from '../../../src/callbacks/callbacks-config.js';
import { isOutboundLeg } from '../../../src/outbound/outbound-legs.js';
import { deepMerge } from '../../../src/config/load-config.js';
import { loadConfig } from '../../../src/service/config-schema.js';
import { RoutingPolicy } from '../../../src/routing/routing-policy.js';

export interface CallbackWorldOptions {
  redisUrl: string;
  prefix: string;
  /** The simulated Asterisk; its dialplan sends 10000 to `app`. */
  simUrl: string;
  app: string;
  /** ACD instance id (stable across a restart). Default: the app. */
  instanceId?: string;
  clock?: Clock;
  /** Over the `callbacks:` defaults. */
  callbacks?: Record<string, unknown>;
  /** Over config/queues.yaml (e.g. shorter wrap-up). */
  queues?: Record<string, unknown>;
  /** Over config/tiers.yaml's `routing:`. */
  routing?: Record<string, unknown>;
  logger?: Logger;
  /** The agents' allowed dial strings (default: the ACD's own rule). */
  allowedDialStrings?: readonly string[];
  /** The ACD's pause after a switch fault (default: the ACD's own). */
  switchFaultPauseMs?: number;
  /** What the ACD and the callbacks use as call control, around the real one (e.g. to time an injected fault). */
  wrapControl?: (control: AriCallControl) => CallControl;
  /** Told of each conversation with an agent (default: none, nothing recorded). */
  conversationRecorder?: ConversationRecorder;
}

/**
 * One service instance's worth of what callbacks need — ARI call control on
 * the simulated Asterisk, the routing policy from config/, the ACD and the
 * callback service — for tests, and for the child process of the kill test.
 */
export interface CallbackWorld {
  redis: Redis;
  connection: AriConnection;
  control: AriCallControl;
  policy: RoutingPolicy;
  recorder: CallRecordLog;
  acd: Acd;
  callbacks: CallbackService;
  config: CallbacksConfig;
  /** Calls that entered the app (callers placed by the harness). */
  incoming: Call[];
  stop(): Promise<void>;
}

/** Test settings: every queue wraps up in 1 s, quick stalled-job take-over. */
export const FAST_QUEUES = Object.fromEntries(
  ['billing', 'broadband', 'orders', 'complaints', 'enterprise', 'general', 'senior'].map((q) => [q, { wrapUpSec: 1, ringTimeoutSec: 10 }]),
);

export async function startCallbackWorld(options: CallbackWorldOptions): Promise<CallbackWorld> {
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const clock = options.clock ?? systemClock;
  const base = loadConfig({ env: {}, overrides: { queues: deepMerge(FAST_QUEUES, options.queues ?? {}), ...(options.routing ? { routing: options.routing } : {}) } });
  const policy = new RoutingPolicy({ routing: base.routing, queues: base.queues });
  const config = callbacksSectionSchema.parse(deepMerge({
    workers: { lockDurationMs: 2000, stalledIntervalMs: 1000, tryLeaseMs: 6000 },
    sweepIntervalSec: 3600,
  }, options.callbacks ?? {}));
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  redis.on('error', () => {});
  const connection = new AriConnection({ url: options.simUrl, user: 'ivr', password: 'ivr', app: options.app, reconnect: { initialDelayMs: 20, maxDelayMs: 300, factor: 2 } });
  const control = new AriCallControl(connection, { originateGraceMs: 2000 });
  const incoming: Call[] = [];
  control.onIncomingCall((call) => {
    if (isOutboundLeg(call)) void call.hangup();
    else incoming.push(call);
  });
  connection.start();
  await connection.waitUntilReady(5000);
  const used = options.wrapControl?.(control) ?? control;
  const recorder = new CallRecordLog({ redis, keyPrefix: options.prefix, clock });
  const acd = new Acd({
    redis,
    keyPrefix: options.prefix,
    callControl: used,
    queues: () => policy.snapshot().queues,
    recorder,
    clock,
    logger,
    instanceId: options.instanceId ?? options.app,
    sweepIntervalMs: 3_600_000,
    switchFaultPauseMs: options.switchFaultPauseMs,
    ...(options.conversationRecorder ? { conversationRecorder: options.conversationRecorder } : {}),
    ...(options.allowedDialStrings ? { allowedDialStrings: options.allowedDialStrings } : {}),
  });
  await acd.start();
  const callbacks = new CallbackService({
    config,
    redis,
    redisUrl: options.redisUrl,
    keyPrefix: options.prefix,
    acd,
    callControl: used,
    policy,
    recorder,
    logger,
    clock,
  });
  await callbacks.start();
  return {
    redis, connection, control, policy, recorder, acd, callbacks, config, incoming,
    async stop() {
      await callbacks.stop();
      await acd.stop();
      control.close();
      await connection.stop();
      redis.disconnect();
    },
  };
}
