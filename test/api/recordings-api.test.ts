import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { AuditLog, type AuditEntry } from '../../src/auth/audit-log.js';
import { bearer, startApi, type ApiFixture } from './api-fixture.js';
import { type FakeRecordingCatalog, recordingMeta } from './fake-recording-catalog.js';

/**
 * The recordings API over real HTTP, with the recordings in memory: who may
 * list and hear them, the numbers each role sees, seeking with Range, and
 * the audit entry of every listen.
 */
const redisUrl = inject('redisUrl');
let api: ApiFixture;
let catalog: FakeRecordingCatalog;

/** 10,000 bytes whose every position is recognisable, so a range's bytes can be checked. */
const AUDIO = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7 + 3) % 256));

beforeAll(async () => {
  api = await startApi({ redisUrl, listen: true });
  catalog = api.recordings!;
});

afterAll(async () => {
  await api?.close();
});

beforeEach(() => {
  catalog.metas.clear();
  catalog.audio.clear();
  catalog.filters.length = 0;
  catalog.opened.length = 0;
  catalog.add(recordingMeta({ id: 'rec-a', callId: 'call-a', size: AUDIO.length, sha256: 'ab'.repeat(32) }), AUDIO);
  catalog.add(recordingMeta({
    id: 'rec-b', callId: 'call-a', segment: 2, agent: '1002', callerNumber: '13800000002',
    startedAt: Date.parse('2026-12-01T02:05:00Z'), status: 'copying',
  }));
});

type Role = keyof ApiFixture['keys'];

