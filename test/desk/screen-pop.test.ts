import { describe, expect, it } from 'vitest';
import type { QueuedCallRecord } from '../../src/acd/redis-acd-store.js';
import { SURVEY_COMMENT_REASON } from '../../src/care/follow-ups.js';
import { deskConfigSchema } from '../../src/desk/desk-config.js';
import { callFactsOf, screenPopOf } from '../../src/desk/screen-pop.js';
import type { CallerContext } from '../../src/routing/types.js';

const colours = deskConfigSchema.parse({}).tierColours;

const record: QueuedCallRecord = {
  id: 'call-1', queue: 'complaints', skill: 'complaints', minLevel: 3, priority: 90, preferHighestLevel: false, overflow: null, overflowed: false,
  enqueuedAt: 10_000, arrivedAt: 2_000, state: 'ringing', agent: '1013', owner: 'a', member: 'm', tier: 'gold', callerNumber: '13800000002',
  context: '', reason: 'need complaints', leg: null, bridge: null, offeredAt: 40_000, answeredAt: null, virtual: false,
};

const context: CallerContext = {
  callId: 'call-1', callerNumber: '13800000002', dialled: '10001',
  customer: { accountId: 'AC10000002', name: 'Li Na', phone: '13800000002' },
  tier: 'gold', tierReason: 'spend', passwordVerified: true, asked: ['balance', 'bill:last-month'], menuPath: ['10001/main:bill'],
  transfer: { from: 'agent', fromQueue: 'billing', fromAgent: '1004', note: 'transferred by agent 1004', reason: 'call me on 13912345678 about roaming' },
};

describe('the screen pop', () => {
  it('shows who calls, why and what they did, with the number masked and no password', () => {
    const pop = screenPopOf(record, context, '1013', 42_000, colours);
    expect(pop).toEqual({
      callId: 'call-1', agent: '1013', kind: 'inbound', rungAt: 42_000, tier: 'gold', tierColour: colours.gold,
      customer: { name: 'Li Na', accountId: 'AC10000002' }, number: '138****0002',
      need: { queue: 'complaints', dialled: '10001', menuPath: ['10001/main:bill'] },
      passwordVerified: true, selfService: ['balance', 'bill:last-month'], waitedMs: 32_000, outboundReason: null, campaign: null,
      transfer: { fromAgent: '1004', fromQueue: 'billing', by: 'transferred by agent 1004', reason: 'call me on 139****5678 about roaming' },
      account: null,
    });
    expect(JSON.stringify(pop)).not.toContain('13800000002');
  });

  it('says why a callback or a survey comment is called, and works without a context', () => {
    const callback = screenPopOf({ ...record, virtual: true, reason: 'billing: waited too long' }, null, '1013', 42_000, colours);
    expect(callback).toMatchObject({ kind: 'callback', outboundReason: 'billing: waited too long', customer: null, number: '138****0002', transfer: null, selfService: [] });
    expect(screenPopOf({ ...record, virtual: true, reason: SURVEY_COMMENT_REASON }, null, '1013', 42_000, colours).kind).toBe('survey-callback');
  });

  it('names the campaign of a customer it called who pressed 0 for an agent', () => {
    const campaign = { id: 'c1', name: 'December arrears', kind: 'reminder' as const };
    expect(screenPopOf(record, { ...context, transfer: null, campaign }, '1013', 42_000, colours).campaign).toEqual({ name: 'December arrears', kind: 'reminder' });
  });

  it('keeps the whole number and placement for the desk\'s own actions, never sent to the page', () => {
    expect(callFactsOf(record, context)).toMatchObject({ callerNumber: '13800000002', accountId: 'AC10000002', queue: 'complaints', minAgentLevel: 3, tier: 'gold' });
  });
});
