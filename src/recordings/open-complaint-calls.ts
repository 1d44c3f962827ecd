import type { ComplaintTickets } from '../care/complaint-tickets.js';

/**
 * The calls that have an open complaint ticket: a recording of such a call is
 * evidence and is kept past its retention until the ticket is resolved.
 */
export function openComplaintCalls(tickets: ComplaintTickets): () => Promise<ReadonlySet<string>> {
  return async () => new Set((await tickets.getMany(await tickets.openIds())).filter((t) => t.state === 'open').map((t) => t.callId));
}
