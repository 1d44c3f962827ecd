import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient } from '../api/sse-client.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { http, nextAcdEvent, signedIn } from './desk-support.js';

/**
 * The agent desk through its API, on a whole service against the simulated
 * Asterisk: the screen pop while the phone rings, the agent's own state,
 * transfer, ticket, callback, disposition and the day's figures, and every
 * way one agent could reach another's call.
 */
let hotline: HotlineFixture;
let admin: string;
let supervisor: string;
let viewer: string;
let zhao: string; // agent 1004 (billing 4)
let ma: string; // agent 1013 (complaints)

beforeAll(async () => {
  hotline = await startHotline({
    overrides: {
      // Long wrap-ups: the agent ends them from the desk. Long ring timeouts: the phones answer after a while.
      queues: { billing: { wrapUpSec: 600, ringTimeoutSec: 120 }, complaints: { wrapUpSec: 600, ringTimeoutSec: 120 } },
    },
  });
  admin = (await hotline.service.keys.create({ role: 'admin', name: 'ada' })).key;
  supervisor = (await hotline.service.keys.create({ role: 'supervisor', name: 'sam' })).key;
  viewer = (await hotline.service.keys.create({ role: 'viewer', name: 'vera' })).key;
  // About a second of ringing (simulated time runs 20 times faster; the agents' dialplan gives up at 30 simulated seconds), then they talk until hung up.
  hotline.sim.setAgent('1004', { kind: 'answer', afterMs: 25_000, hangupAfterMs: 3_600_000 });
  hotline.sim.setAgent('1013', { kind: 'answer', afterMs: 25_000, hangupAfterMs: 3_600_000 });
  zhao = await signedIn(hotline, admin, '1004', '260417');
  ma = await signedIn(hotline, admin, '1013', '731950');
});
afterAll(async () => hotline?.stop());

async function stream(token: string, agent: string): Promise<SseClient> {
  const ticket = await http(hotline, 'POST', '/v1/desk/stream/tickets', token);
  expect(ticket.status).toBe(201);
  const sse = await SseClient.open(`http://127.0.0.1:${hotline.service.port}/v1/desk/agents/${agent}/stream?ticket=${ticket.body.ticket}`);
  expect(sse.status).toBe(200);
  await sse.next('desk');
  return sse;
}

describe('signing in at the desk', () => {
  it('takes the agent id and PIN, refuses wrong ones alike, locks after repeated failures, and an admin\'s new PIN lifts the lock', async () => {
    expect((await http(hotline, 'PUT', '/v1/agents/1012/pin', admin, { pin: '12345' })).body).toMatchObject({ error: 'invalid-request', message: expect.stringContaining('pin') });
    expect((await http(hotline, 'PUT', '/v1/agents/1012/pin', supervisor, { pin: '123456' })).status).toBe(403);
    expect((await http(hotline, 'PUT', '/v1/agents/nobody/pin', admin, { pin: '123456' })).status).toBe(404);
    expect((await http(hotline, 'PUT', '/v1/agents/1012/pin', admin, { pin: '482913' })).status).toBe(204);

    const wrong = await http(hotline, 'POST', '/desk/sessions', null, { agentId: '1012', pin: '000000' });
    const unknown = await http(hotline, 'POST', '/desk/sessions', null, { agentId: '9999', pin: '482913' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    for (let i = 0; i < 3; i++) expect((await http(hotline, 'POST', '/desk/sessions', null, { agentId: '1012', pin: '000000' })).status).toBe(401);
    const locking = await http(hotline, 'POST', '/desk/sessions', null, { agentId: '1012', pin: '000000' });
    expect(locking.status).toBe(429);
    expect(locking.body.error).toBe('sign-in-locked');
    expect(Number(locking.headers.get('retry-after'))).toBeGreaterThan(0);
    // Locked: even the right PIN is refused until an admin sets a new one.
    expect((await http(hotline, 'POST', '/desk/sessions', null, { agentId: '1012', pin: '482913' })).status).toBe(429);
    expect((await http(hotline, 'PUT', '/v1/agents/1012/pin', admin, { pin: '482914' })).status).toBe(204);
    const session = await http(hotline, 'POST', '/desk/sessions', null, { agentId: '1012', pin: '482914' });
    expect(session.status).toBe(201);
    expect(session.body.token).toMatch(/^ds_/);

    const token = session.body.token as string;
    expect((await http(hotline, 'GET', '/v1/desk/agents/1012', token)).body.agent).toMatchObject({ id: '1012', name: 'Sun Tao' });
    // Bound to its agent: another agent's desk, and everything of the supervisors, is refused.
    expect((await http(hotline, 'GET', '/v1/desk/agents/1004', token)).body).toMatchObject({ error: 'not-your-agent' });
    expect((await http(hotline, 'GET', '/v1/agents', token)).status).toBe(403);
    expect((await http(hotline, 'GET', '/v1/complaints', token)).status).toBe(403);
    expect((await http(hotline, 'GET', '/v1/callbacks', token)).status).toBe(403);
    expect((await http(hotline, 'GET', '/v1/stats/realtime', token)).status).toBe(403);

    expect((await http(hotline, 'DELETE', '/v1/desk/sessions/current', token)).status).toBe(204);
    expect((await http(hotline, 'GET', '/v1/desk/agents/1012', token)).status).toBe(401);

    // Audited, and no PIN anywhere in the trail.
    const audit = await http(hotline, 'GET', '/v1/audit?limit=100', admin);
    const actions = (audit.body.entries as { action: string; target: string }[]).filter((e) => e.target === '1012').map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['agent.pin', 'desk.sign-in-refused', 'desk.sign-in-locked', 'desk.sign-in', 'desk.sign-out']));
    const trail = JSON.stringify(audit.body);
    for (const pin of ['482913', '482914', '000000']) expect(trail).not.toContain(pin);
  });
});

