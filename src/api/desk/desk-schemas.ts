import { z } from 'zod';
import { agentView } from '../schemas/agent-schemas.js';
import { isoTime } from '../schemas/common-schemas.js';
import type { ScreenPop } from '../../desk/screen-pop.js';
import type { RecentCall } from '../../desk/desk-store.js';

const choice = z.object({ code: z.string(), zh: z.string(), en: z.string() });

export const screenPopView = z.object({
  callId: z.string(),
  kind: z.enum(['inbound', 'callback', 'survey-callback']),
  rungAt: z.string(),
  tier: z.string(),
  tierColour: z.string(),
  customer: z.object({ name: z.string(), accountId: z.string() }).nullable(),
  number: z.string().describe('Masked: 138****0001'),
  need: z.object({ queue: z.string(), dialled: z.string(), menuPath: z.array(z.string()) }),
  passwordVerified: z.boolean(),
  selfService: z.array(z.string()).describe('What the caller heard in self-service'),
  waitedMs: z.number().int(),
  outboundReason: z.string().nullable(),
  campaign: z.object({ name: z.string(), kind: z.enum(['reminder', 'notice']) }).nullable().describe('A customer a campaign called who pressed 0: which campaign'),
  transfer: z.object({ fromAgent: z.string().nullable(), fromQueue: z.string().nullable(), by: z.string().nullable(), reason: z.string().nullable() }).nullable(),
  account: z.object({
    balance: z.number().nullable(),
    bill: z.object({ month: z.string(), total: z.number(), toDate: z.boolean() }).nullable(),
    openComplaints: z.array(z.object({ id: z.string(), openedAt: z.string(), dueAt: z.string(), overdue: z.boolean() })),
    unavailable: z.string().nullable(),
  }).nullable().describe('Looked up from the customer data port just after the first pop; null until then or without a customer'),
}).describe('ScreenPop');

export const recentCallView = z.object({
  callId: z.string(),
  queue: z.string(),
  tier: z.string(),
  kind: z.string(),
  rungAt: z.string(),
  answeredAt: z.string().nullable(),
  disposition: z.string().nullable(),
  transferredTo: z.string().nullable(),
  complaintId: z.string().nullable(),
  callbackId: z.string().nullable(),
}).describe('RecentCall');

export const deskView = z.object({
  agent: agentView,
  call: screenPopView.nullable().describe('The call ringing, talking or in wrap-up; null otherwise'),
  recent: z.array(recentCallView),
  pauseReasons: z.array(choice),
  dispositions: z.array(choice),
  queues: z.array(z.string()).describe('Transfer targets'),
}).describe('Desk');

export function toPopView(pop: ScreenPop): z.infer<typeof screenPopView> {
  const { agent: _agent, rungAt, account, ...rest } = pop;
  return {
    ...rest,
    rungAt: isoTime(rungAt),
    account: account && {
      ...account,
      openComplaints: account.openComplaints.map((t) => ({ id: t.id, overdue: t.overdue, openedAt: isoTime(t.openedAt), dueAt: isoTime(t.dueAt) })),
    },
  };
}

export function toRecentView(call: RecentCall): z.infer<typeof recentCallView> {
  return { ...call, rungAt: isoTime(call.rungAt), answeredAt: call.answeredAt === null ? null : isoTime(call.answeredAt) };
}

export const deskParams = z.object({ id: z.string().min(1).max(64) }).strict();
export const deskCallParams = z.object({ id: z.string().min(1).max(64), callId: z.string().min(1).max(128) }).strict();

/** Free text a person types (a reason, a note): one line, printable. */
export const reasonText = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters')
  .regex(/^[^\p{C}\p{Zl}\p{Zp}]*$/u, 'must contain printable characters only');
