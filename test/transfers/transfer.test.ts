import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcdEvent } from '../../src/acd/acd-event.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/** Rule 3: a call transferred by an agent re-enters with the highest priority and its context. */
let hotline: HotlineFixture;
let supervisorKey: string;

beforeAll(async () => {
  hotline = await startHotline({ overrides: { queues: { billing: { wrapUpSec: 0 }, complaints: { wrapUpSec: 0 } } } });
  supervisorKey = (await hotline.service.keys.create({ role: 'supervisor', name: 'sup' })).key;
  // The first agent talks until the transfer; the second answers the transferred caller.
  hotline.sim.setAgent('1007', { kind: 'answer', afterMs: 100, hangupAfterMs: 600_000 });
  hotline.sim.setAgent('1018', { kind: 'answer', afterMs: 100, hangupAfterMs: 600_000 });
});
afterAll(async () => hotline?.stop());

function nextAnswer(agent: string): Promise<string> {
  return new Promise((resolve) => {
    const off = hotline.service.acd.onEvent((e: AcdEvent) => {
      if (e.type === 'answered' && e.agent === agent) { off(); resolve(e.callId); }
    });
  });
}

async function transferredCallChecks(callId: string) {
  await hotline.idle();
  const events = await hotline.service.recorder.forCall(callId);
  const routes = events.filter((e) => e.type === 'route');
  expect(routes).toHaveLength(2);
  expect(routes[1]).toMatchObject({ queue: 'complaints', priority: hotline.service.policy.snapshot().transferPriority, rules: expect.arrayContaining([3]) });
  expect(events.find((e) => e.type === 'transferred')).toMatchObject({ fromQueue: 'billing', toQueue: 'complaints' });
  expect(events.filter((e) => e.type === 'answered').map((e) => 'agent' in e && e.agent)).toEqual(['1007', '1018']);
  // The first agent was released to take calls again.
  await expect.poll(async () => (await hotline.service.acd.agents.get('1007')).state, { timeout: 5000 }).toBe('available');
}

describe('blind transfers', () => {
  it('a supervisor transfers a caller to another queue through the API', async () => {
    await hotline.service.acd.agents.login('1007', { ready: true });
    const answered = nextAnswer('1007');
    const calling = hotline.call('10000', '13800000004', ['1'], { maxQueueWaitMs: 10_000, talkMs: 3000 });
    const callId = await answered;
    await hotline.service.acd.agents.login('1018', { ready: true });
    const secondAnswer = nextAnswer('1018');
    const res = await request(`http://127.0.0.1:${hotline.service.port}/v1/calls/${callId}/transfer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ queue: 'complaints' }),
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ callId, queue: 'complaints', result: 'transferred' });
    expect(await secondAnswer).toBe(callId);
    const report = await calling;
    expect(report.outcome).toMatchObject({ kind: 'agent', agent: '1018', queue: 'complaints' });
    await transferredCallChecks(callId);
    await hotline.service.acd.agents.logout('1018');
  });

  it('an agent transfers from the phone by setting HOTLINE_TRANSFER on their channel', async () => {
    const answered = nextAnswer('1007');
    const calling = hotline.call('10000', '13800000004', ['1'], { maxQueueWaitMs: 10_000, talkMs: 3000 });
    const callId = await answered;
    await hotline.service.acd.agents.login('1018', { ready: true });
    const secondAnswer = nextAnswer('1018');
    const leg = hotline.sim.channels().find((c) => c.name.includes('1007') && c.state === 'Up');
    expect(leg).toBeDefined();
    await hotline.service.ari.client.channels.setVariable(leg!.id, 'HOTLINE_TRANSFER', 'complaints');
    expect(await secondAnswer).toBe(callId);
    const report = await calling;
    expect(report.outcome).toMatchObject({ kind: 'agent', agent: '1018', queue: 'complaints' });
    await transferredCallChecks(callId);
  });

  it('a transfer to a queue that does not exist, or of a call not talking, is refused clearly', async () => {
    const post = (id: string, queue: string) => request(`http://127.0.0.1:${hotline.service.port}/v1/calls/${id}/transfer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ queue }),
    });
    const badQueue = await post('some-call', 'nowhere');
    expect(badQueue.statusCode).toBe(400);
    expect(await badQueue.body.json()).toMatchObject({ error: 'invalid-request', message: expect.stringMatching(/^queue: "nowhere" does not take transfers/) });
    const noCall = await post('no-such-call', 'billing');
    expect(noCall.statusCode).toBe(404);
    await noCall.body.text();
  });
});
