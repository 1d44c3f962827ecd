import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Acd } from '../../../src/acd/acd.js';
import type { AcdQueueSettings } from '../../../src/acd/acd-context.js';
import { AriConnection } from '../../../src/ari/ari-connection.js';
import { AriCallControl } from '../../../src/call-control/ari-call-control.js';
import type { Call } from '../../../src/call-control/call-control.js';
import { CallRecordLog } from '../../../src/call-records/call-record-log.js';
import { systemClock } from '../../../src/time/clock.js';

export interface AssignmentInstance {
  readonly app: string;
  readonly acd: Acd;
  readonly control: AriCallControl;
  stop(): Promise<void>;
}

/**
 * One service instance as far as assignment goes: its own Stasis app and ARI
 * connection on the shared simulated switch, its own ACD (instance id = app)
 * on the shared key prefix. Every call entering the app is handed to
 * `onCaller` (the scenario enqueues it).
 */
export async function startAssignmentInstance(options: {
  redisUrl: string;
  prefix: string;
  simUrl: string;
  app: string;
  queues: Record<string, AcdQueueSettings>;
  logger: Logger;
  onCaller: (instance: AssignmentInstance, call: Call) => void;
}): Promise<AssignmentInstance> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  redis.on('error', () => {});
  const connection = new AriConnection({ url: options.simUrl, user: 'ivr', password: 'ivr', app: options.app, reconnect: { initialDelayMs: 20, maxDelayMs: 300, factor: 2 } });
  const control = new AriCallControl(connection, { originateGraceMs: 2000 });
  connection.start();
  await connection.waitUntilReady(5000);
  const acd = new Acd({
    redis,
    keyPrefix: options.prefix,
    callControl: control,
    queues: () => options.queues,
    recorder: new CallRecordLog({ redis, keyPrefix: options.prefix, clock: systemClock }),
    clock: systemClock,
    logger: options.logger,
    instanceId: options.app,
    sweepIntervalMs: 3_600_000,
  });
  const instance: AssignmentInstance = {
    app: options.app,
    acd,
    control,
    async stop() {
      await acd.stop();
      control.close();
      await connection.stop();
      redis.disconnect();
    },
  };
  control.onIncomingCall((call) => options.onCaller(instance, call));
  await acd.start();
  return instance;
}