describe('changes made elsewhere', () => {
  it('an agent whose phone rings unanswered is paused by the ACD, and the desk shows it at once and drops the caller', async () => {
    hotline.sim.setAgent('1005', { kind: 'no-answer' });
    const chen = await signedIn(hotline, admin, '1005', '404040');
    await http(hotline, 'POST', '/v1/desk/agents/1005/state', chen, { action: 'login' });
    const desk = await stream(chen, '1005');
    await http(hotline, 'POST', '/v1/desk/agents/1005/state', chen, { action: 'ready' });
    const calling = hotline.call('10000', '13800000004', ['1'], { maxQueueWaitMs: 3000 });
    expect((await desk.next('pop')).data).toMatchObject({ customer: { name: 'Liu Yang' }, tier: 'standard' });
    expect((await desk.next('state', (s) => s.state === 'paused')).data).toMatchObject({ pauseReason: 'no answer' });
    await desk.next('cleared');
    expect((await http(hotline, 'GET', '/v1/desk/agents/1005', chen)).body).toMatchObject({ agent: { state: 'paused', pauseReason: 'no answer' }, call: null, recent: [{ answeredAt: null }] });
    // A missed call cannot be given a disposition.
    const missed = (await http(hotline, 'GET', '/v1/desk/agents/1005', chen)).body.recent[0].callId as string;
    expect((await http(hotline, 'POST', `/v1/desk/agents/1005/calls/${missed}/disposition`, chen, { code: 'resolved' })).status).toBe(409);
    expect((await http(hotline, 'POST', '/v1/desk/agents/1005/wrap-up/end', chen, {})).body).toMatchObject({ error: 'not-in-wrap-up' });
    await http(hotline, 'POST', '/v1/desk/agents/1005/state', chen, { action: 'logout' });
    await desk.close();
    await calling;
  });
});

