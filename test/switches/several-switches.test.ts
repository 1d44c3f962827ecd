import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { placeCall, type CallReport } from '../../src/call-tool/place-call.js';
import { PasswordGuard } from '../../src/customers/password-guard.js';
import { RedisCustomerStore } from '../../src/customers/redis-customer-store.js';
import { seedCustomers } from '../../src/customers/seed-customers.js';
import { loadConfig } from '../../src/service/config-schema.js';
import { HotlineService } from '../../src/service/hotline-service.js';
import { startSimulatedAsterisk, type RecordedRequest, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';

/**
 * Several Asterisk servers with real parts: two simulated Asterisks, a and b,
 * each with its own dialplan app, one service instance serving both, one
 * Redis. Agents 1002 and 1003 are on a, 2002 on b.
 *
 * The trunk between the two servers is modelled on b as an endpoint that
 * answers as a's agent would: `PJSIP/1002@trunk-a` on b is scripted to
 * answer (the simulator looks a `<ext>@<trunk>` resource up as written). Both
 * switches' unscripted endpoints are unreachable, so an agent rung on the
 * wrong switch, or with their own dial string from b, is never answered.
 * What is checked is the service's side: on which switch each agent leg is
 * originated, with which dial string, and where the bridge is.
 */
const redisUrl = inject('redisUrl');
const tag = randomUUID().slice(0, 6);
const prefix = `test:switches:${tag}`;
const appA = `ivr-a-${tag}`;
const appB = `ivr-b-${tag}`;
const SPEED = 10;
const SKILLS = { senior: 5, billing: 5, general: 5 };

let simA: SimulatedAsterisk | null = null;
let simB: SimulatedAsterisk | null = null;
let service: HotlineService | null = null;
let redis: Redis | null = null;
let config: ReturnType<typeof loadConfig> | null = null;

afterAll(async () => {
  await service?.stop();
  await simA?.close();
  await simB?.close();
  redis?.disconnect();
});

async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, what: string, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Agent legs the service asked a switch to originate (not the call tool's callers, which go into the dialplan). */
function agentOriginates(sim: SimulatedAsterisk): RecordedRequest[] {
  return sim.requests().filter((r) => r.method === 'POST' && /^\/ari\/channels(\/[^/]+)?$/.test(r.path) && r.query.app !== undefined && !String(r.query.endpoint).startsWith('Local/1000'));
}

function call(sim: SimulatedAsterisk, app: string, from: string): Promise<CallReport> {
  return placeCall({
    ariUrl: sim.url, user: 'ivr', password: 'ivr', serviceApp: app,
    number: '10000', from, keys: ['1'], manifest: service!.manifest,
    // The caller stays on the line until the agent's side hangs up.
    quietMs: 150, maxQueueWaitMs: 120_000, maxCallMs: 180_000, talkMs: 180_000,
  });
}

/** Hangs a channel up at the switch, as a phone putting the receiver down. */
async function hangUp(sim: SimulatedAsterisk, channelId: string): Promise<void> {
  const res = await fetch(`${sim.url}/ari/channels/${encodeURIComponent(channelId)}`, {
    method: 'DELETE', headers: { authorization: `Basic ${Buffer.from('ivr:ivr').toString('base64')}` },
  });
  expect(res.status).toBe(204);
}

describe('several Asterisk servers, one shared ACD', () => {
  it('a caller on b is served by an agent on a through the trunk, rung and bridged on b; a caller on a waits while that agent is busy and is served on a', async () => {
    simA = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, dialplanApp: appA, defaultAgent: { kind: 'unreachable' } });
    simB = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, dialplanApp: appB, defaultAgent: { kind: 'unreachable' } });
    config = loadConfig({
      env: {},
      overrides: {
        redis: { url: redisUrl, keyPrefix: prefix },
        ari: {
          servers: [{ id: 'a', url: simA.url, app: appA }, { id: 'b', url: simB.url, app: appB }],
          reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
        },
        server: { host: '127.0.0.1', port: 0 },
        log: { level: 'silent' },
        instance: { id: `test-switches-${tag}` },
        queues: { billing: { wrapUpSec: 1 } },
        acd: {
          allowedDialStrings: ['PJSIP/\\d{3,8}', 'PJSIP/\\d{3,8}@trunk-[ab]'],
          crossSwitchDial: { a: { b: 'PJSIP/{ext}@trunk-b' }, b: { a: 'PJSIP/{ext}@trunk-a' } },
        },
        agents: [
          { id: '1002', name: 'Li Na', dial: 'PJSIP/1002', switch: 'a', skills: SKILLS },
          { id: '1003', name: 'Wang Fang', dial: 'PJSIP/1003', switch: 'a', skills: SKILLS },
          { id: '2002', name: 'Zhao Lei', dial: 'PJSIP/2002', switch: 'b', skills: SKILLS },
        ],
      },
    });
    redis = new Redis(redisUrl);
    const store = new RedisCustomerStore(redis, prefix);
    await seedCustomers(store, new PasswordGuard({ redis, keyPrefix: prefix, customers: store, maxAttempts: 3, lockMinutes: 15 }), 'config/customers.sample.json');
    service = new HotlineService({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), timeScale: 0.2 });
    await service.start();
    for (const { ari } of service.switchConnections.values()) await ari.waitUntilReady(10_000);
    const agents = service.acd.agents;
    expect((await agents.get('2002')).switch).toBe('b');

    // The trunk from b to a's agent 1002 answers; 1003 answers on a itself.
    simB.setAgent('1002@trunk-a', { kind: 'answer', afterMs: 0 });
    simA.setAgent('1003', { kind: 'answer', afterMs: 0 });

    // A caller on b, only 1002 (on a) ready.
    await agents.login('1002', { ready: true });
    const onB = call(simB, appB, '13800000002');
    const callOnB = await until(async () => {
      const agent = await agents.get('1002');
      return agent.state === 'on-call' && agent.callId;
    }, '1002 talking to the caller on b');
    const rungOnB = agentOriginates(simB);
    expect(rungOnB.map((r) => r.query.endpoint)).toEqual(['PJSIP/1002@trunk-a']);
    expect(rungOnB[0]!.query.app).toBe(appB);
    expect(agentOriginates(simA)).toEqual([]);
    const bridgeOnB = simB.bridges().find((b) => b.channels.includes(callOnB));
    expect(bridgeOnB?.channels).toHaveLength(2);
    expect(simA.bridges()).toEqual([]);

    // A caller on a while 1002 is busy with b's caller: one shared state, so it waits.
    const onA = call(simA, appA, '13800000003');
    const waitingOnA = await until(async () => (await service!.acd.waiting())[0]?.callId, 'the caller on a queued');
    expect(simA.channels().some((c) => c.id === waitingOnA)).toBe(true);
    expect(agentOriginates(simA)).toEqual([]);
    expect(await agents.get('1002')).toMatchObject({ state: 'on-call', callId: callOnB });

    // 1003, on a, comes in: rung on a with their own dial string, bridged on a.
    await agents.login('1003', { ready: true });
    const callOnA = await until(async () => {
      const agent = await agents.get('1003');
      return agent.state === 'on-call' && agent.callId;
    }, '1003 talking to the caller on a');
    expect(callOnA).toBe(waitingOnA);
    expect(agentOriginates(simA).map((r) => r.query.endpoint)).toEqual(['PJSIP/1003']);
    expect(agentOriginates(simB)).toHaveLength(1);
    const bridgeOnA = simA.bridges().find((b) => b.channels.includes(callOnA));
    expect(bridgeOnA?.channels).toHaveLength(2);
    expect(simB.bridges().some((b) => b.channels.includes(callOnA))).toBe(false);
    const states = Object.fromEntries((await agents.list()).map((a) => [a.id, [a.state, a.callId]]));
    expect(states).toEqual({ '1002': ['on-call', callOnB], '1003': ['on-call', callOnA], '2002': ['offline', null] });

    // The agents put the receiver down: both calls end, both agents come back.
    await hangUp(simB, bridgeOnB!.channels.find((id) => id !== callOnB)!);
    await hangUp(simA, bridgeOnA!.channels.find((id) => id !== callOnA)!);
    const [reportB, reportA] = await Promise.all([onB, onA]);
    expect(reportB.callId).toBe(callOnB);
    expect(reportA.callId).toBe(callOnA);
    await until(async () => (await agents.list()).filter((a) => a.state === 'available').length === 2, 'both agents available after wrap-up');
  }, 180_000);

  it('after a restart, a caller queued on b is recovered through b and served there', async () => {
    const agents = service!.acd.agents;
    await agents.logout('1002');
    await agents.logout('1003');
    const onB = call(simB!, appB, '13800000002');
    const queued = await until(async () => (await service!.acd.waiting())[0]?.callId, 'the caller on b queued');
    // The instance stops with its caller queued: the call is left to its recovery.
    const old = service!;
    await old.stop();
    expect(old.sessions.size).toBe(0);
    expect(await redis!.exists(`${prefix}:{acd}:instance:${old.instanceId}`)).toBe(0);
    service = new HotlineService({ config: config!, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), timeScale: 0.2 });
    await service.start();
    for (const { ari } of service.switchConnections.values()) await ari.waitUntilReady(10_000);
    await service.acd.recovered();
    expect(service.acd.holds(queued)).toBe(true);

    await service.acd.agents.login('1002', { ready: true });
    await until(async () => (await service!.acd.agents.get('1002')).callId === queued && (await service!.acd.agents.get('1002')).state === 'on-call', '1002 talking to the recovered caller');
    expect(agentOriginates(simB!).map((r) => r.query.endpoint)).toEqual(['PJSIP/1002@trunk-a', 'PJSIP/1002@trunk-a']);
    const bridge = simB!.bridges().find((b) => b.channels.includes(queued));
    expect(bridge?.channels).toHaveLength(2);
    await hangUp(simB!, bridge!.channels.find((id) => id !== queued)!);
    expect((await onB).callId).toBe(queued);
  }, 180_000);

  it('is ready only while every switch is connected, and says which one is not', async () => {
    const readyz = async () => (await fetch(`http://127.0.0.1:${service!.port}/readyz`)).json() as Promise<{ ready: boolean; reasons?: string[] }>;
    expect((await readyz()).ready).toBe(true);
    await simB!.close();
    simB = null;
    const notReady = await until(async () => {
      const body = await readyz();
      return body.ready ? null : body;
    }, 'readyz to notice switch b gone');
    expect(notReady.reasons).toEqual([expect.stringMatching(/^ari: switch b: /)]);
  });

  it('an agent added through the API names a switch the deployment has, reached from every other one', async () => {
    const agents = service!.acd.agents;
    await expect(agents.add({ id: '2003', name: 'New', dial: 'PJSIP/2003', switch: 'c', skills: SKILLS })).rejects.toThrow(ValidationError);
    await expect(agents.add({ id: '2003', name: 'New', dial: 'PJSIP/2003', switch: 'c', skills: SKILLS })).rejects.toThrow(/switch: unknown switch "c"/);
    expect((await agents.add({ id: '2003', name: 'New', dial: 'PJSIP/2003', switch: 'b', skills: SKILLS })).switch).toBe('b');
    // Moved to a with a dial string no pair turns into an allowed one from b.
    await expect(agents.update('2003', { switch: 'a', dial: 'PJSIP/99' })).rejects.toThrow(/PJSIP\/99/);
    expect((await agents.update('2003', { switch: 'a' })).switch).toBe('a');
  });
});
