import { systemClock, type Clock } from '../time/clock.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import type { ComplaintCaller } from './complaint-caller.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import { sayDuration } from '../prompts/say-duration.js';
import { sayPhone } from '../prompts/say-phone.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { RouteDecision } from '../routing/types.js';
import type { ComplaintTicket, ComplaintTickets } from './complaint-tickets.js';

export interface ComplaintIntakeDeps {
  tickets: ComplaintTickets;
  policy: RoutingPolicy;
  recorder: CallRecordLog;
  /** Calls routed to this queue are complaints (care.complaints.queue). */
  queue: string;
  clock?: Clock;
}

/** Opens the ticket of a call routed to the complaints queue; null for any other call. */
export type ComplaintIntake = (session: ComplaintCaller, decision: RouteDecision) => Promise<ComplaintTicket | null>;

/**
 * For the hand-off, once the route is decided and before the caller is
 * queued: a call routed to the complaints queue opens a ticket due after the
 * tier's complaintDeadlineSec (diamond 4 h … standard 72 h), linked to the
 * call, recorded as `complaint-opened`; the caller hears
 * complaint/ticket-opened, the time limit (e.g. 四小时), then
 * complaint/ticket-number and the ticket's digits. One ticket per call: run
 * again for the same call, it announces the same ticket.
 */
export function createComplaintIntake(deps: ComplaintIntakeDeps): ComplaintIntake {
  const clock = deps.clock ?? systemClock;
  return async (session, decision) => {
    if (decision.queue !== deps.queue) return null;
    const tier = deps.policy.snapshot().tiers[decision.tier];
    const deadlineSec = tier.complaintDeadlineSec;
    const openedAt = clock.now();
    const { ticket, created } = await deps.tickets.open({
      callId: session.callId,
      tier: decision.tier,
      number: session.callerNumber,
      accountId: session.customer?.accountId ?? null,
      queue: decision.queue,
      openedAt,
      dueAt: openedAt + deadlineSec * 1000,
    });
    if (created) {
      await deps.recorder.append(session.callId, { type: 'complaint-opened', ticketId: ticket.id, tier: decision.tier }, openedAt).catch((err: unknown) => {
        session.log.error({ err, ticketId: ticket.id }, 'could not record the complaint ticket');
      });
      session.log.info({ ticketId: ticket.id, due: new Date(ticket.dueAt).toISOString() }, 'complaint ticket opened');
    }
    const lang = session.lang;
    const ids = [
      'complaint/ticket-opened',
      ...sayDuration(Math.round((ticket.dueAt - ticket.openedAt) / 1000), lang).ids,
      'complaint/ticket-number',
      ...sayPhone(ticket.id, lang).ids,
    ];
    await session.call.play(ids.map(mediaUri), { bargeIn: false, language: lang });
    return ticket;
  };
}
