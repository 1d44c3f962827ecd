import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { installAuthentication } from '../../src/api/authenticate.js';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import { ROLES, roleAllows, type RoleRequirement } from '../../src/auth/roles.js';
import { startApi, type ApiFixture } from './api-fixture.js';

/**
 * Every /v1 route with the role it needs, or the roles any one of which will
 * do (README, "Keys and roles"), and a request
 * that reaches it without changing anything. The first test checks that this
 * table lists exactly the routes the API documents, so a new route cannot be
 * left out of the matrix.
 */
const ROUTES: Record<string, { role: RoleRequirement; path?: string; body?: unknown }> = {
  'GET /v1/stats/realtime': { role: 'viewer' },
  'GET /v1/stats/intervals': { role: 'viewer', path: '/v1/stats/intervals?from=x&to=y' },
  'GET /v1/queues': { role: 'viewer' },
  'GET /v1/queues/{id}': { role: 'viewer', path: '/v1/queues/billing' },
  'PATCH /v1/queues/{id}': { role: 'supervisor', path: '/v1/queues/billing', body: {} },
  'GET /v1/tiers': { role: 'viewer' },
  'GET /v1/tiers/{id}': { role: 'viewer', path: '/v1/tiers/gold' },
  'PATCH /v1/tiers/{id}': { role: 'admin', path: '/v1/tiers/gold', body: {} },
  'GET /v1/routing/versions': { role: 'viewer' },
  'POST /v1/routing/rollback': { role: 'admin', body: {} },
  'GET /v1/audit': { role: 'viewer' },
  'GET /v1/agents': { role: 'viewer' },
  'POST /v1/agents': { role: 'supervisor', body: {} },
  'GET /v1/agents/{id}': { role: 'viewer', path: '/v1/agents/1001' },
  'PATCH /v1/agents/{id}': { role: 'supervisor', path: '/v1/agents/1001', body: {} },
  'DELETE /v1/agents/{id}': { role: 'supervisor', path: '/v1/agents/nobody' },
  'POST /v1/agents/{id}/state': { role: 'supervisor', path: '/v1/agents/1001/state', body: {} },
  'POST /v1/calls/{id}/transfer': { role: 'supervisor', path: '/v1/calls/no-such-call/transfer', body: {} },
  'GET /v1/callbacks': { role: 'viewer' },
  'GET /v1/callbacks/{id}': { role: 'viewer', path: '/v1/callbacks/no-such-callback' },
  'PATCH /v1/callbacks/{id}': { role: 'supervisor', path: '/v1/callbacks/no-such-callback', body: {} },
  'DELETE /v1/callbacks/{id}': { role: 'supervisor', path: '/v1/callbacks/no-such-callback?reason=test' },
  'GET /v1/complaints': { role: 'viewer' },
  'POST /v1/complaints/{id}/resolve': { role: 'supervisor', path: '/v1/complaints/no-such-ticket/resolve', body: {} },
  'GET /v1/surveys': { role: 'viewer', path: '/v1/surveys?from=2026-11-01&to=2026-11-22' },
  'GET /v1/recordings': { role: ['supervisor', 'auditor'] },
  'GET /v1/recordings/{id}': { role: ['supervisor', 'auditor'], path: '/v1/recordings/no-such-recording' },
  'GET /v1/recordings/{id}/audio': { role: ['supervisor', 'auditor'], path: '/v1/recordings/no-such-recording/audio?reason=check' },
  'PUT /v1/recordings/{id}/hold': { role: 'auditor', path: '/v1/recordings/no-such-recording/hold', body: {} },
  'DELETE /v1/recordings/{id}/hold': { role: 'auditor', path: '/v1/recordings/no-such-recording/hold' },
  'GET /v1/keys': { role: 'admin' },
  'POST /v1/keys': { role: 'admin', body: {} },
  'DELETE /v1/keys/{id}': { role: 'admin', path: '/v1/keys/000000000000' },
  'GET /v1/campaigns': { role: 'viewer' },
  'POST /v1/campaigns': { role: 'supervisor', body: {} },
  'GET /v1/campaigns/{id}': { role: 'viewer', path: '/v1/campaigns/nosuch' },
  'POST /v1/campaigns/{id}/start': { role: 'supervisor', path: '/v1/campaigns/nosuch/start' },
  'POST /v1/campaigns/{id}/pause': { role: 'supervisor', path: '/v1/campaigns/nosuch/pause' },
  'POST /v1/campaigns/{id}/resume': { role: 'supervisor', path: '/v1/campaigns/nosuch/resume' },
  'POST /v1/campaigns/{id}/stop': { role: 'supervisor', path: '/v1/campaigns/nosuch/stop' },
  'GET /v1/campaigns/{id}/results': { role: 'viewer', path: '/v1/campaigns/nosuch/results' },
  'GET /v1/campaigns/{id}/rejected': { role: 'viewer', path: '/v1/campaigns/nosuch/rejected' },
  'GET /v1/do-not-call': { role: 'supervisor' },
  'POST /v1/do-not-call': { role: 'supervisor', body: {} },
  'DELETE /v1/do-not-call/{number}': { role: 'supervisor', path: '/v1/do-not-call/13800000000' },
  'GET /v1/stream': { role: 'viewer' },
  'POST /v1/stream/tickets': { role: 'viewer' },
  'PUT /v1/agents/{id}/pin': { role: 'admin', path: '/v1/agents/nobody/pin', body: {} },
  'DELETE /v1/agents/{id}/pin': { role: 'admin', path: '/v1/agents/nobody/pin' },
  'GET /v1/stats/agents': { role: ['viewer', 'agent'] },
  'GET /v1/desk/agents/{id}': { role: 'agent', path: '/v1/desk/agents/1001' },
  'POST /v1/desk/agents/{id}/state': { role: 'agent', path: '/v1/desk/agents/1001/state', body: {} },
  'GET /v1/desk/agents/{id}/calls/{callId}': { role: 'agent', path: '/v1/desk/agents/1001/calls/no-such-call' },
  'POST /v1/desk/agents/{id}/calls/{callId}/transfer': { role: 'agent', path: '/v1/desk/agents/1001/calls/no-such-call/transfer', body: {} },
  'POST /v1/desk/agents/{id}/calls/{callId}/complaint': { role: 'agent', path: '/v1/desk/agents/1001/calls/no-such-call/complaint' },
  'POST /v1/desk/agents/{id}/calls/{callId}/callback': { role: 'agent', path: '/v1/desk/agents/1001/calls/no-such-call/callback', body: {} },
  'POST /v1/desk/agents/{id}/calls/{callId}/disposition': { role: 'agent', path: '/v1/desk/agents/1001/calls/no-such-call/disposition', body: {} },
  'POST /v1/desk/agents/{id}/wrap-up/end': { role: 'agent', path: '/v1/desk/agents/1001/wrap-up/end', body: {} },
  'GET /v1/desk/agents/{id}/stream': { role: 'agent', path: '/v1/desk/agents/1001/stream' },
  'POST /v1/desk/stream/tickets': { role: 'agent' },
  // Not signing out for real: the fixture's agent key is a key, not a desk session, so nothing ends.
  'DELETE /v1/desk/sessions/current': { role: 'agent' },
  'POST /v1/whatif': { role: 'supervisor', body: {} },
  'GET /v1/whatif/{id}': { role: 'supervisor', path: '/v1/whatif/no-such-run' },
};

