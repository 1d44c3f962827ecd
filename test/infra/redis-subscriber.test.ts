import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { subscribeChannels } from '../../src/infra/redis-subscriber.js';

/** Pub/sub connections that subscribe again themselves after every reconnect, against a real Redis. */
let admin: Redis;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'));
});
afterAll(() => admin.quit());

describe('a subscriber connection', () => {
  it('subscribes once ready, and again after its connection is cut, without ioredis doing it behind our back', async () => {
    const channel = `test:sub:${randomUUID()}`;
    const source = new Redis(inject('redisUrl'), { lazyConnect: true });
    const errors: Error[] = [];
    const { connection, subscribed } = subscribeChannels(source, [channel], (err) => errors.push(err));
    connection.on('error', () => {});
    expect(connection.options.autoResubscribe).toBe(false);
    const received: string[] = [];
    connection.on('message', (_c: string, text: string) => received.push(text));
    try {
      await subscribed;
      await admin.publish(channel, 'before');
      await expect.poll(() => received).toContain('before');
      // Cut this connection only (other tests share the server).
      const port = (connection as unknown as { stream: { localPort: number } }).stream.localPort;
      await admin.client('KILL', 'ADDR', `127.0.0.1:${port}`);
      await expect.poll(async () => {
        await admin.publish(channel, 'after');
        return received.includes('after');
      }, { timeout: 10_000, interval: 100 }).toBe(true);
    } finally {
      connection.disconnect();
      source.disconnect();
    }
  });
});
