import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SupervisorEvent } from '../../src/api/stream/supervisor-events.js';
import { AuditLog } from '../../src/auth/audit-log.js';
import type { Agent } from '../../src/acd/agent.js';
import { toAgentView } from '../../src/api/schemas/agent-schemas.js';
import { bearer, startApi, type ApiFixture } from './api-fixture.js';
import { SseClient } from './sse-client.js';

/**
 * What a key below supervisor (the wallboard's viewer key) may learn of a
 * caller: never a full number. Events and answers are built from the fields
 * listed for them; numbers in them are masked for a viewer and whole for a
 * supervisor.
 */
const redisUrl = inject('redisUrl');
let api: ApiFixture;

beforeAll(async () => {
  api = await startApi({ redisUrl, listen: true });
});

afterAll(async () => {
  await api?.close();
});

const ended = {
  type: 'ended', callId: 'c-ended-1', queue: 'billing', agent: '1001', talkMs: 4000, by: 'caller',
  tier: 'gold', callerNumber: '13800000001', virtual: false,
} as const;

/** Opens a viewer's and a supervisor's stream, publishes `event` once both are listening, and returns what each got. */
async function seenBy(event: SupervisorEvent, kind: string, match: (data: Record<string, unknown>) => boolean) {
  const viewer = await SseClient.open(`${api.url}/v1/stream`, bearer(api.keys.viewer));
  const supervisor = await SseClient.open(`${api.url}/v1/stream`, bearer(api.keys.supervisor));
  try {
    await Promise.all([viewer.next('stats'), supervisor.next('stats')]);
    const got = Promise.all([viewer.next(kind, match), supervisor.next(kind, match)]);
    api.events.publish(event);
    const [v, s] = await got;
    return { viewer: v.data as Record<string, unknown>, supervisor: s.data as Record<string, unknown> };
  } finally {
    await Promise.all([viewer.close(), supervisor.close()]);
  }
}

describe('the event stream', () => {
  it('sends the ended event to a viewer with the caller number masked, to a supervisor in full', async () => {
    const seen = await seenBy({ kind: 'call', event: ended }, 'call', (d) => d.callId === 'c-ended-1');
    expect(seen.viewer).toEqual({ ...ended, callerNumber: '138****0001' });
    expect(seen.supervisor).toEqual(ended);
  });

  it('drops a field no allow-list names, whoever listens', async () => {
    const withExtra = { ...ended, callId: 'c-extra-1', account: 'AC10000042', customerName: 'Wang Fang' };
    const seen = await seenBy({ kind: 'call', event: withExtra as typeof ended }, 'call', (d) => d.callId === 'c-extra-1');
    expect(Object.keys(seen.viewer).sort()).toEqual(Object.keys(ended).sort());
    expect(Object.keys(seen.supervisor).sort()).toEqual(Object.keys(ended).sort());
  });

  it('masks for a stream opened with a viewer\'s ticket as for one opened with the viewer\'s key', async () => {
    const issued = await fetch(`${api.url}/v1/stream/tickets`, { method: 'POST', headers: bearer(api.keys.viewer) });
    expect(issued.status).toBe(201);
    const { ticket } = (await issued.json()) as { ticket: string };
    const stream = await SseClient.open(`${api.url}/v1/stream?ticket=${encodeURIComponent(ticket)}`);
    try {
      await stream.next('stats');
      const got = stream.next('call', (d) => d.callId === 'c-ticket-1');
      api.events.publish({ kind: 'call', event: { ...ended, callId: 'c-ticket-1' } });
      expect((await got).data).toMatchObject({ callId: 'c-ticket-1', callerNumber: '138****0001' });
    } finally {
      await stream.close();
    }
  });

  it('masks numbers typed into free text (a pause reason) for a viewer', async () => {
    const event: SupervisorEvent = { kind: 'agent', event: { type: 'agent-state', agent: '1001', state: 'paused', pauseReason: 'calling back 13800000007', callId: null } };
    const seen = await seenBy(event, 'agent', (d) => String(d.pauseReason).startsWith('calling back'));
    expect(seen.viewer).toEqual({ ...event.event, pauseReason: 'calling back 138****0007' });
    expect(seen.supervisor).toEqual(event.event);
  });
});