async function get(path: string, role: Role, headers: Record<string, string> = {}) {
  return fetch(`${api.url}${path}`, { headers: { ...bearer(api.keys[role]), ...headers } });
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

async function listens(): Promise<AuditEntry[]> {
  return (await api.audit.list(500)).filter((e) => e.action === 'recording.listen');
}

describe('who may list recordings, and the numbers each sees', () => {
  it('refuses a viewer the list and one recording (403)', async () => {
    for (const path of ['/v1/recordings', '/v1/recordings/rec-a']) {
      const res = await get(path, 'viewer');
      expect(res.status).toBe(403);
      expect(await json(res)).toMatchObject({ error: 'forbidden', message: 'this needs the supervisor or auditor role; the key has viewer' });
    }
  });

  it('lists for a supervisor, newest first, with callers\' numbers masked', async () => {
    const res = await get('/v1/recordings', 'supervisor');
    expect(res.status).toBe(200);
    const { recordings } = (await json(res)) as { recordings: Record<string, unknown>[] };
    expect(recordings.map((r) => [r.id, r.callerNumber])).toEqual([['rec-b', '138****0002'], ['rec-a', '138****0001']]);
    expect((await json(await get('/v1/recordings/rec-a', 'supervisor'))).callerNumber).toBe('138****0001');
  });

  it('lists for an auditor and an admin with numbers whole', async () => {
    for (const role of ['auditor', 'admin'] as const) {
      const { recordings } = (await json(await get('/v1/recordings', role))) as { recordings: Record<string, unknown>[] };
      expect(recordings.map((r) => r.callerNumber)).toEqual(['13800000002', '13800000001']);
      expect(await json(await get('/v1/recordings/rec-a', role))).toEqual({
        id: 'rec-a', callId: 'call-a', segment: 1, kind: 'live', agent: '1001', queue: 'billing', tier: 'gold', switchId: 'main',
        startedAt: '2026-12-01T02:00:00.000Z', durationMs: 62_000, size: 10_000, sha256: 'ab'.repeat(32),
        retainUntil: '2027-03-03T02:00:00.000Z', legalHold: null, legalHoldBy: null, status: 'stored', failure: null, deletedAt: null,
        callerNumber: '13800000001',
      });
    }
  });

  it('masks numbers in a legal hold\'s reason and a failure for a supervisor, not for an auditor', async () => {
    catalog.add(recordingMeta({ id: 'rec-c', status: 'failed', failure: 'switch lost it; caller 13800000009 asked', legalHold: 'complaint by 13800000009' }));
    const supervisor = await json(await get('/v1/recordings/rec-c', 'supervisor'));
    expect(supervisor).toMatchObject({ failure: 'switch lost it; caller 138****0009 asked', legalHold: 'complaint by 138****0009' });
    const auditor = await json(await get('/v1/recordings/rec-c', 'auditor'));
    expect(auditor).toMatchObject({ failure: 'switch lost it; caller 13800000009 asked', legalHold: 'complaint by 13800000009' });
  });

  it('keeps masking numbers outside recordings and the audit trail for an auditor, as for a viewer', async () => {
    const state = (payload: Record<string, unknown>) => fetch(`${api.url}/v1/agents/1001/state`, {
      method: 'POST', headers: { ...bearer(api.keys.supervisor), 'content-type': 'application/json' }, body: JSON.stringify(payload),
    });
    await state({ action: 'login' });
    expect((await state({ action: 'pause', reason: 'calling 13800000003 back' })).status).toBe(200);
    try {
      const seen = async (role: Role) => (await json(await get('/v1/agents/1001', role))).pauseReason;
      expect(await seen('auditor')).toBe('calling 138****0003 back');
      expect(await seen('viewer')).toBe('calling 138****0003 back');
      expect(await seen('supervisor')).toBe('calling 13800000003 back');
    } finally {
      await state({ action: 'logout' });
    }
  });

  it('shows an auditor the audit trail whole (who listened and why), a viewer masked', async () => {
    await api.audit.append({
      at: Date.now(), actor: { keyId: '000000000000', name: 'sam', role: 'supervisor' }, action: 'recording.listen', target: 'rec-a',
      before: null, after: { reason: 'complaint from 13800000003' }, routingVersion: null,
    });
    const seen = async (role: Role) => ((await json(await get('/v1/audit?limit=1', role))).entries as { after: unknown }[])[0]!.after;
    expect(await seen('auditor')).toEqual({ reason: 'complaint from 13800000003' });
    expect(await seen('viewer')).toEqual({ reason: 'complaint from 138****0003' });
  });
});

describe('the filters of the list', () => {
  it('passes call, agent, from, to, status and limit to the catalog, limit 100 by default', async () => {
    await get('/v1/recordings', 'auditor');
    expect(catalog.filters.at(-1)).toEqual({ limit: 100 });
    const res = await get('/v1/recordings?call=call-a&agent=1002&from=2026-12-01T10:00:00%2B08:00&to=2026-12-01T10:10:00%2B08:00&status=copying&limit=5', 'auditor');
    expect(res.status).toBe(200);
    expect(catalog.filters.at(-1)).toEqual({
      callId: 'call-a', agent: '1002', from: Date.parse('2026-12-01T02:00:00Z'), to: Date.parse('2026-12-01T02:10:00Z'), status: 'copying', limit: 5,
    });
    expect(((await json(res)).recordings as { id: string }[]).map((r) => r.id)).toEqual(['rec-b']);
  });

  it('lists the recordings that could not be copied with status=failed', async () => {
    catalog.add(recordingMeta({ id: 'rec-f', status: 'failed', failure: 'not found on the switch after 5 tries' }));
    const { recordings } = (await json(await get('/v1/recordings?status=failed', 'supervisor'))) as { recordings: Record<string, unknown>[] };
    expect(recordings).toEqual([expect.objectContaining({ id: 'rec-f', status: 'failed', failure: 'not found on the switch after 5 tries' })]);
  });

  const bad: [string, RegExp][] = [
    ['from=yesterday', /^query\.from: must be an ISO 8601 date-time/],
    ['to=2026-12-01', /^query\.to: must be an ISO 8601 date-time/],
    ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', /^query\.from: must not be later than to$/],
    ['limit=0', /^query\.limit: must be at least 1$/],
    ['limit=501', /^query\.limit: must be at most 500$/],
    ['limit=ten', /^query\.limit: must be a whole number$/],
    ['status=lost', /^query\.status: /],
    ['call=', /^query\.call: /],
    ['caller=13800000001', /^query: .*caller/],
  ];
  for (const [query, message] of bad) {
    it(`answers ?${query} with 400 naming the field`, async () => {
      const res = await get(`/v1/recordings?${query}`, 'auditor');
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error).toBe('invalid-request');
      expect(body.message).toMatch(message);
    });
  }
});