describe('a call at the desk', () => {
  it('pops the caller before the answer, transfers with the reason to the next agent, closes with a disposition counted in the day\'s figures', async () => {
    // The agent goes ready from the desk; a supervisor's pause and ready show on the desk at once.
    expect((await http(hotline, 'POST', '/v1/desk/agents/1004/state', zhao, { action: 'login' })).body.state).toBe('paused');
    const desk = await stream(zhao, '1004');
    expect((await http(hotline, 'POST', '/v1/desk/agents/1004/state', zhao, { action: 'pause', reason: 'coffee' })).body).toMatchObject({ error: 'invalid-request', message: expect.stringMatching(/^reason: must be one of break, lunch/) });
    expect((await http(hotline, 'POST', '/v1/desk/agents/1004/state', zhao, { action: 'pause', reason: 'lunch' })).body).toMatchObject({ state: 'paused', pauseReason: 'lunch' });
    expect((await desk.next('state', (s) => s.pauseReason === 'lunch')).data).toMatchObject({ state: 'paused' });
    expect((await http(hotline, 'POST', '/v1/agents/1004/state', supervisor, { action: 'ready' })).status).toBe(200);
    expect((await desk.next('state', (s) => s.state === 'available')).data).toMatchObject({ state: 'available' });

    const answered = nextAcdEvent(hotline, (e) => e.type === 'answered' && e.agent === '1004');
    const calling = hotline.call('10000', '13800000002', ['1'], { maxQueueWaitMs: 30_000, talkMs: 3_600_000 });
    const pop = (await desk.next('pop')).data as any;
    const callId = pop.callId as string;
    await answered;
    await desk.next('state', (s) => s.state === 'on-call');
    const order = desk.log.map((e) => (e.event === 'pop' ? 'pop' : e.event === 'state' ? (e.data as { state: string }).state : e.event));
    expect(order.indexOf('pop')).toBeLessThan(order.indexOf('on-call'));
    expect(order.indexOf('ringing')).toBeLessThan(order.indexOf('on-call'));

    const events = await hotline.service.recorder.forCall(callId);
    const tier = events.find((e) => e.type === 'tier') as { tier: string } | undefined;
    expect(pop).toMatchObject({
      kind: 'inbound',
      tier: tier?.tier,
      tierColour: expect.stringMatching(/^#[0-9a-f]{6}$/i),
      customer: { name: 'Li Na', accountId: 'AC10000002' },
      number: '138****0002',
      need: { queue: 'billing', dialled: '10000', menuPath: [expect.stringContaining('billing')] },
      passwordVerified: false,
      transfer: null,
    });
    expect(pop.waitedMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(desk.log)).not.toContain('13800000002');
    // The account follows from the customer data port: balance, bill, open tickets.
    const withAccount = (await desk.next('pop', (p) => p.account !== null)).data as any;
    expect(withAccount.account).toMatchObject({ balance: expect.any(Number), openComplaints: [], unavailable: null });

    // Another agent's key cannot see or touch the call; a viewer's gets no desk at all.
    expect((await http(hotline, 'GET', `/v1/desk/agents/1013/calls/${callId}`, ma)).body).toMatchObject({ error: 'not-your-agent' });
    expect((await http(hotline, 'GET', `/v1/desk/agents/1004/calls/${callId}`, ma)).body).toMatchObject({ error: 'not-your-agent' });
    expect((await http(hotline, 'POST', `/v1/desk/agents/1013/calls/${callId}/transfer`, ma, { queue: 'complaints', reason: 'mine now' })).body).toMatchObject({ error: 'not-your-agent' });
    expect((await http(hotline, 'GET', '/v1/desk/agents/1013', ma)).body.call).toBeNull();
    expect((await http(hotline, 'GET', '/v1/desk/agents/1004', viewer)).status).toBe(403);
    // Bad input is named.
    expect((await http(hotline, 'POST', `/v1/desk/agents/1004/calls/${callId}/transfer`, zhao, { queue: 'complaints' })).body).toMatchObject({ error: 'invalid-request', message: expect.stringContaining('reason') });
    expect((await http(hotline, 'POST', `/v1/desk/agents/1004/calls/${callId}/transfer`, zhao, { queue: 'nowhere', reason: 'x' })).body).toMatchObject({ error: 'invalid-request', message: expect.stringMatching(/^queue:/) });

    // A complaint ticket for the caller, then the transfer with its reason.
    const ticket = await http(hotline, 'POST', `/v1/desk/agents/1004/calls/${callId}/complaint`, zhao);
    expect(ticket.status).toBe(200);
    expect(ticket.body).toMatchObject({ ticketId: expect.stringMatching(/^\d{12}$/), created: true });
    await http(hotline, 'POST', '/v1/desk/agents/1013/state', ma, { action: 'login' });
    const maDesk = await stream(ma, '1013');
    await http(hotline, 'POST', '/v1/desk/agents/1013/state', ma, { action: 'ready' });
    const transferred = await http(hotline, 'POST', `/v1/desk/agents/1004/calls/${callId}/transfer`, zhao, { queue: 'complaints', reason: 'charged twice for roaming' });
    expect(transferred.body).toEqual({ callId, queue: 'complaints', result: 'transferred' });
    // The call is over for 1004 (wrap-up): a second transfer is a conflict, not a 5xx.
    expect((await http(hotline, 'POST', `/v1/desk/agents/1004/calls/${callId}/transfer`, zhao, { queue: 'general', reason: 'again' })).status).toBe(409);

    // The next agent's desk pops the same caller, with who transferred and why, and the ticket opened.
    const second = await maDesk.next('pop', (p) => p.callId === callId && p.account !== null);
    expect(second.data).toMatchObject({
      customer: { name: 'Li Na' },
      need: { queue: 'complaints' },
      transfer: { fromAgent: '1004', fromQueue: 'billing', reason: 'charged twice for roaming' },
      account: { openComplaints: [{ id: ticket.body.ticketId, overdue: false }] },
    });
    await maDesk.next('state', (s) => s.state === 'on-call');

    // 1004 closes the call: no disposition, no end of wrap-up; then a code of the list.
    expect((await http(hotline, 'GET', '/v1/desk/agents/1004', zhao)).body).toMatchObject({ agent: { state: 'wrap-up' }, call: { callId } });
    expect((await http(hotline, 'POST', '/v1/desk/agents/1004/wrap-up/end', zhao, {})).body).toMatchObject({ error: 'invalid-request', message: expect.stringMatching(/^disposition:/) });
    expect((await http(hotline, 'POST', `/v1/desk/agents/1004/calls/${callId}/disposition`, zhao, { code: 'sold-a-phone' })).body).toMatchObject({ message: expect.stringMatching(/^code: must be one of/) });
    const ended = await http(hotline, 'POST', '/v1/desk/agents/1004/wrap-up/end', zhao, { disposition: 'complaint' });
    expect(ended.body).toMatchObject({ state: 'available' });
    await desk.next('cleared');
    // The customer is gone from the desk; the recent call keeps no customer.
    const after = (await http(hotline, 'GET', '/v1/desk/agents/1004', zhao)).body;
    expect(after.call).toBeNull();
    expect(after.recent[0]).toMatchObject({ callId, disposition: 'complaint', transferredTo: 'complaints', complaintId: ticket.body.ticketId });
    expect(JSON.stringify(after)).not.toContain('Li Na');
    expect((await http(hotline, 'POST', `/v1/desk/agents/1004/calls/${callId}/disposition`, zhao, { code: 'resolved' })).body).toMatchObject({ error: 'disposition-already-saved' });

    // Kept in the call record; counted per agent.
    const record = await hotline.service.recorder.forCall(callId);
    expect(record.filter((e) => e.type === 'disposition')).toEqual([expect.objectContaining({ agent: '1004', code: 'complaint', queue: 'billing' })]);
    expect(record.find((e) => e.type === 'wrap-up-ended')).toMatchObject({ agent: '1004' });
    const all = await http(hotline, 'GET', '/v1/stats/agents', viewer);
    expect(all.body.agents.find((a: { agent: string }) => a.agent === '1004')).toMatchObject({ calls: 1, dispositions: { complaint: 1 }, wrapUpMs: expect.any(Number) });
    const own = await http(hotline, 'GET', '/v1/stats/agents', zhao);
    expect(own.body.agents.map((a: { agent: string }) => a.agent)).toEqual(['1004']);
    expect((await http(hotline, 'GET', '/v1/stats/agents?agent=1013', zhao)).body).toMatchObject({ error: 'not-your-agent' });
    expect((await http(hotline, 'GET', '/v1/stats/agents?date=2020-01-01', zhao)).status).toBe(403);

    // 1013 books a callback for the customer and hangs up the caller's line by ending the call.
    const callback = await http(hotline, 'POST', `/v1/desk/agents/1013/calls/${callId}/callback`, ma, { note: 'confirm the refund' });
    expect(callback.status).toBe(200);
    expect(callback.body).toMatchObject({ callbackId: expect.stringMatching(/^cb-/) });
    const cb = await hotline.service.callbacks.get(callback.body.callbackId);
    expect(cb).toMatchObject({ number: '13800000002', queue: 'complaints', reason: 'booked by agent 1013: confirm the refund' });

    const audit = await http(hotline, 'GET', '/v1/audit?limit=200', admin);
    const actions = (audit.body.entries as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['desk.state', 'desk.complaint', 'desk.transfer', 'desk.wrap-up-end', 'desk.callback']));
    expect(audit.body.entries.find((e: { action: string }) => e.action === 'desk.wrap-up-end')).toMatchObject({ actor: { role: 'agent', keyId: expect.stringMatching(/^ds-/) }, after: { disposition: 'complaint' } });

    await desk.close();
    await maDesk.close();
    const leg = hotline.sim.channels().find((c) => c.name.includes('1013') && c.state === 'Up');
    if (leg) await hotline.service.ari.client.channels.hangup(leg.id);
    await calling;
  });
});