describe('answers a viewer can read', () => {
  it('mask a number in an agent\'s dial string for a viewer, not for a supervisor', () => {
    // The dial strings allowed by default are extensions; a deployment that lets agents work from a mobile widens them.
    const agent: Agent = {
      id: '1090', name: 'Home worker', dial: 'PJSIP/13800000090@trunk', skills: { billing: 1 }, version: 1,
      state: 'paused', pauseReason: 'ring me on 13800000091', stateSince: 0, idleSince: 0, callsToday: 0, talkMsToday: 0,
      day: '2026-01-05', callId: null, pending: { kind: 'pause', reason: 'back at 13800000092' },
    };
    expect(toAgentView(agent, 'masked')).toMatchObject({ dial: 'PJSIP/138****0090@trunk', pauseReason: 'ring me on 138****0091', pending: 'pause: back at 138****0092' });
    expect(toAgentView(agent, 'full')).toMatchObject({ dial: 'PJSIP/13800000090@trunk', pauseReason: 'ring me on 13800000091', pending: 'pause: back at 13800000092' });
  });

  it('mask numbers anywhere in an audit entry\'s before and after for a viewer', async () => {
    const audit = new AuditLog({ redis: api.redis, keyPrefix: api.prefix });
    await audit.append({
      at: Date.now(), actor: { keyId: 'k1', name: 'sam', role: 'supervisor' }, action: 'agent.update', target: '1090',
      before: { dial: 'PJSIP/1090' }, after: { dial: 'PJSIP/13800000090@trunk', notes: ['reach on +8613800000091'] }, routingVersion: null,
    });
    const asViewer = await api.app.inject({ url: '/v1/audit?limit=1', headers: bearer(api.keys.viewer) });
    expect(asViewer.json().entries[0]).toMatchObject({ before: { dial: 'PJSIP/1090' }, after: { dial: 'PJSIP/138****0090@trunk', notes: ['reach on +86*******0091'] } });
    const asSupervisor = await api.app.inject({ url: '/v1/audit?limit=1', headers: bearer(api.keys.supervisor) });
    expect(asSupervisor.json().entries[0].after).toEqual({ dial: 'PJSIP/13800000090@trunk', notes: ['reach on +8613800000091'] });
  });
});

/** JSON schema nodes of an OpenAPI answer, each with where it is. */
type SchemaNode = Record<string, unknown>;

/** Where a schema lets a value through unlisted: an object open to unnamed fields, or a value of any shape. */
function openings(schema: SchemaNode, at: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown, where: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as SchemaNode;
    const keys = Object.keys(n).filter((k) => k !== 'description' && k !== 'nullable');
    if (keys.length === 0) found.push(`${where}: any value`);
    if (n.type === 'object') {
      if (n.properties && n.additionalProperties !== false) found.push(`${where}: an object open to unnamed fields`);
      if (!n.properties && n.additionalProperties === undefined) found.push(`${where}: an object of any fields`);
    }
    for (const [key, child] of Object.entries(n.properties ?? {})) visit(child, `${where}.${key}`);
    if (typeof n.additionalProperties === 'object') visit(n.additionalProperties, `${where}[*]`);
    if (n.items) visit(n.items, `${where}[]`);
    for (const combined of ['allOf', 'anyOf', 'oneOf'] as const) {
      for (const [i, part] of ((n[combined] ?? []) as unknown[]).entries()) visit(part, `${where}(${combined} ${i})`);
    }
  };
  visit(schema, at);
  return found;
}

describe('answer schemas', () => {
  it('every successful JSON answer of the API is built through a schema that lists its fields', () => {
    const doc = (api.app as unknown as { swagger(): { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: SchemaNode }> }> }>> } }).swagger();
    const open: string[] = [];
    const withoutSchema: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
        if (successes.length === 0) withoutSchema.push(`${method.toUpperCase()} ${path}`);
        for (const [status, response] of successes) {
          const json = response.content?.['application/json']?.schema;
          // 204 carries no body; the stream's and CSV's text is checked by the scan of the scripted day.
          if (!json) continue;
          open.push(...openings(json, `${method.toUpperCase()} ${path} ${status}`));
        }
      }
    }
    expect(withoutSchema).toEqual([]);
    // Audit entries keep the shape of what was changed; their strings are masked as free text for a viewer.
    expect(open).toEqual(['GET /v1/audit 200.entries[].before: any value', 'GET /v1/audit 200.entries[].after: any value']);
  });
});
