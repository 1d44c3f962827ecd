import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ManualClock } from '../../src/time/clock.js';
import { ComplaintDesk } from '../../src/care/complaint-desk.js';
import { createComplaintIntake, type ComplaintIntake } from '../../src/care/complaint-intake.js';
import { ComplaintTickets } from '../../src/care/complaint-tickets.js';
import type { TierId } from '../../src/routing/types.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { until } from '../acd/support/acd-fixture.js';
import { AriHarness } from '../support/ari-harness.js';
import { startCallbackWorld, type CallbackWorld } from '../callbacks/support/callback-world.js';
import { routeFor, sessionOf } from '../callbacks/support/sessions.js';

/**
 * Complaint tickets: opened when a call is routed to the complaints queue,
 * due after the tier's deadline, announced to the caller, listed overdue once
 * past it (virtual clock), resolved by a supervisor.
 */
const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 5, 2, 0); // Monday 10:00 in Shanghai
const redisUrl = inject('redisUrl');
const app = `cmp-${randomUUID().slice(0, 6)}`;
const clock = new ManualClock(START);
let sim: SimulatedAsterisk;
let harness: AriHarness;
let world: CallbackWorld;
let tickets: ComplaintTickets;
let intake: ComplaintIntake;
let desk: ComplaintDesk;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, dialplanApp: app });
  harness = await AriHarness.start({ url: sim.url });
  const prefix = `test:care:complaints:${randomUUID().slice(0, 8)}`;
  world = await startCallbackWorld({ redisUrl, prefix, simUrl: sim.url, app, clock });
  tickets = new ComplaintTickets(world.redis, prefix, 'Asia/Shanghai');
  intake = createComplaintIntake({ tickets, policy: world.policy, recorder: world.recorder, queue: 'complaints', clock });
  desk = new ComplaintDesk(tickets, world.recorder, clock);
});

afterAll(async () => {
  await harness?.stop();
  await world?.stop();
  await sim?.close();
});

async function caller(from: string, tier: TierId) {
  const before = world.incoming.length;
  const leg = await harness.call('10000', { from });
  const call = await until(() => world.incoming.slice(before).find((c) => c.callerNumber === from), 'the call in the service');
  await leg.waitForService();
  return { leg, session: sessionOf(call, tier, clock.now()) };
}

describe('complaint tickets', () => {
  it('a call routed to complaints opens a ticket due after the tier\'s deadline, announced to the caller', async () => {
    const { leg, session } = await caller('13800000001', 'diamond');
    const ticket = await intake(session, routeFor(world.policy, 'complaints', 'diamond'));
    expect(ticket).toMatchObject({ id: '202601050001', callId: session.callId, tier: 'diamond', state: 'open', openedAt: START, dueAt: START + 4 * HOUR });
    // 您的投诉已受理，处理时限为 四小时; 投诉单号 二零二六零幺零五零零零幺.
    const heard = await leg.waitForHeard(3 + 12);
    expect(heard.map((m) => m.replace('sound:hotline/', ''))).toEqual([
      'complaint/ticket-opened', 'num/4', 'unit/hours', 'complaint/ticket-number',
      ...'202601050001'.split('').map((d) => (d === '1' ? 'num/1-phone' : `num/${d}`)),
    ]);
    const events = await world.recorder.forCall(session.callId);
    expect(events.find((e) => e.type === 'complaint-opened')).toMatchObject({ ticketId: ticket!.id, tier: 'diamond' });
    // The same call again: the same ticket, recorded once.
    expect((await intake(session, routeFor(world.policy, 'complaints', 'diamond')))?.id).toBe(ticket!.id);
    expect((await world.recorder.forCall(session.callId)).filter((e) => e.type === 'complaint-opened')).toHaveLength(1);
    await leg.hangup();
  });

  it('other queues open no ticket; each tier has its own deadline', async () => {
    const { leg, session } = await caller('13800000004', 'standard');
    expect(await intake(session, routeFor(world.policy, 'billing', 'standard'))).toBeNull();
    const ticket = await intake(session, routeFor(world.policy, 'complaints', 'standard'));
    expect(ticket!.dueAt - ticket!.openedAt).toBe(72 * HOUR);
    const gold = await caller('13800000002', 'gold');
    expect((await intake(gold.session, routeFor(world.policy, 'complaints', 'gold')))!.dueAt).toBe(clock.now() + 24 * HOUR);
    await leg.hangup();
    await gold.leg.hangup();
  });

  it('a ticket still open past its deadline is listed overdue; resolving it records who and how', async () => {
    const { leg, session } = await caller('13800000003', 'silver');
    const ticket = (await intake(session, routeFor(world.policy, 'complaints', 'silver')))!;
    await leg.hangup();
    expect((await desk.list({ status: 'overdue' })).map((t) => t.id)).not.toContain(ticket.id);

    await clock.advance(48 * HOUR);
    expect((await desk.list({ status: 'overdue' })).map((t) => t.id)).not.toContain(ticket.id);
    await clock.advance(1000);
    const overdue = await desk.list({ status: 'overdue' });
    expect(overdue.map((t) => t.id)).toContain(ticket.id);
    // The diamond ticket of the first test (4 h) is overdue too; the standard one (72 h) not yet.
    expect(overdue.map((t) => t.tier).sort()).toEqual(['diamond', 'gold', 'silver']);
    expect(overdue.find((t) => t.id === ticket.id)).toMatchObject({ number: '138****0003', state: 'open', overdue: true, dueAt: ticket.openedAt + 48 * HOUR });

    await expect(desk.resolve(ticket.id, { note: '', by: 'sup-1' })).rejects.toMatchObject({ code: 'invalid-request' });
    const resolved = await desk.resolve(ticket.id, { note: 'bill corrected, credit of 20 yuan', by: 'sup-1' });
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'sup-1', note: 'bill corrected, credit of 20 yuan', overdue: true, resolvedAt: clock.now() });
    expect((await desk.list({ status: 'overdue' })).map((t) => t.id)).not.toContain(ticket.id);
    expect((await desk.list({ status: 'resolved' })).map((t) => t.id)).toEqual([ticket.id]);
    const events = await world.recorder.forCall(session.callId);
    expect(events.find((e) => e.type === 'complaint-resolved')).toMatchObject({ ticketId: ticket.id, by: 'sup-1', overdue: true });
    await expect(desk.resolve(ticket.id, { note: 'again', by: 'sup-1' })).rejects.toMatchObject({ status: 409, code: 'complaint-resolved' });
    await expect(desk.get('000')).rejects.toMatchObject({ status: 404, code: 'no-such-complaint' });
  });
});
