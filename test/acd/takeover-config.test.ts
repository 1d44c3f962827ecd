import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { InstanceRegistry } from '../../src/acd/instance-registry.js';
import { InstanceTakeover } from '../../src/acd/instance-takeover.js';
import { loadConfig } from '../../src/service/config-schema.js';
import { FakeCallControl } from './support/fake-call-control.js';
import { context, decision, silentLogger, startAcd, uniquePrefix, until } from './support/acd-fixture.js';
import { systemClock } from '../../src/time/clock.js';

/** The `acd.instances` settings: their defaults, their limits, and an instance kept out of takeovers. */
const redisUrl = inject('redisUrl');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('acd.instances', () => {
  it('defaults to a 4 s lease renewed every second, taking over on', () => {
    expect(loadConfig({ files: [], env: {} }).acd.instances).toEqual({ leaseMs: 4000, renewMs: 1000, takeOver: true });
    expect(loadConfig({ env: {} }).acd.instances).toEqual({ leaseMs: 4000, renewMs: 1000, takeOver: true });
  });

  it('refuses a renewal slower than half the lease, naming the setting', () => {
    const load = () => loadConfig({ files: [], env: {}, overrides: { acd: { instances: { leaseMs: 2000, renewMs: 1500 } } } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/acd\.instances\.renewMs/);
  });

  it('with takeOver false, the instance keeps its lease but never claims a dead instance', async () => {
    const prefix = uniquePrefix('no-takeover');
    const dead = await startAcd({ redisUrl, prefix, clock: systemClock, instanceId: 'node-dead' });
    await dead.acd.enqueue(dead.switch.caller('c-1'), decision(), context('c-1'));
    await dead.close();
    const redis = new Redis(redisUrl);
    cleanups.push(() => redis.disconnect());
    const registry = new InstanceRegistry(redis, prefix);
    await registry.holdLease('node-dead', { app: 'ivr-dead', ariUrl: 'http://switch:8088' }, 1000);
    await registry.dropLease('node-dead');

    let opened = 0;
    const bystander = new InstanceTakeover({
      registry, instanceId: 'node-b', info: { app: 'ivr-b', ariUrl: 'http://switch:8088' },
      leaseMs: 5000, renewMs: 50, takeOver: false,
      adopt: async () => ({ adopted: [], closed: [] }),
      openApp: async () => {
        opened += 1;
        return { callControl: new FakeCallControl(), calls: () => 0, close: async () => undefined };
      },
      logger: silentLogger,
    });
    cleanups.push(() => bystander.stop());
    await bystander.start();
    expect(await registry.leaseAlive('node-b')).toBe(true);
    // Many rounds of looking (one every 50 ms).
    const later = Date.now() + 1000;
    await until(() => Date.now() > later, 'a second of looking');
    expect(opened).toBe(0);
    expect(await registry.holder('node-dead')).toBeNull();
    expect(await redis.smembers(`${prefix}:{acd}:owned:node-dead`)).toEqual(['c-1']);
  });
});
