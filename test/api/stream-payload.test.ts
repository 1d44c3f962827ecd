import { describe, expect, it } from 'vitest';
import { eventPayload, statsPayload } from '../../src/api/stream/stream-payload.js';
import type { SupervisorEvent } from '../../src/api/stream/supervisor-events.js';
import type { RealtimeReport } from '../../src/stats/realtime-stats.js';

describe('stream payloads', () => {
  it('send a routing change with the key name and change as free text', () => {
    const event: SupervisorEvent = { kind: 'routing', version: 4, changedBy: 'night desk 13800000009 (key k1)', change: 'queue billing' };
    expect(eventPayload(event, 'masked')).toEqual({ version: 4, changedBy: 'night desk 138****0009 (key k1)', change: 'queue billing' });
    expect(eventPayload(event, 'full')).toEqual({ version: 4, changedBy: 'night desk 13800000009 (key k1)', change: 'queue billing' });
  });

  it('send nothing of an event type no list names', () => {
    const event = { kind: 'call', event: { type: 'customer-identified', callId: 'c1', queue: 'billing', account: 'AC10000042' } } as unknown as SupervisorEvent;
    expect(eventPayload(event, 'full')).toBeNull();
    expect(eventPayload({ kind: 'survey', number: '13800000001' } as unknown as SupervisorEvent, 'full')).toBeNull();
  });

  it('send nested values of a listed field nowhere', () => {
    const event = { kind: 'call', event: { type: 'removed', callId: 'c1', queue: 'billing', reason: { callback: '13800000001' } } } as unknown as SupervisorEvent;
    expect(eventPayload(event, 'full')).toEqual({ type: 'removed', callId: 'c1', queue: 'billing' });
  });

  it('send the realtime figures through their answer schema: unknown fields dropped, a report that does not fit not sent', () => {
    const report = {
      at: '2026-01-05T09:00:00+08:00', timeZone: 'Asia/Shanghai', since: '2026-01-05T00:00:00+08:00', policyVersion: 1,
      queues: [], tiers: [], agents: { offline: 1, available: 0, paused: 0, reserved: 0, ringing: 0, 'on-call': 0, 'wrap-up': 0 },
      longestWaitingCaller: '13800000001',
    } as unknown as RealtimeReport;
    const sent = statsPayload(report);
    expect(sent).not.toBeNull();
    expect(sent).not.toHaveProperty('longestWaitingCaller');
    expect(statsPayload({ ...report, queues: 'all' } as unknown as RealtimeReport)).toBeNull();
  });
});
