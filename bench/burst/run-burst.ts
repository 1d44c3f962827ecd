import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { request } from 'undici';
import { loadConfig } from '../../src/service/config-schema.js';
import type { RecordedRequest } from '../../src/sim/simulated-asterisk.js';
import { percentile } from './percentile.js';
import { analyseBurst, type AcdRecord, type BurstFindings } from './burst-analysis.js';
import { BurstCallers, type CallerPlan } from './burst-callers.js';
import { LogTally } from './log-tally.js';
import { RequestTail } from './request-tail.js';
import { startBurstService } from './start-burst-service.js';
import type { OriginateRecord, SwitchEvent } from './switch-trace.js';

/** How the simulated switch behaves like a loaded real one (its start options; GET /sim/conditions). */
export interface SwitchConditions {
  /** Every ARI request waits this long before it runs. */
  latencyMs?: number;
  maxConcurrentRequests?: number;
  /** Idle keep-alive HTTP connections are closed after this (Asterisk's session_keep_alive). */
  sessionKeepAliveMs?: number;
}

export interface BurstScenario {
  callers: number;
  arrivalsPerSecond: number;
  /** Agents logged in and ready (ids from config/agents.yaml). */
  agents: readonly string[];
  /** Simulated agents answer after this long and hang up after talking this long (simulated time). */
  answerAfterMs: number;
  talkMs: number;
  /** Wrap-up of every queue; null keeps config/queues.yaml's. */
  wrapUpSec: number | null;
  /** Hold announcement interval of every tier; null keeps config/tiers.yaml's. */
  holdAnnouncementIntervalSec: number | null;
  conditions: SwitchConditions;
  /** The need keys non-diamond callers press in turn (1 billing, 2 broadband, 3 orders, 4 complaints); default all four. */
  needKeys?: readonly string[];
  /** Caller timeouts and hold intervals relative to the service's (the switch's speed compresses the rest). */
  timeScale: number;
  /** A caller still waiting after this long hangs up. */
  maxStayMs: number;
}

export interface BurstEnvironment {
  simUrl: string;
  redisUrl: string;
  user: string;
  password: string;
  /** The Stasis app the switch's dialplan sends 10000 to. */
  app: string;
  /** Keep the service's log in this file (null: only tally it). */
  serviceLogFile: string | null;
  serviceLogLevel: string;
  progress?: (line: string) => void;
  /** Keep what the switch received and sent in the report (to find the defect behind a count). */
  keepRaw?: boolean;
}

export interface RequestFigures {
  total: number;
  /** Requests by kind (`POST /channels/{id}/play`), the service's only. */
  byKind: Record<string, number>;
  /** A request that does its work once (originate, answer, bridge, addChannel, hang-up, stop) received again: a retry or a duplicate. */
  repeated: number;
  /** False when the request log turned over between two reads (some requests not counted). */
  complete: boolean;
  /** Arrived on a connection the switch was closing: never executed (the client sees a socket error). */
  droppedByKeepAlive: number;
  /** Answered with an error status, by status. */
  errorStatuses: Record<string, number>;
  /** Received but never answered by the end of the run (still held, e.g. behind a prompt). */
  unanswered: number;
  /** ms from arrival to answer at the switch: median, 99th percentile, slowest; and how many took over 1 s. */
  answerMs: { p50: number | null; p99: number | null; max: number | null; overOneSecond: number };
}

export interface BurstReport {
  scenario: BurstScenario;
  findings: BurstFindings;
  requests: RequestFigures;
  log: { timeouts: number; retries: number; socketErrors: number; warnings: number; errors: number; firstErrors: string[] };
  /** Whether the switch reported the scenario's conditions in force (an older simulator does not know them). */
  conditionsApplied: boolean;
  harnessErrors: string[];
  durationMs: number;
  /** This process (the service, the callers and the observer): CPU used over the run and how late its event loop ran. */
  process: { cpuPercent: number; loopDelayP99Ms: number; loopDelayMaxMs: number; machineLoad: number };
  raw?: { requests: RecordedRequest[]; trace: SwitchEvent[]; acd: AcdRecord[] };
}

/**
 * The caller mix: numbers of the sample customers (every tier, including an
 * enterprise of class A, which is diamond) and numbers nobody has (standard),
 * in a fixed order. Diamond callers hold on through their menu (straight to
 * the senior team); the others press the need keys in turn (1 to 4 unless
 * the scenario says otherwise).
 */
const MIX: ReadonlyArray<{ profile: string; from: string | null }> = [
  { profile: 'diamond', from: '13800000001' },
  { profile: 'gold', from: '13800000002' },
  { profile: 'silver', from: '13800000003' },
  { profile: 'standard', from: '13800000004' },
  { profile: 'unknown', from: null },
  { profile: 'gold', from: '13800000007' },
  { profile: 'standard', from: '13800000005' },
  { profile: 'unknown', from: null },
  { profile: 'diamond', from: '13800000006' },
  { profile: 'unknown', from: null },
];
const NEED_KEYS = ['1', '2', '3', '4'];

