import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bearer, startApi, type ApiFixture } from './api-fixture.js';
import { JUNK_VALUES, ODD_IDS, OTHER_CONTENT_TYPES, RAW_JSON_BODIES, SEED, oddQueries, random, randomJunk } from './fuzz-inputs.js';

interface Operation {
  method: string;
  /** OpenAPI path, e.g. /v1/queues/{id}. */
  path: string;
  query: string[];
  /** Body properties, with the properties of nested objects as a.b. */
  body: string[] | null;
}

interface Probe {
  what: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string;
}

const SAMPLE_IDS: Record<string, string> = { queues: 'billing', tiers: 'gold', agents: '1001', keys: '000000000000' };

let api: ApiFixture;
let operations: Operation[];

beforeAll(async () => {
  api = await startApi({ redisUrl: inject('redisUrl') });
  operations = describeOperations((await api.app.inject({ url: '/docs/json' })).json());
});

afterAll(async () => {
  await api?.close();
});

/** The operations of /v1 with their query parameters and body fields, read from the OpenAPI document. */
function describeOperations(doc: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, op] of Object.entries(ops)) {
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const schema = op.requestBody?.content?.['application/json']?.schema;
      out.push({ method: method.toUpperCase(), path, query, body: schema ? fieldsOf(schema) : null });
    }
  }
  return out;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

function fieldsOf(schema: JsonSchema, prefix = ''): string[] {
  const variants = [schema, ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
  const out = new Set<string>();
  for (const v of variants) {
    for (const [name, sub] of Object.entries(v.properties ?? {})) {
      out.add(prefix + name);
      if (!prefix) for (const inner of fieldsOf(sub, `${name}.`)) out.add(inner);
    }
  }
  return [...out];
}

function urlOf(op: Operation, id?: string): string {
  const resource = op.path.split('/')[2]!;
  return op.path.replace('{id}', id ?? SAMPLE_IDS[resource] ?? 'x');
}

function withField(field: string, value: unknown): Record<string, unknown> {
  const [outer, inner] = field.split('.') as [string, string | undefined];
  return inner === undefined ? { [outer]: value } : { [outer]: { [inner]: value } };
}

/** Every malformed request for one operation. */
function probes(op: Operation): Probe[] {
  const out: Probe[] = [];
  const isStream = op.path === '/v1/stream';
  // A valid request to the stream would stay open: every probe of it carries an unknown parameter.
  const streamSuffix = isStream ? '&unknown=1' : '';
  for (const q of oddQueries(op.query)) out.push({ what: `query ${q.slice(0, 60)}`, method: op.method, url: `${urlOf(op)}?${q}${streamSuffix}` });
  if (op.path.includes('{id}')) {
    for (const id of ODD_IDS) {
      out.push({ what: `id ${id.slice(0, 40)}`, method: op.method, url: urlOf(op, id), ...(op.body ? { headers: { 'content-type': 'application/json' }, payload: '{}' } : {}) });
    }
  }
  if (op.body) {
    const next = random(SEED + op.path.length * 31 + op.method.length);
    const junk = [...JUNK_VALUES, ...randomJunk(next, 40)];
    const json = (value: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(value) });
    for (const value of junk) out.push({ what: `body ${JSON.stringify(value).slice(0, 60)}`, method: op.method, url: urlOf(op), ...json(value) });
    for (const field of op.body) {
      for (const value of junk) out.push({ what: `body.${field} = ${JSON.stringify(value).slice(0, 60)}`, method: op.method, url: urlOf(op), ...json(withField(field, value)) });
    }
    for (const raw of RAW_JSON_BODIES) out.push({ what: `raw body ${raw.slice(0, 40)}`, method: op.method, url: urlOf(op), headers: { 'content-type': 'application/json' }, payload: raw });
    for (const type of OTHER_CONTENT_TYPES) out.push({ what: `content-type ${type}`, method: op.method, url: urlOf(op), headers: { 'content-type': type }, payload: '{"name":"x"}' });
    out.push({ what: 'no content-type', method: op.method, url: urlOf(op), payload: '{"name":"x"}' });
  }
  return out;
}

describe(`malformed requests to every route (seed ${SEED}) never get a 5xx`, () => {
  it('covers every documented /v1 operation', () => {
    expect(operations.length).toBeGreaterThanOrEqual(21);
  });

  it('sends hundreds of malformed requests, each answered 4xx (or 2xx) with an error naming what is wrong', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const op of operations) {
      for (const probe of probes(op)) {
        sent += 1;
        const res = await api.app.inject({
          method: probe.method as 'GET',
          url: probe.url,
          headers: { ...bearer(api.keys.admin), ...probe.headers },
          ...(probe.payload !== undefined ? { payload: probe.payload } : {}),
        });
        const where = `${probe.method} ${op.path} ${probe.what}`;
        if (res.statusCode >= 500) {
          failures.push(`${where} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        } else if (res.statusCode >= 400) {
          const body = safeJson(res.body);
          if (typeof body?.error !== 'string' || typeof body?.message !== 'string' || body.message === '') {
            failures.push(`${where} → ${res.statusCode} without an error and message: ${res.body.slice(0, 200)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(500);
  }, 120_000);

  it('names the field at fault', async () => {
    const res = await api.app.inject({ method: 'PATCH', url: '/v1/tiers/gold', headers: bearer(api.keys.admin), payload: { queuePriority: -5, serviceLevelTarget: { percent: 'high' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/body\.queuePriority: must be at least 0/);
    expect(res.json().message).toMatch(/body\.serviceLevelTarget\.percent: /);
  });
});

function safeJson(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}
