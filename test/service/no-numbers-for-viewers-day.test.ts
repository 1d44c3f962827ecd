import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { runScriptedDay, SCRIPTED_DAY_CALLERS, SCRIPTED_DAY_OVERRIDES, until, type ScriptedDay } from '../support/scripted-day.js';

/**
 * Everything a viewer key (the wallboard's) can get out of the service during
 * the scripted day holds no caller's number: its open stream from the first
 * call on, and every GET route it reads afterwards. The same scan over a
 * supervisor's stream and answers does find the numbers, so the scan is known
 * to see them where they are.
 */
const { standard, gold } = SCRIPTED_DAY_CALLERS;
/** Typed by a supervisor into reasons and notes a viewer may read. */
const TYPED = { cancel: `customer called back from ${standard}`, pause: `calling ${gold} back`, note: `refund promised to ${gold}` };

let hotline: HotlineFixture;
let day: ScriptedDay;
let viewerKey: string;
let base: string;
/** Ids of the API keys the test made: 12 hex digits, which now and then are all decimal digits. */
let keyIds: string[] = [];
const output = { viewer: '', supervisor: '' };

/** A stream's raw text as it arrives, events and all. */
class RawStream {
  text = '';
  private readonly controller = new AbortController();
  private reading: Promise<void> = Promise.resolve();

  static async open(url: string, key: string): Promise<RawStream> {
    const stream = new RawStream();
    const res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: stream.controller.signal });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
    const body = res.body;
    stream.reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of body) stream.text += decoder.decode(chunk, { stream: true });
    })().catch(() => undefined);
    return stream;
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.reading;
  }
}

async function get(path: string, key: string | null): Promise<string> {
  const res = await request(`${base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return `\n# GET ${path} → ${res.statusCode}\n${await res.body.text()}`;
}

/** The local days (YYYYMMDD) the scenario ran on, in the zone complaint ids are dated in. */
function scenarioDays(): Set<string> {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: hotline.config.care.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return new Set([day.startedAt, Date.now()].map((ms) => format.format(ms).replace(/-/g, '')));
}

/**
 * The numbers found in `text`: any 11-digit number starting with 1 (a mobile
 * number) and any run of 11 digits or more. Ids the service makes itself are
 * taken out first, each by its exact form: UUIDs (calls, legs), callback ids
 * (cb- and 20 hex digits), recordings' SHA-256 digests, audit entry ids (milliseconds within the test's
 * run, a dash, a sequence), complaint ids (a day of the scenario and a
 * 4-digit sequence) and the ids of the test's API keys.
 */
function numbersIn(text: string): string[] {
  const days = scenarioDays();
  const from = day.startedAt - 60_000;
  const to = Date.now() + 60_000;
  const neutral = text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/cb-[0-9a-f]{20}(?![0-9a-f])/g, '<callback-id>')
    // A recording's SHA-256 (64 hex digits) now and then holds a run of 11 or more decimal ones.
    .replace(/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g, '<sha256>')
    .replace(/(?<!\d)(\d{13})-\d{1,6}(?!\d)/g, (id, ms: string) => (Number(ms) >= from && Number(ms) <= to ? '<entry-id>' : id))
    .replace(/(?<!\d)(\d{8})\d{4}(?!\d)/g, (id, date: string) => (days.has(date) ? '<complaint-id>' : id))
    .replace(/(?<![0-9a-f])[0-9a-f]{12}(?![0-9a-f])/g, (id) => (keyIds.includes(id) ? '<key-id>' : id));
  const found = new Set<string>();
  for (const pattern of [/(?<!\d)1\d{10}(?!\d)/g, /\d{11,}/g]) {
    for (const match of neutral.matchAll(pattern)) {
      const at = match.index ?? 0;
      found.add(`${match[0]} in …${neutral.slice(Math.max(0, at - 60), at + match[0].length + 20)}…`);
    }
  }
  return [...found];
}

/** Prometheus text without its sample values: metric names and labels are where a number could leak; values are measurements. */
function metricLabels(text: string): string {
  return text.split('\n').map((line) => (line.startsWith('#') ? line : line.replace(/\s+\S+(\s+\d+)?$/, ''))).join('\n');
}

