import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AriConnection } from '../../src/ari/ari-connection.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { until } from './support/acd-fixture.js';

/**
 * The Stasis app after a takeover, against the simulated Asterisk: a
 * connection told it may not take its app back (a survivor's connection for a
 * dead instance's app, or an owner whose app a survivor holds) leaves the app
 * with the client that took it over, and takes it back once allowed.
 */
let sim: SimulatedAsterisk;
const connections: AriConnection[] = [];

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null });
});
afterAll(async () => {
  for (const c of connections) await c.stop();
  await sim?.close();
});

function connect(app: string, mayTakeBack?: () => boolean | Promise<boolean>): AriConnection {
  const connection = new AriConnection({
    url: sim.url, user: 'ivr', password: 'ivr', app,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, factor: 2 },
    takeBack: { initialDelayMs: 50, maxDelayMs: 50, factor: 1 },
    ...(mayTakeBack ? { mayTakeBack } : {}),
  });
  connections.push(connection);
  connection.start();
  return connection;
}

/** Whether `count` more take-back decisions were made (each asks mayTakeBack once). */
function asked(counter: { n: number }, count: number): () => boolean {
  const target = counter.n + count;
  return () => counter.n >= target;
}

describe('a Stasis app taken over', () => {
  it('is never taken back while the connection may not, and is taken back once it may', async () => {
    const questions = { n: 0 };
    let allowed = false;
    const first = connect('ivr-held', () => {
      questions.n += 1;
      return allowed;
    });
    await first.waitUntilReady(5000);
    const second = connect('ivr-held');
    await second.waitUntilReady(5000);
    await until(() => first.replacedCount === 1, 'the first told its app was replaced');

    // Asked several times, never allowed: the second keeps the app.
    await until(asked(questions, 5), 'five take-back decisions', 30_000);
    expect(first.ready).toBe(false);
    expect(second.ready).toBe(true);
    expect(second.replacedCount).toBe(0);
    expect((await second.client.applications.list()).some((a) => a.name === 'ivr-held')).toBe(true);

    allowed = true;
    await until(() => first.ready, 'the first taking its app back once allowed', 30_000);
    await until(() => second.replacedCount === 1, 'the second told its app was replaced');
  });

  it('a failing question is a no: the app stays with the client that holds it', async () => {
    const questions = { n: 0 };
    const first = connect('ivr-unsure', () => {
      questions.n += 1;
      throw new Error('Redis is away');
    });
    await first.waitUntilReady(5000);
    const second = connect('ivr-unsure');
    await second.waitUntilReady(5000);
    await until(asked(questions, 3), 'three take-back decisions', 30_000);
    expect(first.ready).toBe(false);
    expect(second.replacedCount).toBe(0);
  });
});