const CASES = Object.entries(ROUTES).map(([route, spec]) => {
  const [method, template] = route.split(' ') as [string, string];
  return { route, method, path: spec.path ?? template, role: spec.role, body: spec.body };
});

let api: ApiFixture;

beforeAll(async () => {
  // Hundreds of requests refused on purpose, all from one address: its allowance of refusals is raised to match.
  api = await startApi({ redisUrl: inject('redisUrl'), listen: true, api: { rateLimit: { authFailures: { max: 100_000, windowSec: 60 } } } });
});

afterAll(async () => {
  await api?.close();
});

/** Status and headers only: an event stream is cancelled once its head has come. */
async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? (await res.body?.cancel(), '') : await res.text();
  return { status: res.status, headers: res.headers, text };
}

describe('the route table of the matrix', () => {
  it('lists exactly the routes the API documents', async () => {
    const doc = (await (await fetch(`${api.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('refuses to register a route that states no role', async () => {
    const app = Fastify();
    await app.register(rateLimit, { global: false });
    const starting = (async () => {
      await app.register(async (scope) => {
        installAuthentication(scope, new ApiKeyStore({ redis: api.redis, keyPrefix: api.prefix }), { max: 10, windowSec: 60 });
        scope.get('/forgotten', async () => 'open');
      });
      await app.ready();
    })();
    await expect(starting).rejects.toThrow(/GET \/forgotten states no role/);
    await app.close();
  });
});

describe('each role on each route', () => {
  for (const c of CASES) {
    for (const role of ROLES) {
      const allowed = roleAllows(role, c.role);
      it(`${c.route}: ${role} is ${allowed ? 'let through' : 'refused with 403'}`, async () => {
        const res = await call(c.method, c.path, { authorization: `Bearer ${api.keys[role]}` }, c.body);
        if (allowed) {
          // Through the role check: an agent's 403 not-your-agent (a call that is not its own) is the route's answer, not the gate's.
          expect(res.status).not.toBe(401);
          if (res.status === 403) expect(JSON.parse(res.text)).toMatchObject({ error: 'not-your-agent' });
          expect(res.status).toBeLessThan(500);
        } else {
          expect(res.status).toBe(403);
          expect(JSON.parse(res.text)).toMatchObject({ error: 'forbidden', details: { role, required: c.role } });
        }
      });
    }
  }
});

describe('the auditor beside the ladder', () => {
  it('holds a viewer\'s rights and the auditor\'s, none of a supervisor\'s or an admin\'s; an admin holds the auditor\'s', () => {
    expect(ROLES.filter((role) => roleAllows('auditor', role))).toEqual(['viewer', 'auditor']);
    expect(ROLES.filter((role) => roleAllows(role, 'auditor'))).toEqual(['admin', 'auditor']);
    expect(ROLES.filter((role) => roleAllows(role, 'supervisor'))).toEqual(['supervisor', 'admin']);
    expect(ROLES.filter((role) => roleAllows(role, ['supervisor', 'auditor']))).toEqual(['supervisor', 'admin', 'auditor']);
  });

  it('the agent holds its own rights only, and no other role holds them', () => {
    expect(ROLES.filter((role) => roleAllows('agent', role))).toEqual(['agent']);
    expect(ROLES.filter((role) => roleAllows(role, 'agent'))).toEqual(['agent']);
  });
});

describe('requests without a usable key', () => {
  const bad: [string, () => Record<string, string>, string][] = [
    ['no Authorization header', () => ({}), 'missing-api-key'],
    ['another scheme', () => ({ authorization: `Basic ${Buffer.from('ada:secret').toString('base64')}` }), 'malformed-api-key'],
    ['a malformed key', () => ({ authorization: 'Bearer hk_nothex_short' }), 'malformed-api-key'],
    ['an unknown key', () => ({ authorization: `Bearer hk_0123456789ab_${'A'.repeat(43)}` }), 'invalid-api-key'],
    ['a known id with a wrong secret', () => ({ authorization: `Bearer ${api.keys.admin.slice(0, 16)}${'B'.repeat(43)}` }), 'invalid-api-key'],
    ['a revoked key', () => ({ authorization: `Bearer ${api.revokedKey}` }), 'revoked-api-key'],
  ];
  for (const c of CASES) {
    for (const [what, headers, code] of bad) {
      it(`${c.route} with ${what} gets 401 ${code} and a Bearer challenge`, async () => {
        const res = await call(c.method, c.path, headers(), c.body);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="hotline"/);
        expect(JSON.parse(res.text)).toMatchObject({ error: code });
      });
    }
  }

  it('takes no key from the query string; /v1/stream alone takes a stream ticket there', async () => {
    expect((await call('GET', `/v1/stream?key=${encodeURIComponent(api.keys.viewer)}`, {})).status).toBe(401);
    expect((await call('GET', `/v1/queues?key=${encodeURIComponent(api.keys.viewer)}`, {})).status).toBe(401);
    const issued = await call('POST', '/v1/stream/tickets', { authorization: `Bearer ${api.keys.viewer}` });
    const { ticket } = JSON.parse(issued.text) as { ticket: string };
    expect((await call('GET', `/v1/queues?ticket=${ticket}`, {})).status).toBe(401);
    expect((await call('GET', `/v1/stream?ticket=${ticket}`, {})).status).toBe(200);
  });
});
