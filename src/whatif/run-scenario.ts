import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { Acd } from '../acd/acd.js';
import type { QueuedCall } from '../acd/call-queue.js';
import type { RecordedCallEvent } from '../call-records/call-event.js';
import { CallRecordLog } from '../call-records/call-record-log.js';
import type { Customer } from '../customers/customer.js';
import { decideRoute } from '../routing/decide-route.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import type { CallerContext, Need } from '../routing/types.js';
import { AgentTime } from './agent-time.js';
import { EventClock } from './event-clock.js';
import { settle } from './settle.js';
import type { SimAgent, SimCall } from './sim-call.js';
import { type VirtualLine, VirtualSwitch, whatIfDial } from './virtual-switch.js';

/** How long after the period the run goes on for the calls still in progress. */
const DRAIN_MS = 2 * 3600_000;
const INSTANCE = 'whatif';
const silent = pino({ level: 'silent' });

export interface ScenarioInput {
  /** A private Redis; the run writes under keyPrefix only. */
  redis: Redis;
  keyPrefix: string;
  snapshot: RoutingSnapshot;
  agents: readonly SimAgent[];
  calls: readonly SimCall[];
  from: number;
  to: number;
  agentRingMs: number;
  missedReturnMs: number;
  /** Told the share of the period run so far (0..1). */
  progress?: (fraction: number) => void;
}

export interface ScenarioOutcome {
  /** The call records the run wrote, in order. */
  events: RecordedCallEvent[];
  agentTime: AgentTime;
  /** Callers still waiting or talking when the run stopped (two hours after the period). */
  unfinished: number;
}

/**
 * One what-if scenario: the real ACD (its Lua scripts on the given Redis, the
 * connector, the timetable for overflows and wrap-ups) and the real route
 * decision, driven in virtual time by a discrete-event loop. Each caller is
 * routed with decideRoute against the scenario's snapshot when they leave the
 * menus, enqueued, and hangs up at their patience unless an agent answered;
 * agents log in and out at their shifts, answer after their ring time and
 * talk for the caller's handle time (virtual-switch.ts). Between two timers
 * the loop waits for the code to settle, so a run gives the same records
 * every time for the same input.
 */
