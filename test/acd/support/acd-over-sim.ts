import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { Acd, type AcdOptions } from '../../../src/acd/acd.js';
import { AriConnection } from '../../../src/ari/ari-connection.js';
import type { AriTiming } from '../../../src/ari/ari-timing.js';
import { AriCallControl } from '../../../src/call-control/ari-call-control.js';
import type { Call, CallControl } from '../../../src/call-control/call-control.js';
import { CallRecordLog } from '../../../src/call-records/call-record-log.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../../src/sim/simulated-asterisk.js';
import { systemClock } from '../../../src/time/clock.js';
import { AriHarness } from '../../support/ari-harness.js';
import { queueSettings, silentLogger, uniquePrefix, until } from './acd-fixture.js';

/** At speed 20, a 5 s ring timeout lasts 250 ms. */
export const SPEED = 20;

export interface AcdOverSimOptions {
  /** Key prefix and instance id of this file's ACD. */
  name: string;
  /** Deadlines of the ARI client other than its defaults. */
  rest?: Partial<AriTiming>;
  /** Wraps the real call control the ACD is given (to fail one chosen request, say). */
  wrap?: (control: AriCallControl, sim: SimulatedAsterisk) => CallControl;
  acd?: Partial<Pick<AcdOptions, 'switchFaultPauseMs'>>;
}

export interface AcdOverSim {
  sim: SimulatedAsterisk;
  connection: AriConnection;
  control: AriCallControl;
  harness: AriHarness;
  redis: Redis;
  recorder: CallRecordLog;
  acd: Acd;
  /** Every call that entered the service's Stasis app, in order. */
  incoming: Call[];
  /** Hangs up every channel left and waits until the switch has none. */
  hangUpAll(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The ACD driving the real ARI call control against the simulated Asterisk:
 * callers placed through the dialplan by the harness, agents rung on
 * Local/<id>@agents with scripted behaviours, one billing queue (ring timeout
 * 5 s, wrap-up 1 s), a private Redis key prefix.
 */
export async function startAcdOverSim(options: AcdOverSimOptions): Promise<AcdOverSim> {
  const sim = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, dialplanApp: 'ivr' });
  const connection = new AriConnection({
    url: sim.url, user: 'ivr', password: 'ivr', app: 'ivr',
    reconnect: { initialDelayMs: 20, maxDelayMs: 500, factor: 2 },
    ...(options.rest ? { rest: options.rest } : {}),
  });
  const control = new AriCallControl(connection, { originateGraceMs: 2000 });
  const incoming: Call[] = [];
  control.onIncomingCall((call) => incoming.push(call));
  connection.start();
  await connection.waitUntilReady(5000);
  const harness = await AriHarness.start({ url: sim.url });
  const redis = new Redis(inject('redisUrl'));
  const prefix = uniquePrefix(options.name);
  const recorder = new CallRecordLog({ redis, keyPrefix: prefix });
  const acd = new Acd({
    redis,
    keyPrefix: prefix,
    callControl: options.wrap ? options.wrap(control, sim) : control,
    queues: () => ({ billing: queueSettings('billing', { ringTimeoutSec: 5, wrapUpSec: 1 }) }),
    recorder,
    clock: systemClock,
    logger: silentLogger,
    instanceId: `${options.name}-1`,
    ...options.acd,
  });
  await acd.start();
  return {
    sim, connection, control, harness, redis, recorder, acd, incoming,
    hangUpAll: async () => {
      for (const c of sim.channels()) await connection.client.channels.hangup(c.id).catch(() => {});
      await until(() => sim.channels().length === 0, 'channels gone');
    },
    stop: async () => {
      await acd.stop();
      await harness.stop();
      control.close();
      await connection.stop();
      await sim.close();
      redis.disconnect();
    },
  };
}