export function burstCallers(count: number, needKeys: readonly string[] = NEED_KEYS): CallerPlan[] {
  return Array.from({ length: count }, (_, index) => {
    const mix = MIX[index % MIX.length]!;
    return {
      index,
      profile: mix.profile,
      from: mix.from ?? `1390000${String(index).padStart(4, '0')}`,
      key: mix.profile === 'diamond' ? null : needKeys[index % needKeys.length]!,
    };
  });
}

/**
 * Runs one burst against a running simulated switch and Redis: starts the
 * service, readies the agents, lets the callers arrive at the given rate,
 * waits until every call has ended (or the callers gave up), and analyses
 * what the switch saw.
 */
export async function runBurst(env: BurstEnvironment, scenario: BurstScenario): Promise<BurstReport> {
  const say = env.progress ?? (() => {});
  const authorization = `Basic ${Buffer.from(`${env.user}:${env.password}`).toString('base64')}`;
  const control = async (method: 'PUT' | 'GET', path: string, body?: unknown) => {
    const res = await request(`${env.simUrl}/sim${path}`, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  };

  // The conditions are the switch's start options (like http.conf): check they are in force.
  const inForce = await control('GET', '/conditions');
  const conditionsApplied = inForce.status === 200 && conditionsMatch(JSON.parse(inForce.text) as SwitchConditions, scenario.conditions);
  for (const agent of scenario.agents) {
    const set = await control('PUT', `/agents/${agent}`, { kind: 'answer', afterMs: scenario.answerAfterMs, hangupAfterMs: scenario.talkMs });
    if (set.status >= 300) throw new Error(`could not script agent ${agent}: ${set.status} ${set.text}`);
  }

  const runId = `burst${randomUUID().slice(0, 6)}`;
  const tally = new LogTally(env.serviceLogFile);
  const { service, stop } = await startBurstService({
    redisUrl: env.redisUrl,
    prefix: `${runId}:`,
    simUrl: env.simUrl,
    user: env.user,
    password: env.password,
    app: env.app,
    overrides: settingsOverrides(scenario),
    timeScale: scenario.timeScale,
    agents: scenario.agents,
    logLevel: env.serviceLogLevel,
    logStream: tally,
  });
  const acd: AcdRecord[] = [];
  const offAcd = service.acd.onEvent((event) => acd.push({ at: Date.now(), event }));

  const callers = new BurstCallers({
    simUrl: env.simUrl, user: env.user, password: env.password,
    app: `${env.app}-burst-callers`, runId, number: '10000', maxStayMs: scenario.maxStayMs,
  });
  const tail = new RequestTail(env.simUrl, authorization);
  let requests: RecordedRequest[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  try {
    await callers.connect();
    // The log only covers this run: earlier requests (start-up) are not the burst's.
    await request(`${env.simUrl}/sim/requests`, { method: 'DELETE', headers: { authorization } }).then((r) => r.body.dump());
    tail.start(500);

    const plans = burstCallers(scenario.callers, scenario.needKeys);
    const gapMs = 1000 / scenario.arrivalsPerSecond;
    const placing: Promise<void>[] = [];
    for (const plan of plans) {
      const due = started + plan.index * gapMs;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      placing.push(callers.place(plan));
    }
    await Promise.all(placing);
    say(`${plans.length} callers placed in ${Date.now() - started} ms; waiting for every call to end`);

    const allEnded = await callers.allEnded(scenario.maxStayMs + 30_000);
    if (!allEnded) say('some calls were still up at the end: hanging them up');
    await callers.hangUpAll();
    // Let the last hang-ups, wrap-ups and stray legs reach the switch before reading it.
    await settle(() => service.sessions.size === 0, 5000);
    await new Promise((r) => setTimeout(r, 300));
    requests = await tail.stop();
  } finally {
    loop.disable();
    tail.halt();
    offAcd();
    await callers.close();
    await stop();
    tally.flush();
  }

  const findings = analyseBurst({ callers: callers.records(), trace: callers.trace, originates: originatesOf(requests), acd });
  return {
    scenario,
    findings,
    requests: requestFigures(requests, runId, tail.complete),
    log: { timeouts: tally.timeouts, retries: tally.retries, socketErrors: tally.socketErrors, warnings: tally.warnings, errors: tally.errors, firstErrors: tally.firstErrors },
    conditionsApplied,
    harnessErrors: callers.errors,
    durationMs: Date.now() - started,
    process: processFigures(cpuBefore, Date.now() - started, loop),
    ...(env.keepRaw ? { raw: { requests, trace: callers.trace, acd } } : {}),
  };
}

function processFigures(cpuBefore: NodeJS.CpuUsage, wallMs: number, loop: ReturnType<typeof monitorEventLoopDelay>): BurstReport['process'] {
  const cpu = process.cpuUsage(cpuBefore);
  return {
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, wallMs)) * 100),
    loopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
    loopDelayMaxMs: Math.round(loop.max / 1e6),
    // Other work on the machine delays the service as much as its own does.
    machineLoad: Math.round(loadavg()[0]! * 10) / 10,
  };
}

