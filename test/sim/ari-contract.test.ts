import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { EventStream, makeSoundsDir, placeLocalCall, rest, startSim, type AriMessage, type RestResult } from './sim-harness.js';

interface ContractRoute {
  resource: string;
  method: string;
  path: string;
  status: number;
  required: string[];
  returns?: string;
  websocket?: boolean;
}
interface ModelSpec {
  required: string[];
  nested?: Record<string, string>;
  lists?: Record<string, string>;
}
interface Contract {
  routes: ContractRoute[];
  models: Record<string, ModelSpec>;
  eventBase: string[];
  events: Record<string, ModelSpec>;
}

const contract = JSON.parse(readFileSync(new URL('../fixtures/ari-contract.json', import.meta.url), 'utf8')) as Contract;

/** Fields a value lacks against a model of the contract, e.g. `Channel.dialplan.app_data`. */
function modelProblems(value: unknown, type: string, where = type): string[] {
  const list = /^List\[(\w+)\]$/.exec(type);
  if (list) {
    if (!Array.isArray(value)) return [`${where} is not a list`];
    return value.flatMap((item, i) => modelProblems(item, list[1]!, `${where}[${i}]`));
  }
  const spec = contract.models[type];
  if (!spec) return [`${where}: the contract has no model ${type}`];
  return specProblems(value, spec, where);
}

function specProblems(value: unknown, spec: ModelSpec, where: string): string[] {
  if (!value || typeof value !== 'object') return [`${where} is not an object`];
  const record = value as Record<string, unknown>;
  const problems = spec.required.filter((field) => !(field in record)).map((field) => `${where}.${field} is missing`);
  for (const [field, model] of Object.entries(spec.nested ?? {})) {
    if (record[field] !== undefined) problems.push(...modelProblems(record[field], model, `${where}.${field}`));
  }
  for (const [field, model] of Object.entries(spec.lists ?? {})) {
    if (record[field] !== undefined) problems.push(...modelProblems(record[field], `List[${model}]`, `${where}.${field}`));
  }
  return problems;
}

function eventProblems(event: AriMessage): string[] {
  const spec = contract.events[event.type];
  if (!spec) return [`${event.type}: an event the contract does not describe`];
  const base = contract.eventBase.filter((field) => !(field in event)).map((field) => `${event.type}.${field} is missing`);
  return [...base, ...specProblems(event, spec, event.type)];
}

function upgrade(url: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', () => undefined);
  });
}

type Query = Record<string, string | number | undefined>;

/** Fresh calls, agents, bridges and playbacks for each route to act on. */
class Scene {
  private n = 0;
  constructor(readonly sim: SimulatedAsterisk, readonly ivr: EventStream) {}

  send(method: string, path: string, query: Query = {}, omit?: string): Promise<RestResult> {
    const q = { ...query };
    if (omit) delete q[omit];
    return rest(this.sim, method, `/ari${path}`, q);
  }

  unique(prefix: string): string {
    this.n += 1;
    return `${prefix}-${this.n}`;
  }

  /** A caller in the ivr app: its ;1 (harness) and ;2 (ivr) halves. */
  async call(): Promise<{ one: string; two: string }> {
    const before = this.ivr.ofType('StasisStart').length;
    const one = (await placeLocalCall(this.sim, '10000')).id;
    await this.ivr.waitFor(() => this.ivr.ofType('StasisStart').length > before, 'the call in ivr');
    return { one, two: this.ivr.ofType('StasisStart')[before]!.channel!.id };
  }

