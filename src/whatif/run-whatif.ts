import { performance } from 'node:perf_hooks';
import type { RecordedCallEvent } from '../call-records/call-event.js';
import { ValidationError } from '../errors.js';
import { startPrivateRedis } from '../infra/private-redis.js';
import { createRedis } from '../infra/redis-connection.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import { applyChanges, shiftsAt, type Staffed } from './apply-changes.js';
import { compareScenarios, type Comparison } from './compare.js';
import { forecastCalls, forecastEnd } from './forecast-calls.js';
import { replayCalls } from './replay-calls.js';
import { runScenario } from './run-scenario.js';
import { SeededRandom } from './seeded-random.js';
import type { SimAgent, SimCall } from './sim-call.js';
import { scenarioFigures, type ScenarioFigures } from './whatif-figures.js';
import type { WhatIfRequest } from './whatif-request.js';

/** An agent's ring time when neither the request nor the records tell it. */
const DEFAULT_RING_MS = 3000;
/** Records read past a replayed period, for the calls still in progress at its end. */
const REPLAY_TAIL_MS = 2 * 3600_000;

/** What a run needs from the service it runs for. */
export interface WhatIfSources {
  /** The routing in force now: the baseline. */
  snapshot: RoutingSnapshot;
  /** The agents defined now, with whether they are logged in. */
  agents(): Promise<readonly { id: string; skills: Record<string, number>; state: string }[]>;
  /** Call records between two times (for a replay). */
  callRecords(from: number, to: number): Promise<RecordedCallEvent[]>;
  now(): number;
  /** The statistics' short-abandon threshold. */
  shortAbandonSec: number;
}

export interface WhatIfResult {
  from: number;
  to: number;
  source: 'replay' | 'forecast';
  calls: number;
  agents: { baseline: number; change: number };
  /** Replay only: callers whose patience or talk time was not observed and was drawn. */
  drawn: { patience: number; talk: number } | null;
  /** Calls still in progress two hours after the period, per scenario (normally 0). */
  unfinished: { baseline: number; change: number };
  baseline: ScenarioFigures;
  change: ScenarioFigures;
  comparison: Comparison;
  /** Wall time of the two scenarios. */
  runSeconds: number;
}

/** The period, the baseline's staffing and the change applied: everything a run checks before it starts. */
export interface WhatIfPlan {
  from: number;
  to: number;
  baseline: Staffed;
  changed: Staffed;
}

/**
 * Checks a request against the routing and staffing in force and applies
 * its change: throws a 400 naming the field for anything a run would trip
 * on (a forecast need without a queue, a patch the API would refuse, an
 * agent change naming nobody, no staffing).
 */
export async function planWhatIf(request: WhatIfRequest, sources: WhatIfSources): Promise<WhatIfPlan> {
  const { from, to } = periodOf(request, sources.now());
  checkNeeds(sources.snapshot, request);
  const baseline: Staffed = { snapshot: sources.snapshot, agents: await staffingOf(request, sources, from, to) };
  return { from, to, baseline, changed: applyChanges(baseline, request.changes, from, to) };
}

/** Runs the baseline and the change over the same callers, each on its own key prefix of one private Redis. */
export async function runWhatIf(request: WhatIfRequest, sources: WhatIfSources, progress?: (fraction: number) => void): Promise<WhatIfResult> {
  const random = new SeededRandom(request.seed);
  const { from, to, baseline, changed } = await planWhatIf(request, sources);
  const { calls, drawn, ringMs } = await callersOf(request, sources, from, to, random);

  const started = performance.now();
  const server = await startPrivateRedis();
  // The run's own redis-server, never the deployment's (so no Sentinel): a command waits for it rather than failing the run.
  const redis = createRedis({ url: server.url }, 'tool', { maxRetriesPerRequest: null });
  try {
    const common = { redis, calls, from, to, agentRingMs: request.agentRingSec !== undefined ? request.agentRingSec * 1000 : (ringMs ?? DEFAULT_RING_MS), missedReturnMs: request.missedReturnSec * 1000 };
    const base = await runScenario({ ...common, ...baseline, keyPrefix: 'whatif:baseline', progress: (f) => progress?.(f / 2) });
    const change = await runScenario({ ...common, ...changed, keyPrefix: 'whatif:change', progress: (f) => progress?.(0.5 + f / 2) });
    const figures = (run: typeof base, staffed: Staffed): ScenarioFigures =>
      scenarioFigures({ events: run.events, agentTime: run.agentTime, snapshot: staffed.snapshot, from, to, shortAbandonSec: sources.shortAbandonSec });
    const baselineFigures = figures(base, baseline);
    const changeFigures = figures(change, changed);
    return {
      from,
      to,
      source: request.source.kind,
      calls: calls.length,
      agents: { baseline: baseline.agents.length, change: changed.agents.length },
      drawn,
      unfinished: { baseline: base.unfinished, change: change.unfinished },
      baseline: baselineFigures,
      change: changeFigures,
      comparison: compareScenarios(baselineFigures, changeFigures),
      runSeconds: Math.round((performance.now() - started) / 10) / 100,
    };
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

function periodOf(request: WhatIfRequest, now: number): { from: number; to: number } {
  const source = request.source;
  if (source.kind === 'forecast') return { from: Date.parse(source.start), to: forecastEnd(source) };
  if (source.lastMinutes !== undefined) return { from: now - source.lastMinutes * 60_000, to: now };
  return { from: Date.parse(source.from!), to: Date.parse(source.to!) };
}

async function callersOf(request: WhatIfRequest, sources: WhatIfSources, from: number, to: number, random: SeededRandom): Promise<{ calls: SimCall[]; drawn: WhatIfResult['drawn']; ringMs: number | null }> {
  if (request.source.kind === 'forecast') return { calls: forecastCalls(request.source, random), drawn: null, ringMs: null };
  const events = await sources.callRecords(from - REPLAY_TAIL_MS, to + REPLAY_TAIL_MS);
  const replay = replayCalls(events, from, to, random);
  if (replay.calls.length === 0) throw new ValidationError('source: no call reached a queue in the period', { field: 'source' });
  return { calls: replay.calls, drawn: { patience: replay.patienceDrawn, talk: replay.talkDrawn }, ringMs: replay.ringMs };
}

async function staffingOf(request: WhatIfRequest, sources: WhatIfSources, from: number, to: number): Promise<SimAgent[]> {
  if (request.staffing.kind === 'listed') {
    return request.staffing.agents.map((a) => ({ id: a.id, skills: { ...a.skills }, shifts: shiftsAt(from, a.shifts, to) }));
  }
  const logged = (await sources.agents()).filter((a) => a.state !== 'offline');
  if (logged.length === 0) {
    throw new ValidationError('staffing: nobody is logged in now; list the agents of the period (staffing.kind "listed")', { field: 'staffing' });
  }
  return logged.map((a) => ({ id: a.id, skills: { ...a.skills }, shifts: [{ from, to }] }));
}

/** Every need of a forecast must be a queue of the routing (a replay's come from the records). */
function checkNeeds(snapshot: RoutingSnapshot, request: WhatIfRequest): void {
  if (request.source.kind !== 'forecast') return;
  request.source.arrivals.forEach((row, i) => {
    if (row.need !== null && !Object.hasOwn(snapshot.queues, row.need)) {
      throw new ValidationError(`source.arrivals.${i}.need: no queue ${row.need}`, { field: `source.arrivals.${i}.need` });
    }
  });
}
