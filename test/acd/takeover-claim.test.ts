import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { InstanceRegistry } from '../../src/acd/instance-registry.js';
import { InstanceTakeover, type HeldApp } from '../../src/acd/instance-takeover.js';
import { systemClock } from '../../src/time/clock.js';
import { FakeCallControl } from './support/fake-call-control.js';
import { context, decision, silentLogger, startAcd, uniquePrefix, until, type AcdFixture } from './support/acd-fixture.js';

/**
 * The takeover's lock and fencing rules on a real Redis: one survivor claims
 * a dead instance, the calls move only under its claim and only while the
 * owner is away, and never twice; between two survivors racing, exactly one
 * takes over; the owner back gets its app once nothing taken over is left in it.
 */
const redisUrl = inject('redisUrl');
const info = { app: 'ivr-dead', ariUrl: 'http://switch:8088' };
let fixtures: AcdFixture[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

/** A dead instance's ACD that left `count` waiting calls owned by it. */
async function deadWithCalls(prefix: string, count: number): Promise<{ redis: Redis; ids: string[] }> {
  const dead = await startAcd({ redisUrl, prefix, clock: systemClock, instanceId: 'node-dead' });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `c-${i}`;
    await dead.acd.enqueue(dead.switch.caller(id), decision(), context(id));
    ids.push(id);
  }
  await dead.close();
  const redis = new Redis(redisUrl);
  cleanups.push(() => redis.disconnect());
  return { redis, ids };
}