  async agent(): Promise<string> {
    const id = (await rest(this.sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/1001', app: 'ivr', appArgs: 'agent' })).body.id as string;
    await this.ivr.waitForType('StasisStart', id);
    return id;
  }

  async bridge(): Promise<string> {
    return (await rest(this.sim, 'POST', '/ari/bridges', { type: 'mixing', name: this.unique('bridge') })).body.id as string;
  }

  async playing(): Promise<string> {
    const { two } = await this.call();
    const id = this.unique('playback');
    await rest(this.sim, 'POST', `/ari/channels/${two}/play/${id}`, { media: 'sound:long' });
    await this.ivr.waitFor((e) => e.type === 'PlaybackStarted' && (e.playback as { id: string }).id === id, `playback ${id}`);
    return id;
  }
}

type Scenario = (s: Scene, omit?: string) => Promise<RestResult | { status: number; body?: undefined }>;

/** How to exercise each route of the contract; `omit` leaves out one required parameter. */
const SCENARIOS: Record<string, Scenario> = {
  'GET /channels': (s) => s.send('GET', '/channels'),
  'POST /channels': (s, omit) => s.send('POST', '/channels', { endpoint: 'PJSIP/1001', app: 'ivr' }, omit),
  'GET /channels/{channelId}': async (s) => s.send('GET', `/channels/${(await s.call()).two}`),
  'POST /channels/{channelId}': (s, omit) => s.send('POST', `/channels/${s.unique('chosen')}`, { endpoint: 'PJSIP/1001', app: 'ivr' }, omit),
  'DELETE /channels/{channelId}': async (s) => s.send('DELETE', `/channels/${(await s.call()).one}`),
  'POST /channels/{channelId}/continue': async (s) => s.send('POST', `/channels/${(await s.call()).two}/continue`),
  'POST /channels/{channelId}/answer': async (s) => s.send('POST', `/channels/${(await s.call()).two}/answer`),
  'POST /channels/{channelId}/ring': async (s) => s.send('POST', `/channels/${(await s.call()).two}/ring`),
  'DELETE /channels/{channelId}/ring': async (s) => s.send('DELETE', `/channels/${(await s.call()).two}/ring`),
  'POST /channels/{channelId}/dtmf': async (s) => s.send('POST', `/channels/${(await s.call()).one}/dtmf`, { dtmf: '12#' }),
  'POST /channels/{channelId}/moh': async (s) => s.send('POST', `/channels/${(await s.call()).two}/moh`, { mohClass: 'default' }),
  'DELETE /channels/{channelId}/moh': async (s) => s.send('DELETE', `/channels/${(await s.call()).two}/moh`),
  'POST /channels/{channelId}/play': async (s, omit) => s.send('POST', `/channels/${(await s.call()).two}/play`, { media: 'sound:hello-world,digits:42' }, omit),
  'POST /channels/{channelId}/play/{playbackId}': async (s, omit) =>
    s.send('POST', `/channels/${(await s.call()).two}/play/${s.unique('pb')}`, { media: 'sound:hello-world' }, omit),
  'GET /channels/{channelId}/variable': async (s, omit) => s.send('GET', `/channels/${(await s.call()).two}/variable`, { variable: 'CALLERID(num)' }, omit),
  'POST /channels/{channelId}/variable': async (s, omit) =>
    s.send('POST', `/channels/${(await s.call()).two}/variable`, { variable: 'TIER', value: 'gold' }, omit),

  'GET /bridges': (s) => s.send('GET', '/bridges'),
  'POST /bridges': (s) => s.send('POST', '/bridges', { type: 'mixing', name: 'contract' }),
  'POST /bridges/{bridgeId}': (s) => s.send('POST', `/bridges/${s.unique('bridge-id')}`, { type: 'mixing' }),
  'GET /bridges/{bridgeId}': async (s) => s.send('GET', `/bridges/${await s.bridge()}`),
  'DELETE /bridges/{bridgeId}': async (s) => {
    const bridge = await s.bridge();
    await s.send('POST', `/bridges/${bridge}/addChannel`, { channel: (await s.call()).two });
    return s.send('DELETE', `/bridges/${bridge}`);
  },
  'POST /bridges/{bridgeId}/addChannel': async (s, omit) => {
    const bridge = await s.bridge();
    const { two } = await s.call();
    return s.send('POST', `/bridges/${bridge}/addChannel`, { channel: `${two},${await s.agent()}` }, omit);
  },
  'POST /bridges/{bridgeId}/removeChannel': async (s, omit) => {
    const bridge = await s.bridge();
    const agent = await s.agent();
    await s.send('POST', `/bridges/${bridge}/addChannel`, { channel: agent });
    return s.send('POST', `/bridges/${bridge}/removeChannel`, { channel: agent }, omit);
  },
  'POST /bridges/{bridgeId}/moh': async (s) => s.send('POST', `/bridges/${await s.bridge()}/moh`),
  'DELETE /bridges/{bridgeId}/moh': async (s) => {
    const bridge = await s.bridge();
    await s.send('POST', `/bridges/${bridge}/moh`);
    return s.send('DELETE', `/bridges/${bridge}/moh`);
  },
  'POST /bridges/{bridgeId}/play': async (s, omit) => s.send('POST', `/bridges/${await s.bridge()}/play`, { media: 'sound:hello-world' }, omit),
  'POST /bridges/{bridgeId}/play/{playbackId}': async (s, omit) =>
    s.send('POST', `/bridges/${await s.bridge()}/play/${s.unique('bpb')}`, { media: 'sound:hello-world' }, omit),

  'GET /playbacks/{playbackId}': async (s) => s.send('GET', `/playbacks/${await s.playing()}`),
  'DELETE /playbacks/{playbackId}': async (s) => s.send('DELETE', `/playbacks/${await s.playing()}`),
  'POST /playbacks/{playbackId}/control': async (s, omit) => s.send('POST', `/playbacks/${await s.playing()}/control`, { operation: 'pause' }, omit),

  'GET /applications': (s) => s.send('GET', '/applications'),
  'GET /applications/{applicationName}': (s) => s.send('GET', '/applications/ivr'),
  'POST /applications/{applicationName}/subscription': async (s, omit) =>
    s.send('POST', '/applications/ivr/subscription', { eventSource: `bridge:${await s.bridge()}` }, omit),
  'DELETE /applications/{applicationName}/subscription': async (s, omit) => {
    const source = `bridge:${await s.bridge()}`;
    await s.send('POST', '/applications/ivr/subscription', { eventSource: source });
    return s.send('DELETE', '/applications/ivr/subscription', { eventSource: source }, omit);
  },

  'GET /endpoints': (s) => s.send('GET', '/endpoints'),
  'GET /endpoints/{tech}': (s) => s.send('GET', '/endpoints/PJSIP'),
  'GET /endpoints/{tech}/{resource}': (s) => s.send('GET', '/endpoints/PJSIP/1001'),

  'GET /asterisk/info': (s) => s.send('GET', '/asterisk/info'),
  'GET /asterisk/ping': (s) => s.send('GET', '/asterisk/ping'),

  'GET /sounds': (s) => s.send('GET', '/sounds'),
  'GET /sounds/{soundId}': (s) => s.send('GET', '/sounds/hello-world'),

  'GET /events': async (s, omit) => {
    const app = omit === 'app' ? '' : `app=${s.unique('probe-app')}&`;
    return { status: await upgrade(`${s.sim.url.replace('http', 'ws')}/ari/events?${app}api_key=ivr:ivr`) };
  },
};

describe('the simulated Asterisk against the ARI contract (api-docs, ARI 10)', () => {
  let sim: SimulatedAsterisk;
  let sounds: ReturnType<typeof makeSoundsDir>;
  let observer: EventStream;
  let ivr: EventStream;
  let harness: EventStream;
  let scene: Scene;

  beforeAll(async () => {
    sounds = makeSoundsDir({ 'en/hello-world.wav': 1400, 'en/long.wav': 30_000, 'en/digits/4.wav': 900, 'en/digits/2.wav': 900 });
    sim = await startSim({ speed: 20, soundsDir: sounds.dir, defaultAgent: { kind: 'answer', afterMs: 200 } });
    observer = await EventStream.open(sim, 'observer', '&subscribeAll=true');
    ivr = await EventStream.open(sim, 'ivr');
    harness = await EventStream.open(sim, 'harness');
    scene = new Scene(sim, ivr);
  });

  afterAll(async () => {
    await sim.close();
    sounds.remove();
  });

  it('has a scenario for every route of the contract, and the contract every route exercised', () => {
    const routes = contract.routes.map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(SCENARIOS).sort()).toEqual([...routes].sort());
  });

  it('[status-originate] [status-no-content] [playback-shape] [sounds] answers every route with its success status and a body with the fields api-docs requires', async () => {
    for (const route of contract.routes) {
      const result = await SCENARIOS[`${route.method} ${route.path}`]!(scene);
      expect(result.status, `${route.method} ${route.path} answered ${JSON.stringify(result.body)}`).toBe(route.status);
      if (route.returns) expect(modelProblems(result.body, route.returns), `${route.method} ${route.path}`).toEqual([]);
    }
  });

  it('refuses a route called without a parameter api-docs marks required', async () => {
    for (const route of contract.routes.filter((r) => r.required.length)) {
      for (const param of route.required) {
        const result = await SCENARIOS[`${route.method} ${route.path}`]!(scene, param);
        expect(result.status, `${route.method} ${route.path} without ${param}`).toBe(400);
      }
    }
  });

  it('[event-shapes] emits, during a scripted call, only events the contract describes, each with the fields api-docs requires', async () => {
    // A caller, an agent who answers, a bridge, keys across it, prompts, then agents who do not answer.
    const { one, two } = await scene.call();
    await rest(sim, 'POST', `/ari/channels/${two}/variable`, { variable: 'TIER', value: 'gold' });
    await rest(sim, 'POST', `/ari/channels/${two}/play`, { media: 'sound:hello-world,digits:42' });
    await rest(sim, 'POST', `/ari/channels/${one}/dtmf`, { dtmf: '1' });
    const agent = await scene.agent();
    const bridge = await scene.bridge();
    await rest(sim, 'POST', `/ari/bridges/${bridge}/addChannel`, { channel: `${two},${agent}` });
    await rest(sim, 'POST', `/ari/channels/${one}/dtmf`, { dtmf: '#' });
    await ivr.waitFor((e) => e.type === 'ChannelDtmfReceived' && e.digit === '#' && e.channel?.id === agent, 'the key on the agent channel');
    await rest(sim, 'POST', `/ari/bridges/${bridge}/play`, { media: 'sound:hello-world' });
    await ivr.waitFor((e) => e.type === 'PlaybackFinished' && (e.playback as { target_uri: string }).target_uri === `bridge:${bridge}`, 'the bridge prompt');
    await rest(sim, 'POST', `/ari/bridges/${bridge}/removeChannel`, { channel: agent });
    await rest(sim, 'DELETE', `/ari/bridges/${bridge}`);
    await rest(sim, 'DELETE', `/ari/channels/${one}`);
    sim.setAgent('2001', { kind: 'busy' });
    sim.setAgent('2002', { kind: 'no-answer' });
    const busy = (await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/2001', app: 'ivr' })).body.id as string;
    const silent = (await rest(sim, 'POST', '/ari/channels', { endpoint: 'PJSIP/2002', app: 'ivr', timeout: 1 })).body.id as string;
    await ivr.waitForType('ChannelDestroyed', busy);
    await ivr.waitForType('ChannelDestroyed', silent);
    await EventStream.open(sim, 'ivr').then(() => ivr.waitForType('ApplicationReplaced'));

    const all = [...observer.events, ...ivr.events, ...harness.events];
    const problems = all.flatMap(eventProblems);
    expect([...new Set(problems)]).toEqual([]);
    const seen = new Set(all.map((e) => e.type));
    // Every event of the contract shows up, but BridgeCreated: no app watches a bridge created over REST.
    expect(Object.keys(contract.events).filter((type) => !seen.has(type))).toEqual(['BridgeCreated']);
  });
});
