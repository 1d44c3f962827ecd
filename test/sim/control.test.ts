import { request } from 'undici';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { EventStream, eventually, placeLocalCall, rest, startSim } from './sim-harness.js';

/** Resolves with the HTTP status a WebSocket upgrade was refused with. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('error', () => undefined);
  });
}

describe('authentication', () => {
  let sim: SimulatedAsterisk;
  beforeEach(async () => {
    sim = await startSim({ users: { ivr: 'ivr', supervisor: 's3cret' } });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('[connect-auth] answers 401 to REST requests without or with wrong credentials', async () => {
    const none = await rest(sim, 'GET', '/ari/channels', {}, undefined, null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ message: 'Authentication required' });
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="Asterisk REST Interface"');
    const wrong = await rest(sim, 'GET', '/ari/channels', {}, undefined, `Basic ${Buffer.from('ivr:nope').toString('base64')}`);
    expect(wrong.status).toBe(401);
    expect((await rest(sim, 'GET', '/sim/requests', {}, undefined, null)).status).toBe(401);
  });

  it('accepts a Basic header or api_key=user:password for any configured user', async () => {
    const basic = await rest(sim, 'GET', '/ari/channels', {}, undefined, `Basic ${Buffer.from('supervisor:s3cret').toString('base64')}`);
    expect(basic).toMatchObject({ status: 200, body: [] });
    const key = await rest(sim, 'GET', '/ari/asterisk/ping', { api_key: 'ivr:ivr' }, undefined, null);
    expect(key).toMatchObject({ status: 200, body: { ping: 'pong', asterisk_id: '02:fc:00:00:00:01' } });
  });

  it('[connect-auth] refuses the events WebSocket upgrade with 401 without valid credentials', async () => {
    const base = `${sim.url.replace('http', 'ws')}/ari/events?app=ivr`;
    expect(await upgradeStatus(base)).toBe(401);
    expect(await upgradeStatus(`${base}&api_key=ivr:wrong`)).toBe(401);
    expect(await upgradeStatus(`${sim.url.replace('http', 'ws')}/ari/events?api_key=ivr:ivr`)).toBe(400);
  });
});

describe('test control endpoints', () => {
  let sim: SimulatedAsterisk;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('records ARI requests with their query and body, and forgets them on DELETE /sim/requests', async () => {
    await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1001', app: 'ivr', api_key: 'ivr:ivr' }, { variables: { TIER: 'gold' } });
    const log = await rest(sim, 'GET', '/sim/requests');
    expect(log.body).toEqual([
      { method: 'POST', path: '/ari/channels', query: { endpoint: 'PJSIP/1001', app: 'ivr' }, body: { variables: { TIER: 'gold' } }, at: expect.any(Number),
        executedAt: expect.any(Number), answeredAt: expect.any(Number), status: 200, dropped: false },
    ]);
    expect(sim.requests()).toHaveLength(1);
    expect((await rest(sim, 'DELETE', '/sim/requests')).status).toBe(204);
    expect(sim.requests()).toEqual([]);
  });

  it('fails the next N ARI requests with the status asked for, then serves again', async () => {
    expect((await rest(sim, 'POST', '/sim/fail-next', { count: 2, status: 503 })).status).toBe(204);
    expect(await rest(sim, 'GET', '/ari/channels')).toMatchObject({ status: 503, body: { message: 'Simulated failure' } });
    expect(await rest(sim, 'POST', '/ari/bridges')).toMatchObject({ status: 503, body: { message: 'Simulated failure' } });
    expect((await rest(sim, 'GET', '/ari/bridges')).body).toEqual([]);

    sim.failNextRequests(1);
    expect((await rest(sim, 'GET', '/ari/channels')).status).toBe(500);
    expect((await rest(sim, 'GET', '/ari/channels')).status).toBe(200);
    expect((await rest(sim, 'POST', '/sim/fail-next', { count: 1, status: 200 })).status).toBe(400);
  });

  it('pushes a raw event to the app named in it, or to every app', async () => {
    const ivr = await EventStream.open(sim, 'ivr');
    const other = await EventStream.open(sim, 'other');
    const one = await rest(sim, 'POST', '/sim/events', {}, { type: 'ChannelUserevent', eventname: 'probe', userevent: {}, application: 'ivr' });
    expect(one.body).toEqual({ delivered: 1 });
    const all = await rest(sim, 'POST', '/sim/events', {}, { type: 'ChannelUserevent', eventname: 'all', userevent: {} });
    expect(all.body).toEqual({ delivered: 2 });
    await other.waitFor((e) => e.eventname === 'all', 'the broadcast');
    await ivr.waitFor((e) => e.eventname === 'all', 'the broadcast');
    expect(ivr.events.map((e) => e.eventname)).toEqual(['probe', 'all']);
    expect(other.events.map((e) => [e.eventname, e.application])).toEqual([['all', 'other']]);
    expect((await rest(sim, 'POST', '/sim/events', {}, { eventname: 'no type' })).status).toBe(400);
  });

  it('drops every events WebSocket: the app is inactive until it reconnects, its calls stay up', async () => {
    const ivr = await EventStream.open(sim, 'ivr');
    const harness = await EventStream.open(sim, 'harness');
    await placeLocalCall(sim, '10000');
    const held = (await ivr.waitForType('StasisStart')).channel!.id;

    expect((await rest(sim, 'POST', '/sim/drop-websockets')).status).toBe(204);
    await Promise.all([ivr.closed, harness.closed]);
    expect(sim.channels().map((c) => c.id)).toContain(held);

    const back = await EventStream.open(sim, 'ivr');
    const apps = await rest(sim, 'GET', '/ari/applications/ivr');
    expect(apps.body.channel_ids).toContain(held);
    await rest(sim, 'POST', `/ari/channels/${held}/play`, { media: 'sound:welcome' });
    await back.waitForType('PlaybackFinished');
  });

  it('restarts like Asterisk: sockets closed, calls gone without events, unreachable, then back on the same port', async () => {
    const ivr = await EventStream.open(sim, 'ivr');
    await EventStream.open(sim, 'harness');
    await placeLocalCall(sim, '10000');
    await ivr.waitForType('StasisStart');
    const port = sim.port;

    const restarted = sim.restart();
    await ivr.closed;
    await expect(request(`${sim.url}/ari/asterisk/ping?api_key=ivr:ivr`)).rejects.toThrow();
    await restarted;

    expect(sim.port).toBe(port);
    expect((await rest(sim, 'GET', '/ari/channels')).body).toEqual([]);
    expect((await rest(sim, 'GET', '/ari/applications')).body).toEqual([]);
    expect(ivr.events.map((e) => e.type)).toEqual(['StasisStart']);
    const again = await EventStream.open(sim, 'ivr');
    await EventStream.open(sim, 'harness');
    await placeLocalCall(sim, '10001');
    expect((await again.waitForType('StasisStart')).args).toEqual(['10001']);
  });

  it('restarts on POST /sim/restart after answering it', async () => {
    const ivr = await EventStream.open(sim, 'ivr');
    expect((await rest(sim, 'POST', '/sim/restart')).status).toBe(202);
    await ivr.closed;
    await eventually(async () => {
      try {
        return (await rest(sim, 'GET', '/ari/asterisk/ping')).status === 200;
      } catch {
        return false;
      }
    }, 'the simulator listens again');
  });

  it('answers unknown ARI resources 404 and wrong methods 405, as Asterisk does', async () => {
    expect(await rest(sim, 'GET', '/ari/nothing-here')).toMatchObject({ status: 404, body: { message: 'Resource not found' } });
    expect(await rest(sim, 'PUT', '/ari/channels')).toMatchObject({ status: 405, body: { message: 'Invalid method' } });
  });
});