beforeAll(async () => {
  hotline = await startHotline({ overrides: SCRIPTED_DAY_OVERRIDES });
  base = `http://127.0.0.1:${hotline.service.port}`;
  viewerKey = (await hotline.service.keys.create({ role: 'viewer', name: 'wall' })).key;
  const deskKey = (await hotline.service.keys.create({ role: 'supervisor', name: 'desk' })).key;
  const streams = { viewer: await RawStream.open(`${base}/v1/stream`, viewerKey), supervisor: await RawStream.open(`${base}/v1/stream`, deskKey) };
  try {
    day = await runScriptedDay(hotline, { cancelReason: TYPED.cancel });
    const asSupervisor = { authorization: `Bearer ${day.supervisorKey}`, 'content-type': 'application/json' };
    // A caller for complaints gives up waiting (nobody staffed for complaints): the call opens a ticket, which a supervisor resolves.
    await hotline.call('10000', gold, ['4'], { maxQueueWaitMs: 500 });
    await hotline.idle();
    const open = await request(`${base}/v1/complaints`, { headers: asSupervisor });
    const tickets = ((await open.body.json()) as { complaints: { id: string }[] }).complaints;
    if (tickets.length !== 1) throw new Error(`expected one complaint ticket, got ${tickets.length}`);
    const resolved = await request(`${base}/v1/complaints/${tickets[0]!.id}/resolve`, { method: 'POST', headers: asSupervisor, body: JSON.stringify({ note: TYPED.note }) });
    if (resolved.statusCode !== 200) throw new Error(`resolve failed: ${resolved.statusCode} ${await resolved.body.text()}`);
    await resolved.body.text();
    // The agent is paused through the API with a reason holding a number.
    const paused = await request(`${base}/v1/agents/1005/state`, { method: 'POST', headers: asSupervisor, body: JSON.stringify({ action: 'pause', reason: TYPED.pause }) });
    if (paused.statusCode !== 200) throw new Error(`pause failed: ${paused.statusCode} ${await paused.body.text()}`);
    await paused.body.text();
    await until(async () => [streams.viewer, streams.supervisor].every((s) => s.text.includes('"state":"paused","pauseReason":"calling')));
  } finally {
    await Promise.all([streams.viewer.close(), streams.supervisor.close()]);
  }
  keyIds = (await hotline.service.keys.list()).map((k) => k.id);
  output.viewer = `# stream\n${streams.viewer.text}`;
  output.supervisor = `# stream\n${streams.supervisor.text}`;
}, 90_000);
afterAll(async () => hotline?.stop());

