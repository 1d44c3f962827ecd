import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, type RedisSettings } from '../../src/infra/redis-connection.js';
import { startPrivateRedis, startSentinelGroup, type PrivateRedis, type PrivateSentinelGroup } from '../../src/infra/private-redis.js';
import { numberWriter } from './support/number-writer.js';

/**
 * What a failover does to writes: replication is asynchronous, so a master
 * that goes on accepting writes after its replica was promoted loses them
 * when it is made a replica in turn. Servers run with min-replicas-to-write 1
 * refuse those writes (NOREPLICAS) the moment their one replica leaves them;
 * the service's connections send them again until a master takes them (the
 * new one, once the old one is its replica), so none is lost and none fails.
 * A master that goes on refusing (its replica simply gone) is no failover:
 * its refusal reaches the command after failoverWaitMs.
 */
const started: Array<PrivateSentinelGroup | PrivateRedis> = [];

afterEach(async () => {
  for (const p of started.splice(0)) await p.stop();
}, 60_000);

function settingsOf(group: PrivateSentinelGroup): RedisSettings {
  return {
    url: `redis://127.0.0.1:${group.servers[0]!.port}`,
    sentinels: group.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    masterName: group.masterName,
  };
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('writes during a Sentinel failover', () => {
  it('with min-replicas-to-write 1, SENTINEL FAILOVER fails no write: the refused writes are sent again until a master takes them', async () => {
    const group = await startSentinelGroup({ replicas: 1, sentinels: 3, minReplicasToWrite: 1 });
    started.push(group);
    await group.settled();
    // The new master refuses writes too until the old one has become its replica: longer than the default wait.
    const writer = numberWriter({ ...settingsOf(group), failoverWaitMs: 45_000 }, 'failover-writes');
    await until(async () => writer.count >= 50, 30_000, 'writes before the failover');
    const oldPort = await group.masterPort();
    await group.ask((c) => c.call('SENTINEL', 'FAILOVER', group.masterName));
    await until(async () => (await group.masterPort()) !== oldPort, 60_000, 'a new master');
    const before = writer.count;
    await until(async () => writer.count >= before + 50, 60_000, 'writes to the new master');
    const figures = await writer.stop();
    console.log(`writes over a SENTINEL FAILOVER with min-replicas-to-write 1: ${JSON.stringify({ ...figures, failed: figures.failed.length })}`);
    // Not asserted: `lost`. min-replicas-to-write asks for a connected replica
    // (lag within min-replicas-max-lag), not that each write reached it, so a
    // write acknowledged just before the switch can still be lost (1 of 147
    // in one full run); the figure is printed above.
    expect(figures.failed).toEqual([]);
  }, 120_000);

  it('sixty connections all follow a killed master to the new one: none is closed for good, no write fails', async () => {
    const group = await startSentinelGroup({ replicas: 1, sentinels: 3, downAfterMs: 1500 });
    started.push(group);
    await group.settled();
    const connections = Array.from({ length: 60 }, () => createRedis(settingsOf(group), 'service'));
    const failures: string[] = [];
    try {
      for (const c of connections) c.on('error', () => {});
      await Promise.all(connections.map((c) => c.ping()));
      const oldPort = await group.masterPort();
      let writing = true;
      const loops = connections.map(async (c) => {
        while (writing) {
          await c.incr('sixty').catch((err: Error) => { failures.push(err.message); });
          await new Promise((r) => setTimeout(r, 20));
        }
      });
      await group.servers.find((s) => s.port === oldPort)!.stop('SIGKILL');
      await until(async () => (await group.masterPort().catch(() => oldPort)) !== oldPort, 60_000, 'a new master');
      // Every connection writes to the new master again.
      await until(async () => (await Promise.all(connections.map((c) => c.incr('after').then(() => true, () => false)))).every(Boolean), 30_000, 'writes on every connection');
      writing = false;
      await Promise.all(loops);
      expect({ statuses: [...new Set(connections.map((c) => c.status))], failures: [...new Set(failures)] }).toEqual({ statuses: ['ready'], failures: [] });
    } finally {
      for (const c of connections) c.disconnect();
    }
  }, 120_000);

  it('a master that keeps refusing writes (its replica gone) fails the write with NOREPLICAS after failoverWaitMs, not never', async () => {
    const lone = await startPrivateRedis({ minReplicasToWrite: 1 });
    started.push(lone);
    const redis = createRedis({ url: lone.url, failoverWaitMs: 500 }, 'service');
    redis.on('error', () => {});
    try {
      await expect(redis.set('k', 'v')).rejects.toThrow(/^NOREPLICAS/);
    } finally {
      redis.disconnect();
    }
  }, 30_000);
});