describe('who may listen', () => {
  it('refuses a viewer the audio, with or without a reason (403)', async () => {
    for (const path of ['/v1/recordings/rec-a/audio', '/v1/recordings/rec-a/audio?reason=curious']) {
      const res = await get(path, 'viewer');
      expect(res.status).toBe(403);
      expect(await json(res)).toMatchObject({ error: 'forbidden' });
    }
    expect(catalog.opened).toEqual([]);
  });

  it('refuses a supervisor without a reason (403 reason-required) and opens nothing', async () => {
    const res = await get('/v1/recordings/rec-a/audio', 'supervisor');
    expect(res.status).toBe(403);
    const body = await json(res);
    expect(body.error).toBe('reason-required');
    expect(body.message).toMatch(/only with \?reason= saying why/);
    expect(catalog.opened).toEqual([]);
  });

  it('refuses an empty, blank or overlong reason (400 naming the field)', async () => {
    for (const reason of ['', '%20%20', 'x'.repeat(501), 'a%0Ab']) {
      const res = await get(`/v1/recordings/rec-a/audio?reason=${reason}`, 'supervisor');
      expect(res.status).toBe(400);
      expect((await json(res)).message).toMatch(/^query\.reason: /);
    }
  });

  it('plays the whole recording to a supervisor who gives a reason, to an auditor and to an admin (200)', async () => {
    for (const [role, query] of [['supervisor', '?reason=complaint%20202601050001'], ['auditor', ''], ['admin', '']] as const) {
      const res = await get(`/v1/recordings/rec-a/audio${query}`, role);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('content-length')).toBe('10000');
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(Buffer.from(await res.arrayBuffer()).equals(AUDIO)).toBe(true);
    }
  });

  it('refuses the hold to a viewer and a supervisor', async () => {
    for (const role of ['viewer', 'supervisor'] as const) {
      const res = await fetch(`${api.url}/v1/recordings/rec-a/hold`, {
        method: 'PUT', headers: { ...bearer(api.keys[role]), 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'x' }),
      });
      expect(res.status).toBe(403);
      expect((await json(res)).message).toBe(`this needs the auditor role; the key has ${role}`);
    }
  });
});