/** Every GET route of the API as the OpenAPI description lists it, with the concrete paths that read it. */
async function everyGetRoute(key: string): Promise<Map<string, string[]>> {
  const doc = JSON.parse((await get('/docs/json', null)).split('\n').slice(2).join('\n')) as { paths: Record<string, { get?: unknown }> };
  const ids = async (path: string, list: string) => (JSON.parse((await get(path, key)).split('\n').slice(2).join('\n'))[list] as { id: string }[]).map((x) => x.id);
  const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: hotline.config.care.timeZone }).format(day.startedAt);
  const from = new Date(Math.floor(day.startedAt / 900_000) * 900_000).toISOString();
  const to = new Date(Math.ceil((Date.now() + 1) / 900_000) * 900_000).toISOString();
  // Recordings are listed with the supervisor's key (a viewer may not list them); an unknown id reads the refusal.
  const listed = JSON.parse((await get('/v1/recordings', day.supervisorKey)).split('\n').slice(2).join('\n')) as { recordings?: { id: string }[] };
  const recordings = [...(listed.recordings ?? []).map((r) => r.id), 'rec-unknown'];
  const campaigns = await ids('/v1/campaigns', 'campaigns');
  const reads: Record<string, string[]> = {
    '/v1/stats/realtime': ['/v1/stats/realtime'],
    '/v1/stats/intervals': [`/v1/stats/intervals?from=${from}&to=${to}`, `/v1/stats/intervals?from=${from}&to=${to}&format=csv`],
    '/v1/queues': ['/v1/queues'],
    '/v1/queues/{id}': (await ids('/v1/queues', 'queues')).map((id) => `/v1/queues/${id}`),
    '/v1/tiers': ['/v1/tiers'],
    '/v1/tiers/{id}': (await ids('/v1/tiers', 'tiers')).map((id) => `/v1/tiers/${id}`),
    '/v1/routing/versions': ['/v1/routing/versions'],
    '/v1/audit': ['/v1/audit?limit=500'],
    '/v1/agents': ['/v1/agents'],
    '/v1/agents/{id}': (await ids('/v1/agents', 'agents')).map((id) => `/v1/agents/${id}`),
    '/v1/callbacks': ['/v1/callbacks', '/v1/callbacks?status=overdue', '/v1/callbacks?status=closed'],
    '/v1/callbacks/{id}': [`/v1/callbacks/${day.callbackId}`],
    '/v1/complaints': ['/v1/complaints', '/v1/complaints?status=overdue', '/v1/complaints?status=resolved'],
    '/v1/surveys': [`/v1/surveys?from=${localDay}&to=${localDay}`],
    '/v1/keys': ['/v1/keys'],
    '/v1/recordings': ['/v1/recordings', '/v1/recordings?status=failed'],
    '/v1/recordings/{id}': recordings.map((id) => `/v1/recordings/${id}`),
    '/v1/recordings/{id}/audio': recordings.map((id) => `/v1/recordings/${id}/audio`),
    '/v1/stats/agents': ['/v1/stats/agents'],
    // The desk is an agent's own: a viewer's or a supervisor's key reads the refusal.
    '/v1/desk/agents/{id}': ['/v1/desk/agents/1005'],
    '/v1/desk/agents/{id}/calls/{callId}': ['/v1/desk/agents/1005/calls/unknown'],
    '/v1/desk/agents/{id}/stream': ['/v1/desk/agents/1005/stream'],
    '/v1/whatif/{id}': ['/v1/whatif/unknown'],
    '/v1/campaigns': ['/v1/campaigns'],
    '/v1/campaigns/{id}': [...campaigns, 'unknown'].map((id) => `/v1/campaigns/${id}`),
    '/v1/campaigns/{id}/results': [...campaigns, 'unknown'].map((id) => `/v1/campaigns/${id}/results`),
    '/v1/campaigns/{id}/rejected': [...campaigns, 'unknown'].map((id) => `/v1/campaigns/${id}/rejected`),
    '/v1/do-not-call': ['/v1/do-not-call'],
  };
  const routes = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!item.get || path === '/v1/stream') continue;
    routes.set(path, reads[path] ?? []);
  }
  return routes;
}

async function readEverything(key: string): Promise<string> {
  let text = '';
  for (const [route, paths] of await everyGetRoute(key)) {
    if (paths.length === 0) throw new Error(`GET ${route} is not read by this test: add how to read it`);
    for (const path of paths) text += await get(path, key);
  }
  for (const path of ['/healthz', '/readyz', '/wallboard', '/desk', '/whatif']) text += await get(path, null);
  text += metricLabels(await get('/metrics', null));
  return text;
}

/** The values of a JSON string field wherever it occurs in `text`. */
function valuesOf(field: string, text: string): string[] {
  return [...text.matchAll(new RegExp(`"${field}":"([^"]*)"`, 'g'))].map((m) => m[1]!);
}

describe('no full caller number for a viewer during a scripted day', () => {
  it('the viewer\'s stream carried the day\'s calls, their numbers masked', () => {
    // The two conversations of the day ended: the gold caller's and then the standard one's.
    expect(valuesOf('callerNumber', output.viewer)).toEqual(['138****0002', '138****0004']);
    expect(valuesOf('pauseReason', output.viewer)).toContain('calling 138****0002 back');
  });

  it('finds no 11-digit number in the viewer\'s stream or in any GET answer the viewer reads', async () => {
    const answers = await readEverything(viewerKey);
    expect(numbersIn(output.viewer)).toEqual([]);
    expect(numbersIn(answers)).toEqual([]);
    // What was typed with a number in it did reach the viewer, masked.
    expect(valuesOf('closeReason', answers)).toContain('customer called back from 138****0004');
    expect(valuesOf('note', answers)).toContain('refund promised to 138****0002');
  });

  it('finds the numbers in a supervisor\'s stream and answers: the scan sees them where they are', async () => {
    const answers = await readEverything(day.supervisorKey);
    expect(valuesOf('callerNumber', output.supervisor)).toEqual([gold, standard]);
    const found = numbersIn(`${output.supervisor}${answers}`).map((hit) => hit.split(' ')[0]);
    expect(new Set(found)).toEqual(new Set([gold, standard]));
  });
});