function conditionsMatch(actual: SwitchConditions, wanted: SwitchConditions): boolean {
  return (Object.keys(wanted) as (keyof SwitchConditions)[]).every((key) => actual[key] === wanted[key]);
}

function settingsOverrides(scenario: BurstScenario): Record<string, unknown> {
  const base = loadConfig({ env: {} });
  const overrides: Record<string, Record<string, unknown>> = {};
  if (scenario.wrapUpSec !== null) {
    overrides.queues = Object.fromEntries(Object.keys(base.queues).map((id) => [id, { wrapUpSec: scenario.wrapUpSec }]));
  }
  if (scenario.holdAnnouncementIntervalSec !== null) {
    overrides.routing = {
      tiers: Object.fromEntries(Object.keys(base.routing.tiers).map((id) => [id, { holdAnnouncementIntervalSec: scenario.holdAnnouncementIntervalSec }])),
    };
  }
  return overrides;
}

async function settle(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** Originates as the switch received them: `POST /ari/channels` or `POST /ari/channels/{id}`. */
export function originatesOf(requests: readonly RecordedRequest[]): OriginateRecord[] {
  const out: OriginateRecord[] = [];
  for (const r of requests) {
    if (r.method !== 'POST') continue;
    const match = /^\/ari\/channels(?:\/([^/]+))?$/.exec(r.path);
    if (!match) continue;
    const channelId = match[1] ? decodeURIComponent(match[1]) : r.query.channelId;
    const endpoint = r.query.endpoint;
    if (!channelId || !endpoint) continue;
    const variables = (r.body as { variables?: Record<string, unknown> } | null)?.variables;
    const callId = typeof variables?.HOTLINE_CALL_ID === 'string' ? variables.HOTLINE_CALL_ID : null;
    out.push({ at: r.at, channelId, endpoint, callId });
  }
  return out;
}

/** The callers' own requests (on their `;1` halves, or placing them). */
function isOurs(r: RecordedRequest, runId: string): boolean {
  return (r.path.includes(`${runId}-c`) && r.path.includes('-caller')) || (r.query.app ?? '').endsWith('-burst-callers');
}

/**
 * Requests that do their work once: the same one again means the client sent
 * it twice (a retry, or a duplicate). Music on hold, playbacks and variables
 * are left out: starting and stopping them again is normal.
 */
const ONCE_ONLY = [
  /^POST \/ari\/channels\/[^/]+$/, // originate with our id
  /^POST \/ari\/channels\/[^/]+\/answer$/,
  /^DELETE \/ari\/channels\/[^/]+$/,
  /^POST \/ari\/bridges\/[^/]+$/,
  /^POST \/ari\/bridges\/[^/]+\/addChannel$/,
  /^DELETE \/ari\/bridges\/[^/]+$/,
  /^DELETE \/ari\/playbacks\/[^/]+$/,
];

/** The service's requests by kind (ids replaced by `{id}`), leaving out the callers' own. */
function requestFigures(requests: readonly RecordedRequest[], runId: string, complete: boolean): RequestFigures {
  const byKind: Record<string, number> = {};
  const seen = new Set<string>();
  let repeated = 0;
  let total = 0;
  for (const r of requests) {
    if (isOurs(r, runId)) continue;
    total += 1;
    const kind = `${r.method} ${r.path.replace(/^\/ari/, '').split('/').map((part, i) => (i >= 2 && i % 2 === 0 ? '{id}' : part)).join('/')}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (!ONCE_ONLY.some((pattern) => pattern.test(`${r.method} ${r.path}`))) continue;
    const key = `${r.method} ${r.path} ${JSON.stringify(r.query)}`;
    if (seen.has(key)) repeated += 1;
    else seen.add(key);
  }
  return { total, byKind, repeated, complete, ...outcomes(requests.filter((r) => !isOurs(r, runId))) };
}

function outcomes(requests: readonly RecordedRequest[]): Omit<RequestFigures, 'total' | 'byKind' | 'repeated' | 'complete'> {
  const errorStatuses: Record<string, number> = {};
  const times: number[] = [];
  let droppedByKeepAlive = 0;
  let unanswered = 0;
  for (const r of requests) {
    if (r.dropped) {
      droppedByKeepAlive += 1;
      continue;
    }
    // A simulator that does not say what became of requests leaves these figures empty.
    if (r.answeredAt === undefined) continue;
    if (r.answeredAt === null) {
      unanswered += 1;
      continue;
    }
    times.push(r.answeredAt - r.at);
    if (r.status !== null && r.status !== undefined && r.status >= 400) errorStatuses[r.status] = (errorStatuses[r.status] ?? 0) + 1;
  }
  return {
    droppedByKeepAlive,
    errorStatuses,
    unanswered,
    answerMs: {
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      max: times.length ? Math.max(...times) : null,
      overOneSecond: times.filter((t) => t > 1000).length,
    },
  };
}
