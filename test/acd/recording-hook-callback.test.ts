import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConversationRecorder, ConversationSegment } from '../../src/acd/conversation-recorder.js';
import type { BridgeRecording } from '../../src/call-control/call-control.js';
import type { CallbackRequest } from '../../src/callbacks/callback.js';
import { parseWavHeader } from '../../src/media/wav-duration.js';
import { startSimulatedAsterisk, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { startCallbackWorld, type CallbackWorld } from '../callbacks/support/callback-world.js';
import { routeFor } from '../callbacks/support/sessions.js';
import { until } from './support/acd-fixture.js';

/**
 * A callback's conversation is handed to the conversation recorder too (kind
 * 'callback'), over the real ACD, callbacks and ARI call control against the
 * simulated Asterisk; the recorder here records the bridge it is given.
 */
const redisUrl = inject('redisUrl');
const app = `cbrec-${randomUUID().slice(0, 6)}`;
const SPEED = 20;
let sim: SimulatedAsterisk;
let world: CallbackWorld;

class RecordingRecorder implements ConversationRecorder {
  readonly told: { segment: ConversationSegment; recording: Promise<BridgeRecording> }[] = [];
  bridged(segment: ConversationSegment, bridge: Parameters<ConversationRecorder['bridged']>[1]): void {
    const recording = bridge.record(`rec-${segment.callId}-${segment.segment}`);
    recording.catch(() => {});
    this.told.push({ segment, recording });
  }
}
const recorder = new RecordingRecorder();

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ port: 0, speed: SPEED, soundsDir: null, dialplanApp: app });
  world = await startCallbackWorld({
    redisUrl, prefix: `test:cb:rec:${randomUUID().slice(0, 8)}`, simUrl: sim.url, app,
    callbacks: { retry: { attempts: 1, delaysSec: [10] }, outbound: { quietHours: null } },
    conversationRecorder: recorder,
  });
});

afterAll(async () => {
  await world?.stop();
  await sim?.close();
});

describe('a callback conversation', () => {
  it('is told to the recorder as kind callback, with the asking call, the agent, the queue and the number called, and its bridge records it', async () => {
    const number = '13900000901';
    // The customer talks 4 s (simulated), then hangs up.
    sim.setAgent(number, { kind: 'answer', afterMs: 300, hangupAfterMs: 4000 });
    const d = routeFor(world.policy, 'orders', 'gold');
    const request: CallbackRequest = {
      callId: 'call-rec-1', queue: d.queue, skill: d.skill, minAgentLevel: d.minAgentLevel, priority: d.priority,
      preferHighestLevel: d.preferHighestLevel, overflow: d.overflow, tier: 'gold', number, context: null,
      reason: d.reason, lang: 'zh', enqueuedAt: Date.now(),
    };
    await world.callbacks.request(request);
    sim.setAgent('7901', { kind: 'answer', afterMs: 200 });
    await world.acd.agents.add({ id: '7901', name: 'Agent 7901', dial: 'PJSIP/7901', skills: { orders: 3 } });
    await world.acd.agents.login('7901');

    const told = await until(() => recorder.told[0], 'the recorder told', 20_000);
    expect(told.segment).toEqual({
      callId: 'call-rec-1', agent: '7901', queue: d.queue, tier: 'gold', segment: 1, kind: 'callback', switchId: 'main', callerNumber: number,
    });
    const recording = await told.recording;
    const end = await recording.finished;
    expect(end.kind).toBe('finished');
    const bytes = await world.control.storedRecording(recording.name);
    expect(bytes).not.toBeNull();
    // The customer was on the line 4 s, of which the callback greeting (1 s) came before the bridge; at 20 times
    // life speed a timer a few real ms late is a tenth of a second here, so the bounds are wide.
    const ms = parseWavHeader(bytes!).durationMs;
    expect(ms).toBeGreaterThan(1000);
    expect(ms).toBeLessThan(6000);
    expect(recorder.told).toHaveLength(1);
  });
});
