import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Acd, type AcdOptions } from '../../../src/acd/acd.js';
import type { AcdQueueSettings } from '../../../src/acd/acd-context.js';
import type { AgentDefinition } from '../../../src/acd/agent.js';
import type { Clock } from '../../../src/time/clock.js';
import { CallRecordLog } from '../../../src/call-records/call-record-log.js';
import type { RecordedCallEvent } from '../../../src/call-records/call-event.js';
import type { CallerContext, RouteDecision } from '../../../src/routing/types.js';
import { FakeCallControl } from './fake-call-control.js';

export const silentLogger = pino({ level: process.env.ACD_TEST_LOG ?? 'silent' });

export function queueSettings(id: string, overrides: Partial<AcdQueueSettings> = {}): AcdQueueSettings {
  return { id, agingPerMinute: 0, wrapUpSec: 0, ringTimeoutSec: 15, maxWaiting: 1000, ...overrides };
}

export function decision(overrides: Partial<RouteDecision> = {}): RouteDecision {
  const queue = overrides.queue ?? 'billing';
  return {
    queue,
    skill: overrides.skill ?? queue,
    priority: 20,
    minAgentLevel: 1,
    preferHighestLevel: false,
    overflow: null,
    tier: 'standard',
    agingPerMinute: 0,
    policyVersion: 1,
    rules: [1],
    reason: `need ${queue}`,
    ...overrides,
  };
}

export function context(callId: string, overrides: Partial<CallerContext> = {}): CallerContext {
  return {
    callId,
    callerNumber: '13800000004',
    dialled: '10000',
    customer: { accountId: 'AC10000004', name: 'Test Customer', phone: '13800000004' },
    tier: 'standard',
    tierReason: 'spend 88',
    passwordVerified: true,
    asked: [],
    menuPath: ['1'],
    transfer: null,
    ...overrides,
  };
}

export function agentDef(id: string, skills: Record<string, number>): AgentDefinition {
  return { id, name: `Agent ${id}`, dial: `Local/${id}@agents`, skills };
}

export interface AcdFixtureOptions {
  redisUrl: string;
  prefix: string;
  clock: Clock;
  instanceId?: string;
  queues?: Record<string, AcdQueueSettings>;
  agentChoice?: AcdOptions['agentChoice'];
  callControl?: FakeCallControl;
  busyPauseSec?: number;
  sweepIntervalMs?: number;
  allowedDialStrings?: readonly string[];
  conversationRecorder?: AcdOptions['conversationRecorder'];
}

export interface AcdFixture {
  acd: Acd;
  redis: Redis;
  switch: FakeCallControl;
  recorder: CallRecordLog;
  queues: Record<string, AcdQueueSettings>;
  close(): Promise<void>;
}

/** An Acd on the shared test Redis with its own key prefix and a fake switch; started. */
export async function startAcd(options: AcdFixtureOptions): Promise<AcdFixture> {
  const redis = new Redis(options.redisUrl, { lazyConnect: false });
  const fake = options.callControl ?? new FakeCallControl();
  const queues = options.queues ?? { billing: queueSettings('billing'), general: queueSettings('general') };
  const recorder = new CallRecordLog({ redis, keyPrefix: options.prefix, clock: options.clock });
  const acd = new Acd({
    redis,
    keyPrefix: options.prefix,
    callControl: fake,
    queues: () => queues,
    recorder,
    clock: options.clock,
    logger: silentLogger,
    instanceId: options.instanceId ?? 'test-1',
    agentChoice: options.agentChoice,
    busyPauseSec: options.busyPauseSec,
    sweepIntervalMs: options.sweepIntervalMs ?? 3_600_000,
    ...(options.allowedDialStrings ? { allowedDialStrings: options.allowedDialStrings } : {}),
    ...(options.conversationRecorder ? { conversationRecorder: options.conversationRecorder } : {}),
  });
  await acd.start();
  return {
    acd,
    redis,
    switch: fake,
    recorder,
    queues,
    async close() {
      await acd.stop();
      redis.disconnect();
    },
  };
}

export function uniquePrefix(name: string): string {
  return `test:acd:${name}:${randomUUID().slice(0, 8)}`;
}

/**
 * Waits until `check` holds, letting Redis round trips and timers run. Only
 * the failure is bounded in time; nothing is asserted about speed.
 */
export async function until<T>(check: () => T | Promise<T>, what: string, limitMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The call-record events of a call, by type, in order. */
export async function eventTypes(recorder: CallRecordLog, callId: string): Promise<string[]> {
  return (await recorder.forCall(callId)).map((e: RecordedCallEvent) => e.type);
}

/** Log in agents and make them available one after the other, one clock step apart (longest idle = first). */
export async function staff(acd: Acd, clock: { advance(ms: number): Promise<void> } | null, defs: AgentDefinition[]): Promise<void> {
  for (const def of defs) {
    await acd.agents.add(def);
    await acd.agents.login(def.id);
    if (clock) await clock.advance(1);
  }
}