describe('seeking: Range requests', () => {
  const ranges: [string, number, number][] = [
    ['bytes=0-99', 0, 99],
    ['bytes=9990-', 9990, 9999],
    ['bytes=-16', 9984, 9999],
    ['bytes=5000-99999', 5000, 9999],
    ['bytes=-20000', 0, 9999],
    ['bytes=9999-9999', 9999, 9999],
  ];
  for (const [header, start, end] of ranges) {
    it(`answers ${header} with 206 and bytes ${start}-${end}/10000`, async () => {
      const res = await get('/v1/recordings/rec-a/audio', 'auditor', { range: header });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/10000`);
      expect(res.headers.get('content-length')).toBe(String(end - start + 1));
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await res.arrayBuffer()).equals(AUDIO.subarray(start, end + 1))).toBe(true);
      expect(catalog.opened.at(-1)).toEqual({ id: 'rec-a', range: { start, end } });
    });
  }

  for (const header of ['bytes=10000-', 'bytes=20000-20010', 'bytes=-0']) {
    it(`answers ${header} with 416 and the size, and audits no listen`, async () => {
      const before = (await listens()).length;
      const res = await get('/v1/recordings/rec-a/audio', 'auditor', { range: header });
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe('bytes */10000');
      expect(await json(res)).toMatchObject({ error: 'range-not-satisfiable', details: { size: 10_000 } });
      expect((await listens()).length).toBe(before);
      expect(catalog.opened).toEqual([]);
    });
  }

  for (const header of ['bytes=0-1,5-6', 'items=0-10', 'bytes=50-10', 'bytes=-', 'bytes=abc']) {
    it(`ignores a Range it does not take (${header}) and sends the whole file`, async () => {
      const res = await get('/v1/recordings/rec-a/audio', 'auditor', { range: header });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-range')).toBeNull();
      expect((await res.arrayBuffer()).byteLength).toBe(10_000);
    });
  }
});

describe('the audit trail of listening', () => {
  it('writes one entry per request that returns audio, ranged or whole: who, when, which, why', async () => {
    const before = (await listens()).length;
    const t0 = Date.now();
    await (await get('/v1/recordings/rec-a/audio?reason=complaint%20202601050001', 'supervisor')).arrayBuffer();
    await (await get('/v1/recordings/rec-a/audio?reason=complaint%20202601050001', 'supervisor', { range: 'bytes=100-199' })).arrayBuffer();
    await (await get('/v1/recordings/rec-a/audio', 'auditor', { range: 'bytes=-10' })).arrayBuffer();
    await (await get('/v1/recordings/rec-a/audio?reason=quality%20check', 'auditor')).arrayBuffer();
    await (await get('/v1/recordings/rec-a/audio', 'admin')).arrayBuffer();
    const entries = (await listens()).slice(0, (await listens()).length - before).reverse();
    expect(entries.map((e) => [e.actor.name, e.actor.role, e.target, (e.after as { reason: unknown }).reason, (e.after as { range: unknown }).range])).toEqual([
      ['sam', 'supervisor', 'rec-a', 'complaint 202601050001', null],
      ['sam', 'supervisor', 'rec-a', 'complaint 202601050001', 'bytes=100-199'],
      ['aude', 'auditor', 'rec-a', null, 'bytes=9990-9999'],
      ['aude', 'auditor', 'rec-a', 'quality check', null],
      ['ada', 'admin', 'rec-a', null, null],
    ]);
    for (const e of entries) {
      expect(e.at).toBeGreaterThanOrEqual(t0);
      expect(e.after).toMatchObject({ callId: 'call-a' });
      expect(e.actor.keyId).toMatch(/^[0-9a-f]{12}$/);
    }
  });

  it('shows the listens in GET /v1/audit', async () => {
    await (await get('/v1/recordings/rec-a/audio?reason=ticket%2042', 'auditor')).arrayBuffer();
    const { entries } = (await json(await get('/v1/audit?limit=5', 'admin'))) as { entries: Record<string, unknown>[] };
    expect(entries[0]).toMatchObject({ action: 'recording.listen', target: 'rec-a', actor: { name: 'aude', role: 'auditor' }, after: { reason: 'ticket 42' } });
  });

  it('audits no refused request', async () => {
    const before = (await listens()).length;
    await get('/v1/recordings/rec-a/audio', 'supervisor');
    await get('/v1/recordings/rec-a/audio', 'viewer');
    await get('/v1/recordings/rec-b/audio', 'auditor');
    await get('/v1/recordings/rec-none/audio', 'auditor');
    expect((await listens()).length).toBe(before);
  });

  it('offers no HEAD on the audio, which would audit a listen that sends nothing', async () => {
    const before = (await listens()).length;
    const res = await fetch(`${api.url}/v1/recordings/rec-a/audio`, { method: 'HEAD', headers: bearer(api.keys.auditor) });
    expect(res.status).toBe(404);
    expect((await listens()).length).toBe(before);
  });
});

describe('recordings without audio', () => {
  it('answers 404 no-such-recording for an unknown id', async () => {
    for (const path of ['/v1/recordings/rec-none', '/v1/recordings/rec-none/audio']) {
      const res = await get(path, 'auditor');
      expect(res.status).toBe(404);
      expect(await json(res)).toMatchObject({ error: 'no-such-recording', details: { id: 'rec-none' } });
    }
  });

  const states = [
    ['recording', /still being recorded/],
    ['copying', /being copied from the switch/],
    ['failed', /could not be copied from the switch \(gone\)/],
    ['deleted', /deleted at the end of its retention/],
  ] as const;
  for (const [status, why] of states) {
    it(`answers 404 recording-not-stored naming the status for a recording ${status}`, async () => {
      catalog.add(recordingMeta({ id: `rec-${status}`, status, failure: status === 'failed' ? 'gone' : null }));
      const res = await get(`/v1/recordings/rec-${status}/audio`, 'auditor');
      expect(res.status).toBe(404);
      const body = await json(res);
      expect(body).toMatchObject({ error: 'recording-not-stored', details: { id: `rec-${status}`, status } });
      expect(body.message).toMatch(why);
    });
  }
});

describe('a stored file that is not the one copied', () => {
  it('is refused (500 recording-damaged) rather than sent cut to another size, and is not audited as heard', async () => {
    catalog.add(recordingMeta({ id: 'rec-short', size: 10_000 }), AUDIO.subarray(0, 9000));
    const before = (await listens()).length;
    const res = await get('/v1/recordings/rec-short/audio', 'auditor', { range: 'bytes=8000-9999' });
    expect(res.status).toBe(500);
    expect(await json(res)).toMatchObject({ error: 'recording-damaged', details: { id: 'rec-short' } });
    expect(catalog.streams.at(-1)!.destroyed).toBe(true);
    expect((await listens()).length).toBe(before);
  });
});

describe('streaming', () => {
  it('sends the audio as the store gives it, before the store has given all of it', async () => {
    const slow = new PassThrough();
    catalog.nextStream = slow;
    slow.write(AUDIO.subarray(0, 4000));
    const res = await get('/v1/recordings/rec-a/audio', 'auditor');
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let got = 0;
    while (got < 4000) got += (await reader.read()).value!.byteLength;
    expect(got).toBe(4000);
    slow.end(AUDIO.subarray(4000));
    for (let part = await reader.read(); !part.done; part = await reader.read()) got += part.value.byteLength;
    expect(got).toBe(10_000);
  });
});

describe('legal hold', () => {
  async function send(method: 'PUT' | 'DELETE', role: Role, body?: unknown) {
    return fetch(`${api.url}/v1/recordings/rec-a/hold`, {
      method,
      headers: { ...bearer(api.keys[role]), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  it('is set by an auditor and released by an admin, each audited with before and after', async () => {
    const held = await send('PUT', 'auditor', { reason: 'complaint 202601050001' });
    expect(held.status).toBe(200);
    expect(await json(held)).toMatchObject({ id: 'rec-a', legalHold: 'complaint 202601050001' });
    expect(catalog.metas.get('rec-a')!.legalHold).toBe('complaint 202601050001');
    expect(catalog.metas.get('rec-a')!.legalHoldBy).toMatch(/^aude \(key [0-9a-f]{12}\)$/);
    const released = await send('DELETE', 'admin');
    expect(released.status).toBe(200);
    expect(await json(released)).toMatchObject({ legalHold: null });
    const entries = (await api.audit.list(20)).filter((e) => e.target === 'rec-a' && e.action.startsWith('recording.hold'));
    expect(entries.slice(0, 2).map((e) => [e.action, e.actor.role, e.before, e.after])).toEqual([
      ['recording.hold.release', 'admin', { legalHold: 'complaint 202601050001' }, { legalHold: null }],
      ['recording.hold', 'auditor', { legalHold: null }, { legalHold: 'complaint 202601050001' }],
    ]);
  });

  it('needs a reason, and answers 404 for an unknown recording', async () => {
    const none = await send('PUT', 'auditor', {});
    expect(none.status).toBe(400);
    expect((await json(none)).message).toMatch(/^body\.reason: /);
    const unknown = await fetch(`${api.url}/v1/recordings/rec-none/hold`, { method: 'DELETE', headers: bearer(api.keys.auditor) });
    expect(unknown.status).toBe(404);
  });
});

describe('/metrics', () => {
  it('shows the recordings by status and the starts the switch refused, read at scrape time', async () => {
    catalog.add(recordingMeta({ id: 'rec-f1', status: 'failed' }));
    catalog.add(recordingMeta({ id: 'rec-f2', status: 'failed' }));
    catalog.add(recordingMeta({ id: 'rec-d', status: 'deleted' }));
    catalog.startFailed = 3;
    const text = await (await fetch(`${api.url}/metrics`)).text();
    const lines = text.split('\n').filter((l) => l.startsWith('hotline_recording'));
    expect(lines.sort()).toEqual([
      'hotline_recording_start_failures 3',
      'hotline_recordings{status="copying"} 1',
      'hotline_recordings{status="deleted"} 1',
      'hotline_recordings{status="failed"} 2',
      'hotline_recordings{status="recording"} 0',
      'hotline_recordings{status="stored"} 1',
    ]);
  });
});

describe('an audit trail that cannot be written', () => {
  it('refuses the audio rather than play it unaudited, and closes what the store opened', async () => {
    const broken = await startApi({
      redisUrl, listen: true,
      audit: (redis, prefix) => new (class extends AuditLog {
        override async append(): Promise<string> {
          throw new Error('audit store refused the entry');
        }
      })({ redis, keyPrefix: prefix }),
    });
    try {
      broken.recordings!.add(recordingMeta({ id: 'rec-a', size: AUDIO.length }), AUDIO);
      const res = await fetch(`${broken.url}/v1/recordings/rec-a/audio`, { headers: bearer(broken.keys.auditor) });
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain(AUDIO.subarray(0, 16).toString('latin1'));
      expect(broken.recordings!.streams).toHaveLength(1);
      expect(broken.recordings!.streams[0]!.destroyed).toBe(true);
    } finally {
      await broken.close();
    }
  });
});

describe('a service without recordings', () => {
  it('answers every recordings route 404 recordings-not-enabled, after the role check', async () => {
    const off = await startApi({ redisUrl, listen: true, recordings: false });
    try {
      for (const path of ['/v1/recordings', '/v1/recordings/rec-a', '/v1/recordings/rec-a/audio']) {
        const res = await fetch(`${off.url}${path}`, { headers: bearer(off.keys.auditor) });
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({ error: 'recordings-not-enabled', message: 'recordings are not enabled on this service' });
      }
      expect((await fetch(`${off.url}/v1/recordings`, { headers: bearer(off.keys.viewer) })).status).toBe(403);
      expect(await (await fetch(`${off.url}/metrics`)).text()).not.toMatch(/^hotline_recording/m);
    } finally {
      await off.close();
    }
  });
});