export async function runScenario(input: ScenarioInput): Promise<ScenarioOutcome> {
  const { redis, keyPrefix, snapshot } = input;
  // A loop, not a spread: thousands of shifts would overflow the call's arguments.
  let firstShift = input.from;
  for (const agent of input.agents) for (const shift of agent.shifts) firstShift = Math.min(firstShift, shift.from);
  const clock = new EventClock(Math.min(firstShift, input.calls[0]?.at ?? input.from) - 1000);
  const skills = new Map(input.agents.map((a) => [a.id, Object.keys(a.skills)]));
  const agentTime = new AgentTime((id) => skills.get(id) ?? []);
  const talkMs = new Map(input.calls.map((c) => [c.id, c.talkMs]));
  const connected = new Set<string>();
  const recorder = new CallRecordLog({ redis, keyPrefix, clock });
  let acd: Acd | null = null;
  const sw = new VirtualSwitch(clock, {
    ringMs: () => input.agentRingMs,
    talkMs: (callId) => talkMs.get(callId) ?? 0,
    connected: (callId) => connected.add(callId),
    missed: (agentId) => {
      clock.setTimeout(() => {
        void acd?.agents.get(agentId).then((a) => (a.state === 'paused' ? acd?.agents.ready(agentId) : undefined)).catch(() => {});
      }, input.missedReturnMs);
    },
  });
  acd = new Acd({
    redis,
    keyPrefix,
    callControl: sw,
    queues: () => snapshot.queues,
    recorder,
    logger: silent,
    instanceId: INSTANCE,
    clock,
    // The sweep picks up timers of other instances that stopped; a run has one instance only.
    sweepIntervalMs: 3_600_000,
    allowedDialStrings: ['Local/[A-Za-z0-9_.-]+@whatif'],
  });
  const running = acd;
  running.onEvent((event) => {
    if (event.type === 'agent-state') agentTime.change(event.agent, event.state, clock.now());
  });
  await running.start();

  for (const agent of input.agents) {
    await running.agents.add({ id: agent.id, name: agent.id, dial: whatIfDial(agent.id), skills: agent.skills });
    for (const shift of agent.shifts) {
      clock.setTimeout(() => void running.agents.login(agent.id).catch(() => {}), shift.from - clock.now());
      // Agents whose shift goes on past the period keep serving the calls still waiting.
      if (shift.to < input.to) clock.setTimeout(() => void running.agents.logout(agent.id).catch(() => {}), shift.to - clock.now());
    }
  }

  let waitingForEnd = input.calls.length;
  for (const call of input.calls) {
    clock.setTimeout(() => {
      const line = sw.caller(call.id, '0', call.dialled);
      void line.ended.then(() => { waitingForEnd -= 1; });
      // A caller the routing cannot place (a replayed need whose queue is gone) hangs up.
      arrive(call, line).catch(() => line.end());
    }, call.at - clock.now());
  }

  async function arrive(call: SimCall, line: VirtualLine): Promise<void> {
    const decision = decideRoute({
      dialled: call.dialled,
      need: call.need as Need | null,
      tier: call.tier,
      customer: call.important ? importantCustomer : null,
      policy: snapshot,
      transfer: null,
    });
    const context: CallerContext = {
      callId: call.id, callerNumber: '0', dialled: call.dialled, customer: null, tier: call.tier,
      tierReason: 'what-if', passwordVerified: false, asked: [], menuPath: [], transfer: null,
    };
    const now = clock.now();
    void recorder.append(call.id, { type: 'arrived', dialled: call.dialled, from: '0', instance: INSTANCE }, now);
    void recorder.append(call.id, {
      type: 'route', queue: decision.queue, skill: decision.skill, priority: decision.priority,
      minAgentLevel: decision.minAgentLevel, rules: decision.rules, reason: decision.reason, tier: decision.tier,
    }, now);
    const result = await running.enqueue(line, decision, context);
    if (result.kind !== 'queued') {
      void recorder.append(call.id, { type: 'ended', outcome: 'queue-full', durationMs: 0 }, clock.now());
      line.end();
      return;
    }
    if (call.patienceMs !== null) {
      clock.setTimeout(() => {
        if (!connected.has(call.id)) line.end();
      }, call.patienceMs - (clock.now() - now));
    }
    // A replayed caller takes the callback when they did; a forecast's when the offer comes.
    const callbackAfter = call.callbackAfterMs ?? (call.takesCallbackOffer ? snapshot.tiers[call.tier].callbackOfferThresholdSec * 1000 : null);
    if (callbackAfter !== null) {
      clock.setTimeout(() => void takeCallback(call, line, result, now).catch(() => {}), callbackAfter - (clock.now() - now));
    }
  }

  async function takeCallback(call: SimCall, line: { gone: boolean; end(): void }, queued: QueuedCall, enqueuedAt: number): Promise<void> {
    if (connected.has(call.id) || line.gone) return;
    if (!(await queued.leave('callback'))) return;
    const at = clock.now();
    await recorder.append(call.id, { type: 'callback-requested', queue: queued.queue, callbackId: `cb-${call.id}`, tier: call.tier }, at);
    await recorder.append(call.id, { type: 'ended', outcome: 'callback', durationMs: at - enqueuedAt }, at);
    line.end();
  }

  const deadline = input.to + DRAIN_MS;
  const span = Math.max(1, input.to - input.from);
  let reported = -1;
  for (;;) {
    await settle(redis);
    const next = clock.nextAt();
    if (next === null || next > deadline) break;
    if (waitingForEnd === 0 && next >= input.to) break;
    clock.fireNext();
    const fraction = Math.min(1, Math.max(0, (clock.now() - input.from) / span));
    if (input.progress && Math.floor(fraction * 100) !== reported) {
      reported = Math.floor(fraction * 100);
      input.progress(fraction);
    }
  }
  clock.moveTo(input.to);
  agentTime.close(clock.now());
  await settle(redis);
  await running.stop();
  const events = await recorder.range(0, Number.MAX_SAFE_INTEGER, 5000);
  return { events, agentTime, unfinished: waitingForEnd };
}

/** Stands for a customer important beyond their tier (rule 4): VIP. */
const importantCustomer: Customer = {
  phone: '0', accountId: 'whatif', name: 'what-if', monthlySpend: 0, enterpriseClass: null, vip: true,
  downgradeTo: null, balance: 0, points: 0, bills: [], orders: [], passwordHash: null,
};
