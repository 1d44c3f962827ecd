import { pino } from 'pino';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import WebSocket from 'ws';
import type { AcdEvent } from '../../src/acd/acd-event.js';
import { deepMerge } from '../../src/config/load-config.js';
import { loadConfig } from '../../src/service/config-schema.js';
import { HotlineService } from '../../src/service/hotline-service.js';
import { PortInUseError } from '../../src/service/port-in-use-error.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { SPEED, startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * Asterisk gives a Stasis app to whichever client opened an events WebSocket
 * for it last: the one holding it before gets ApplicationReplaced and nothing
 * more. These tests take the app from a running instance the way a mistaken
 * second instance (or any other client) would, and check the instance stays
 * correct: not ready while blind, no agent rung, the app taken back.
 */

async function readyz(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`http://127.0.0.1:${port}/readyz`);
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

/**
 * A standard caller waiting in general for agent 1016 (who stays on long enough
 * for the caller to be told they answered), and a timeline that notes when the
 * ACD reserves 1016 for it.
 */
async function callerWaitingFor1016(hotline: HotlineFixture) {
  const { service, sim } = hotline;
  sim.setAgent('1016', { kind: 'answer', afterMs: 100, hangupAfterMs: 20_000 });
  const caller = hotline.call('10000', '13800000004', ['0'], { maxQueueWaitMs: 30_000 });
  await expect.poll(async () => (await service.acd.waiting('general')).length, { timeout: 15_000, interval: 25 }).toBe(1);
  const timeline: string[] = [];
  const offReserved = service.acd.onEvent((e: AcdEvent) => {
    if (e.type === 'agent-state' && e.agent === '1016' && e.state === 'reserved') timeline.push('reserved');
  });
  return { caller, timeline, offReserved };
}

/** POSTs that ring agent `id` (originates to its dial string). */
function originatesTo(sim: SimulatedAsterisk, id: string): number {
  return sim.requests().filter((r) => r.method === 'POST' && /^\/ari\/channels(\/[^/]+)?$/.test(r.path) && r.query.endpoint === `Local/${id}@agents`).length;
}

/** Another client opening the events WebSocket of `app`: Asterisk hands it the app. */
async function takeApp(sim: SimulatedAsterisk, app: string): Promise<WebSocket> {
  const ws = new WebSocket(`${sim.url.replace(/^http/, 'ws')}/ari/events?app=${app}&api_key=ivr:ivr`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve();
    else {
      ws.once('close', () => resolve());
      ws.close();
    }
  });
}

describe('when a second instance is started by mistake with the same Stasis app and port', () => {
  let first: HotlineFixture;
  beforeAll(async () => {
    first = await startHotline();
  });
  afterAll(async () => first?.stop());

  it('the second fails on the busy port before registering the app, and the first keeps its calls', async () => {
    const started = startHotline({
      shareSim: first.sim,
      sharePrefix: first.prefix,
      // Same host and app give the same instance id in production.
      overrides: { ari: { app: first.config.ari.app }, server: { port: first.service.port }, instance: { id: first.service.instanceId } },
    });
    const err = await started.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    expect((err as PortInUseError).code).toBe('port-in-use');
    expect((err as PortInUseError).message).toContain(`Stasis app "${first.config.ari.app}"`);

    // A call placed after the failed start is taken by the first instance, start to end.
    const r = await first.call('10001', '13800000004', ['3']);
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'points' });
    // Had the second opened the events socket, Asterisk would have told the first by now.
    expect(first.service.ari.replacedCount).toBe(0);
    expect((await readyz(first.service.port)).status).toBe(200);
  });
});