describe('claiming a dead instance\'s calls', () => {
  it('is refused while its lease holds, won by one survivor, fenced by the owner\'s return, and never done twice', async () => {
    const prefix = uniquePrefix('claim');
    const { redis, ids } = await deadWithCalls(prefix, 2);
    const registry = new InstanceRegistry(redis, prefix);
    const base = `${prefix}:{acd}`;

    await registry.holdLease('node-dead', info, 10_000);
    expect(await registry.claim('node-dead', 's1', 5000)).toBe('alive');
    await registry.dropLease('node-dead');
    expect(await registry.claim('node-dead', 's1', 5000)).toBe('claimed');
    expect(await registry.claim('node-dead', 's2', 5000)).toBe('held');
    expect(await registry.holder('node-dead')).toBe('s1');

    // Only the holder moves the calls, and only while the owner is away.
    expect(await registry.move('node-dead', 's2')).toEqual({ kind: 'lost' });
    await registry.holdLease('node-dead', info, 10_000);
    expect(await registry.move('node-dead', 's1')).toEqual({ kind: 'alive' });
    expect((await redis.smembers(`${base}:owned:node-dead`)).sort()).toEqual(ids);
    await registry.dropLease('node-dead');

    const moved = await registry.move('node-dead', 's1');
    expect(moved.kind === 'moved' && [...moved.calls].sort()).toEqual(ids);
    expect(await redis.smembers(`${base}:owned:node-dead`)).toEqual([]);
    expect((await redis.smembers(`${base}:owned:s1`)).sort()).toEqual(ids);
    for (const id of ids) expect(await redis.hget(`${base}:call:${id}`, 'owner')).toBe('s1');

    // Nothing is left to take over: not by another survivor once the hold is dropped, nor twice by the same.
    expect(await registry.renewHold('node-dead', 's2', 5000)).toBe(false);
    expect(await registry.renewHold('node-dead', 's1', 5000)).toBe(true);
    await registry.dropHold('node-dead', 's2');
    expect(await registry.holder('node-dead')).toBe('s1');
    await registry.dropHold('node-dead', 's1');
    expect(await registry.claim('node-dead', 's2', 5000)).toBe('nothing');
    expect(await registry.move('node-dead', 's1')).toEqual({ kind: 'lost' });
  });

  it('between two survivors, exactly one takes the calls over (never one on another switch); the owner back gets its app once no call is left in it', async () => {
    const prefix = uniquePrefix('race');
    const { redis, ids } = await deadWithCalls(prefix, 3);
    const registry = new InstanceRegistry(redis, prefix);
    // The dead instance's lease expired long ago; its entry stays in the registry.
    await registry.holdLease('node-dead', info, 1000);
    await registry.dropLease('node-dead');

    const adopted: { by: string; from: string; calls: string[] }[] = [];
    const apps: { by: string; app: string; calls: number; closed: boolean }[] = [];
    const survivor = (id: string, ariUrl = info.ariUrl) => {
      const takeover = new InstanceTakeover({
        registry: new InstanceRegistry(redis, prefix),
        instanceId: id,
        info: { app: `ivr-${id}`, ariUrl },
        leaseMs: 5000,
        renewMs: 100,
        takeOver: true,
        adopt: async (from, callIds) => {
          adopted.push({ by: id, from, calls: [...callIds].sort() });
          return { adopted: [...callIds], closed: [] };
        },
        openApp: async (app): Promise<HeldApp> => {
          const held = { by: id, app, calls: 1, closed: false };
          apps.push(held);
          return { callControl: new FakeCallControl(), calls: () => held.calls, close: async () => { held.closed = true; } };
        },
        logger: silentLogger,
      });
      cleanups.push(() => takeover.stop());
      return takeover;
    };
    // s3 is on another switch: it cannot reach the dead instance's channels.
    const [s1, s2, s3] = [survivor('s1'), survivor('s2'), survivor('s3', 'http://other-switch:8088')];
    await Promise.all([s1.start(), s2.start(), s3.start()]);

    await until(() => adopted.length === 1 && [s1, s2].some((s) => s.holding.length === 1), 'one takeover', 30_000);
    // Several more rounds of both looking: still one.
    const rounds = Date.now() + 1000;
    await until(() => Date.now() > rounds, 'a second of looking');
    expect(adopted).toHaveLength(1);
    expect(adopted[0]).toMatchObject({ from: 'node-dead', calls: ids });
    expect(apps).toHaveLength(1);
    expect(apps[0]!.app).toBe('ivr-dead');
    expect(['s1', 's2']).toContain(adopted[0]!.by);
    const winner = adopted[0]!.by === 's1' ? s1 : s2;

    // The owner comes back: it must wait while calls taken over are still in its app.
    const owner = new InstanceTakeover({
      registry: new InstanceRegistry(redis, prefix),
      instanceId: 'node-dead',
      info,
      leaseMs: 5000,
      renewMs: 100,
      takeOver: true,
      adopt: async () => ({ adopted: [], closed: [] }),
      openApp: async () => { throw new Error('the owner takes nothing over'); },
      logger: silentLogger,
    });
    cleanups.push(() => owner.stop());
    await owner.start();
    const later = Date.now() + 500;
    await until(() => Date.now() > later, 'a few rounds with the owner back');
    expect(await owner.ownAppHeld()).toBe(true);
    expect(apps[0]!.closed).toBe(false);

    apps[0]!.calls = 0;
    expect(await owner.ownAppFree()).toBe(true);
    expect(apps[0]!.closed).toBe(true);
    expect(winner.holding).toEqual([]);
    expect(adopted).toHaveLength(1);
  });

  it('a survivor that dies holding a takeover passes it on: the next takes its app and the app it held, and their calls', async () => {
    const prefix = uniquePrefix('chain');
    const { redis, ids } = await deadWithCalls(prefix, 2);
    const registry = new InstanceRegistry(redis, prefix);
    // node-s took node-dead's calls over and held its app, then died in turn.
    await registry.holdLease('node-dead', info, 1000);
    await registry.dropLease('node-dead');
    expect(await registry.claim('node-dead', 'node-s', 60_000)).toBe('claimed');
    expect((await registry.move('node-dead', 'node-s')).kind).toBe('moved');
    await registry.holdLease('node-s', { app: 'ivr-s', ariUrl: info.ariUrl, held: ['node-dead'] }, 1000);
    await registry.dropLease('node-s');

    // The callers are in node-dead's app: only its call control has them.
    const switches = new Map<string, FakeCallControl>();
    const apps: { app: string; calls: number; closed: boolean }[] = [];
    const adoptedCalls: string[] = [];
    const takeover = new InstanceTakeover({
      registry: new InstanceRegistry(redis, prefix),
      instanceId: 'node-t',
      info: { app: 'ivr-t', ariUrl: info.ariUrl },
      leaseMs: 5000,
      renewMs: 100,
      takeOver: true,
      adopt: async (from, callIds, callControl) => {
        expect(from).toBe('node-s');
        for (const id of callIds) if (await callControl.adopt(id)) adoptedCalls.push(id);
        return { adopted: [...adoptedCalls], closed: [] };
      },
      openApp: async (app): Promise<HeldApp> => {
        const fake = new FakeCallControl();
        if (app === 'ivr-dead') for (const id of ids) fake.caller(id);
        switches.set(app, fake);
        const held = { app, calls: 1, closed: false };
        apps.push(held);
        return { callControl: fake, calls: () => held.calls, close: async () => { held.closed = true; } };
      },
      logger: silentLogger,
    });
    cleanups.push(() => takeover.stop());
    await takeover.start();

    await until(() => takeover.holding.length === 2 && adoptedCalls.length === ids.length, 'node-s and what it held taken over', 30_000);
    expect(apps.map((a) => a.app)).toEqual(['ivr-s', 'ivr-dead']);
    expect(adoptedCalls.sort()).toEqual(ids);
    expect(await registry.holder('node-s')).toBe('node-t');
    expect(await registry.holder('node-dead')).toBe('node-t');
    for (const id of ids) expect(await redis.hget(`${prefix}:{acd}:call:${id}`, 'owner')).toBe('node-t');

    // node-dead comes back: its app is handed back once no call is left in it.
    const owner = new InstanceTakeover({
      registry: new InstanceRegistry(redis, prefix),
      instanceId: 'node-dead', info, leaseMs: 5000, renewMs: 100, takeOver: false,
      adopt: async () => ({ adopted: [], closed: [] }),
      openApp: async () => { throw new Error('the owner takes nothing over'); },
      logger: silentLogger,
    });
    cleanups.push(() => owner.stop());
    await owner.start();
    expect(await owner.ownAppHeld()).toBe(true);
    apps[1]!.calls = 0;
    expect(await owner.ownAppFree()).toBe(true);
    expect(apps[1]!.closed).toBe(true);
    expect(apps[0]!.closed).toBe(false);
    expect(takeover.holding).toEqual(['node-s']);
  });
});
