import type { RealtimeReport } from '../../stats/realtime-stats.js';
import { phoneFor, textFor, type NumberExposure } from '../exposure/number-exposure.js';
import { realtimeSchema } from '../schemas/stats-schemas.js';
import type { CampaignEvent, SupervisorEvent } from './supervisor-events.js';

/**
 * What each stream event may carry, field by field. An event is rebuilt from
 * its list, never passed on: a field added to an ACD event later stays inside
 * the service until it is listed here, and an event type not listed is not
 * sent at all. Each field says how it is shown: `as-is` (ids, states,
 * counts), `phone` (a caller's number) or `text` (free text a person typed,
 * which may hold a number); the last two are masked for keys below
 * supervisor.
 */
type Shown = 'as-is' | 'phone' | 'text';
type FieldsOf<E> = { readonly [K in keyof E]?: Shown };

type CallEvent = Extract<SupervisorEvent, { kind: 'call' }>['event'];
type AgentEvent = Extract<SupervisorEvent, { kind: 'agent' }>['event'];
type RoutingEvent = Extract<SupervisorEvent, { kind: 'routing' }>;

const call = { type: 'as-is', callId: 'as-is', queue: 'as-is' } as const;

const CALL_EVENT_FIELDS: { readonly [T in CallEvent['type']]: FieldsOf<Extract<CallEvent, { type: T }>> } = {
  queued: { ...call, position: 'as-is' },
  overflowed: { ...call, skill: 'as-is', minAgentLevel: 'as-is' },
  assigned: { ...call, agent: 'as-is' },
  ringing: { ...call, agent: 'as-is' },
  'no-answer': { ...call, agent: 'as-is', result: 'as-is' },
  answered: { ...call, agent: 'as-is', waitMs: 'as-is' },
  abandoned: { ...call, waitMs: 'as-is', stage: 'as-is' },
  removed: { ...call, reason: 'text' },
  ended: { ...call, agent: 'as-is', talkMs: 'as-is', by: 'as-is', tier: 'as-is', callerNumber: 'phone', virtual: 'as-is' },
  'transfer-requested': { ...call, agent: 'as-is', toQueue: 'as-is' },
};

const AGENT_EVENT_FIELDS: FieldsOf<AgentEvent> = { type: 'as-is', agent: 'as-is', state: 'as-is', pauseReason: 'text', callId: 'as-is' };

const ROUTING_EVENT_FIELDS: FieldsOf<RoutingEvent> = { version: 'as-is', changedBy: 'text', change: 'text' };

const CAMPAIGN_EVENT_FIELDS: FieldsOf<CampaignEvent> = {
  id: 'as-is', name: 'text', campaignKind: 'as-is', status: 'as-is', targets: 'as-is', pending: 'as-is', dialling: 'as-is', answered: 'as-is',
  listened: 'as-is', pressed0: 'as-is', pressed1: 'as-is', pressed2: 'as-is', pressed9: 'as-is', unreached: 'as-is', failed: 'as-is', skipped: 'as-is', rejected: 'as-is',
};

/** The data of a stream event for a key with this exposure; null when the event is not one the stream may send. */
export function eventPayload(event: SupervisorEvent, exposure: NumberExposure): Record<string, unknown> | null {
  switch (event.kind) {
    case 'agent':
      return event.event.type === 'agent-state' ? pick(event.event, AGENT_EVENT_FIELDS, exposure) : null;
    case 'call': {
      const fields = Object.hasOwn(CALL_EVENT_FIELDS, event.event.type) ? CALL_EVENT_FIELDS[event.event.type] : undefined;
      return fields ? pick(event.event, fields, exposure) : null;
    }
    case 'routing':
      return pick(event, ROUTING_EVENT_FIELDS, exposure);
    case 'campaign':
      return pick(event, CAMPAIGN_EVENT_FIELDS, exposure);
    default:
      return null;
  }
}

/**
 * The `stats` event: the realtime report through the schema of
 * GET /v1/stats/realtime, which lists its fields (anything else is dropped).
 * Null when the report does not fit it, so a wrong report is never sent.
 */
export function statsPayload(report: RealtimeReport): Record<string, unknown> | null {
  const result = realtimeSchema.safeParse(report);
  return result.success ? result.data : null;
}

function pick(source: object, fields: Readonly<Record<string, Shown | undefined>>, exposure: NumberExposure): Record<string, unknown> {
  const values = source as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, shown] of Object.entries(fields)) {
    if (!Object.hasOwn(values, name)) continue;
    const value = values[name];
    if (typeof value === 'string') out[name] = shown === 'phone' ? phoneFor(value, exposure) : shown === 'text' ? textFor(value, exposure) : value;
    // Fields listed as-is are ids, states, counts and flags; anything nested is not sent.
    else if (value === null || typeof value === 'number' || typeof value === 'boolean') out[name] = value;
  }
  return out;
}
