import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { InstanceRegistry, type InstanceInfo } from '../../src/acd/instance-registry.js';
import { InstanceTakeover, type HeldApp } from '../../src/acd/instance-takeover.js';
import { systemClock } from '../../src/time/clock.js';
import { FakeCallControl } from '../acd/support/fake-call-control.js';
import { context, decision, silentLogger, startAcd, uniquePrefix, until } from '../acd/support/acd-fixture.js';

/**
 * The takeover with several switches: a dead instance that served switches a
 * and b is taken over only by an instance serving both (same ids, same ARI
 * URLs), which registers the dead instance's app on each of them.
 */
const redisUrl = inject('redisUrl');
const A = 'http://asterisk-a:8088';
const B = 'http://asterisk-b:8088';
const dead: InstanceInfo = { app: 'ivr-dead-a', ariUrl: A, switches: { a: { app: 'ivr-dead-a', url: A }, b: { app: 'ivr-dead-b', url: B } } };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('takeover with several switches', () => {
  it('only an instance serving every switch of the dead one takes it over, registering its app on each', async () => {
    const prefix = uniquePrefix('switch-takeover');
    const owner = await startAcd({ redisUrl, prefix, clock: systemClock, instanceId: 'node-dead' });
    await owner.acd.enqueue(owner.switch.caller('c-1'), decision(), context('c-1'));
    await owner.close();
    const redis = new Redis(redisUrl);
    cleanups.push(() => redis.disconnect());
    const registry = new InstanceRegistry(redis, prefix);
    await registry.holdLease('node-dead', dead, 1000);
    await registry.dropLease('node-dead');

    const opened: { by: string; app: string; switchId: string | undefined }[] = [];
    const adopted: string[] = [];
    const closed: string[] = [];
    const survivor = (id: string, switches: InstanceInfo['switches']) => {
      const takeover = new InstanceTakeover({
        registry: new InstanceRegistry(redis, prefix),
        instanceId: id,
        info: { app: `ivr-${id}`, ariUrl: A, switches },
        leaseMs: 5000,
        renewMs: 100,
        takeOver: true,
        adopt: async (_from, callIds) => {
          adopted.push(id);
          return { adopted: [...callIds], closed: [] };
        },
        openApp: async (app, switchId): Promise<HeldApp> => {
          opened.push({ by: id, app, switchId });
          return { callControl: new FakeCallControl(), calls: () => 0, close: async () => { closed.push(app); } };
        },
        logger: silentLogger,
      });
      cleanups.push(() => takeover.stop());
      return takeover;
    };

    // One serves a only; one serves a and a "b" on another Asterisk.
    const onlyA = survivor('s-a', { a: { app: 'ivr-s-a', url: A } });
    const otherB = survivor('s-ab-other', { a: { app: 'ivr-s-ab-other', url: A }, b: { app: 'ivr-s-ab-other', url: 'http://elsewhere:8088' } });
    await Promise.all([onlyA.start(), otherB.start()]);
    const rounds = Date.now() + 800;
    await until(() => Date.now() > rounds, 'several rounds of looking');
    expect(opened).toEqual([]);
    expect(adopted).toEqual([]);

    const both = survivor('s-ab', { a: { app: 'ivr-s-ab', url: A }, b: { app: 'ivr-s-ab', url: B } });
    await both.start();
    await until(() => adopted.length === 1, 'the takeover', 30_000);
    expect(adopted).toEqual(['s-ab']);
    expect(opened).toEqual([{ by: 's-ab', app: 'ivr-dead-a', switchId: 'a' }, { by: 's-ab', app: 'ivr-dead-b', switchId: 'b' }]);
    expect(both.holding).toEqual(['node-dead']);

    // The owner back: both apps are given back together.
    await registry.holdLease('node-dead', dead, 5000);
    await until(() => closed.length === 2, 'the hand-back', 30_000);
    expect(closed).toEqual(['ivr-dead-a', 'ivr-dead-b']);
  });
});