describe('when another client takes the Stasis app over', () => {
  let hotline: HotlineFixture;
  let intruder: WebSocket | null = null;
  beforeAll(async () => {
    hotline = await startHotline({
      overrides: {
        queues: { general: { wrapUpSec: 0 } },
        // Long enough that the test's few Redis and HTTP round trips happen while the app is away.
        ari: { takeBack: { initialDelayMs: 2000, maxDelayMs: 2000 } },
      },
    });
  });
  afterEach(async () => {
    if (intruder) await closed(intruder);
    intruder = null;
  });
  afterAll(async () => hotline?.stop());

  it('it is not ready and says why, rings no agent while blind, then takes the app back and the waiting caller is served', async () => {
    const { service, sim } = hotline;
    const app = hotline.config.ari.app;
    // The caller hangs up once told the agent answered.
    // What happened, in order: taken over, agent reserved, app taken back (with the rings counted then).
    const { caller, timeline, offReserved } = await callerWaitingFor1016(hotline);
    const replaced = new Promise<void>((resolve) => {
      const off = service.ari.on('disconnected', (info) => {
        if (!info.replaced) return;
        off();
        timeline.push('replaced');
        resolve();
      });
    });
    const takenBack = new Promise<void>((resolve) => {
      const off = service.ari.on('ready', () => {
        if (!timeline.includes('replaced')) return;
        off();
        timeline.push(`taken-back rings=${originatesTo(sim, '1016')}`);
        resolve();
      });
    });

    intruder = await takeApp(sim, app);
    await replaced;
    const notReady = await readyz(service.port);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ ready: false, ari: false, reasons: [`ari: application ${app} replaced by another client`] });

    // An agent free now is reserved for the waiting caller, but not rung: the answer could not be seen.
    await service.acd.agents.login('1016', { ready: true });
    await expect.poll(() => timeline.includes('reserved'), { timeout: 5000, interval: 10 }).toBe(true);
    await closed(intruder);
    intruder = null;

    await takenBack;
    expect(timeline).toEqual(['replaced', 'reserved', 'taken-back rings=0']);
    const report = await caller;
    expect(report.outcome).toMatchObject({ kind: 'agent', agent: '1016', queue: 'general' });
    expect(originatesTo(sim, '1016')).toBe(1);
    expect((await readyz(service.port)).status).toBe(200);
    offReserved();
    await hotline.idle();
    await service.acd.agents.logout('1016').catch(() => {});
  });
});

describe('when the events socket drops', () => {
  let hotline: HotlineFixture;
  beforeAll(async () => {
    hotline = await startHotline({
      overrides: {
        queues: { general: { wrapUpSec: 0 } },
        // A slow first retry, so the test's few Redis round trips happen while the socket is down.
        ari: { reconnect: { initialDelayMs: 2000, maxDelayMs: 2000 } },
      },
    });
  });
  afterAll(async () => hotline?.stop());

  it('an agent freed while it is down is not rung until it is back, then the waiting caller is served', async () => {
    const { service, sim } = hotline;
    const { caller, timeline, offReserved } = await callerWaitingFor1016(hotline);
    const down = new Promise<void>((resolve) => {
      const off = service.ari.on('disconnected', () => {
        off();
        timeline.push('down');
        resolve();
      });
    });
    const back = new Promise<void>((resolve) => {
      const off = service.ari.on('ready', () => {
        if (!timeline.includes('down')) return;
        off();
        timeline.push(`back rings=${originatesTo(sim, '1016')}`);
        resolve();
      });
    });
    // Drops the caller's own socket too; it reconnects well before the service does.
    sim.dropWebSockets();
    await down;
    await service.acd.agents.login('1016', { ready: true });
    await expect.poll(() => timeline.includes('reserved'), { timeout: 5000, interval: 10 }).toBe(true);
    await back;
    expect(timeline).toEqual(['down', 'reserved', 'back rings=0']);
    const report = await caller;
    expect(report.outcome).toMatchObject({ kind: 'agent', agent: '1016', queue: 'general' });
    expect(originatesTo(sim, '1016')).toBe(1);
    offReserved();
    await hotline.idle();
    await service.acd.agents.logout('1016').catch(() => {});
  });
});

describe('start-up', () => {
  let sim: SimulatedAsterisk;
  let service: HotlineService | null = null;
  beforeAll(async () => {
    sim = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null });
  });
  afterAll(async () => {
    await service?.stop();
    await sim?.close();
  });

  it('listens before ARI is connected, and /readyz says ARI is not ready until it is', async () => {
    const config = loadConfig({
      env: {},
      overrides: deepMerge({
        redis: { url: inject('redisUrl'), keyPrefix: `test:start:${Date.now()}` },
        // Refused credentials: the events socket keeps being retried and never opens.
        ari: { url: sim.url, password: 'wrong', app: 'ivr-start', reconnect: { initialDelayMs: 20, maxDelayMs: 200 } },
        server: { host: '127.0.0.1', port: 0 },
        log: { level: 'silent' },
        instance: { id: 'test-start-up' },
      }, {}),
    });
    service = new HotlineService({ config, logger: pino({ level: 'silent' }) });
    await service.start();
    const res = await readyz(service.port);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ ready: false, ari: false, redis: true });
    expect(res.body.reasons).toEqual([expect.stringMatching(/^ari: .*401/)]);
  });
});
