import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/sim/request-log.js';
import { ensureAudioTools } from '../../src/prompts/audio-tools.js';
import { generatePrompts } from '../../src/prompts/generate-audio.js';
import { createPromptManifest, loadPromptManifest } from '../../src/prompts/prompt-manifest.js';
import { heardIds, startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * The diamond path through the simulator with the real prompt audio: the
 * senior agent is rung while the greeting plays. Simulated time runs at half
 * speed (prompts last twice as long in wall time) so that what happens during
 * the greeting does not depend on how fast this machine is.
 */
const SPEED = 0.5;
/** The prompts this call can hear, generated in Mandarin (the callers' language). */
const HEARD_PREFIXES = ['greet/', 'menu/', 'ss/', 'common/', 'route/', 'queue/', 'hold/', 'num/', 'word/', 'unit/'];

let soundsDir: string;
let hotline: HotlineFixture;

beforeAll(async () => {
  ensureAudioTools();
  soundsDir = mkdtempSync(join(tmpdir(), 'hotline-diamond-sounds-'));
  const full = loadPromptManifest('config/prompts.yaml');
  const subset = Object.fromEntries(full.ids().filter((id) => HEARD_PREFIXES.some((p) => id.startsWith(p))).map((id) => [id, { zh: full.text(id, 'zh'), en: full.text(id, 'en') }]));
  await generatePrompts({ manifest: createPromptManifest(subset), outDir: soundsDir, languages: ['zh'] });
  hotline = await startHotline({ sim: { speed: SPEED, soundsDir }, timeScale: 1 / SPEED, readyAgents: ['1001', '1002'] });
  // Only the two senior agents are logged in; each test says how its agent answers.
}, 120_000);

afterAll(async () => {
  await hotline?.stop();
  if (soundsDir) rmSync(soundsDir, { recursive: true, force: true });
});

/** When the switch received a request, in simulated ms. */
const simMs = (request: RecordedRequest) => request.at * SPEED;

function requestsFor(callId: string) {
  const all = hotline.sim.requests();
  const answer = all.find((r) => r.method === 'POST' && r.path === `/ari/channels/${callId}/answer`);
  const ring = (agent: string) => all.find((r) => r.method === 'POST' && /^\/ari\/channels(\/[^/]+)?$/.test(r.path) && r.query.endpoint === `Local/${agent}@agents`);
  return { all, answer, ring };
}

describe('the diamond path: the senior agent rings while the greeting plays', () => {
  it('with agents free the agent is rung within the diamond budget of the answer, and the greeting is cut when the agent answers', async () => {
    hotline.sim.setAgent('1001', { kind: 'answer', afterMs: 500, hangupAfterMs: 2000 });
    hotline.sim.setAgent('1002', { kind: 'no-answer' });
    const r = await hotline.call('10000', '13800000001', [], { maxQueueWaitMs: 20_000 });
    expect(r.outcome).toMatchObject({ kind: 'agent', queue: 'senior', tier: 'diamond' });
    const agent = (r.outcome as { agent: string }).agent;
    expect(agent).toBe('1001');

    const { all, answer, ring } = requestsFor(r.callId!);
    const rung = ring(agent);
    expect(answer && rung).toBeTruthy();
    const secondsToRing = (simMs(rung!) - simMs(answer!)) / 1000;
    expect(secondsToRing).toBeLessThanOrEqual(hotline.config.callerTime.budgetsSec.diamond);

    // The greeting was playing when the agent answered: stopped before the caller joined the bridge.
    const ids = heardIds(r);
    expect(ids[0]).toBe('greet/diamond');
    expect(ids).not.toContain('route/connecting-to');
    const join = all.findIndex((q) => q.path.endsWith('/addChannel') && q.query.channel === r.callId);
    const stop = all.findIndex((q) => q.method === 'DELETE' && q.path.startsWith('/ari/playbacks/'));
    expect(join).toBeGreaterThan(-1);
    expect(stop).toBeGreaterThan(-1);
    expect(stop).toBeLessThan(join);
    expect(ids).not.toContain('menu/diamond');
  });

  it('pressing 1 while the agent rings leaves the queue for self-service: the agent\'s ring ends, unblamed', async () => {
    hotline.sim.setAgent('1001', { kind: 'answer', afterMs: 60_000 });
    hotline.sim.setAgent('1002', { kind: 'answer', afterMs: 60_000 });
    const call = hotline.call('10000', '13800000001', [], {
      maxQueueWaitMs: 30_000,
      hangupWhen: ({ heard }) => heard.some((h) => h.media === 'sound:hotline/ss/main-menu'),
    });
    // Wait until an agent is ringing for the call, then press 1 on the caller's line.
    let ringing: string | undefined;
    const deadline = Date.now() + 20_000;
    while (!ringing && Date.now() < deadline) {
      ringing = (await hotline.service.acd.agents.list()).find((a) => a.state === 'ringing')?.id;
      if (!ringing) await new Promise((res) => setTimeout(res, 20));
    }
    expect(ringing).toBeDefined();
    const callerHalf = hotline.sim.channels().find((c) => c.name.startsWith('Local/10000@from-external') && c.name.endsWith(';1'));
    expect(callerHalf).toBeDefined();
    await ari(`/channels/${callerHalf!.id}/dtmf?dtmf=1`, 'POST');

    const r = await call;
    expect(heardIds(r)).toContain('ss/main-menu');
    await hotline.idle();
    const events = await hotline.service.recorder.forCall(r.callId!);
    expect(events.find((e) => e.type === 'offered')).toMatchObject({ queue: 'senior', agent: ringing });
    expect(events.find((e) => e.type === 'left-queue')).toMatchObject({ queue: 'senior', reason: 'self-service' });
    expect(events.some((e) => e.type === 'agent-no-answer')).toBe(false);
    // The agent's phone stopped ringing and the agent is free for the next caller, not paused for a missed call.
    const agentAfter = async () => (await hotline.service.acd.agents.list()).find((a) => a.id === ringing)!;
    const until = Date.now() + 10_000;
    while ((await agentAfter()).state !== 'available' && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    expect((await agentAfter()).state).toBe('available');
    const agentLeg = hotline.sim.requests().findLast((q) => q.method === 'POST' && q.query.endpoint === `Local/${ringing}@agents`);
    const legId = agentLeg!.path.split('/').pop();
    expect(hotline.sim.requests().some((q) => q.method === 'DELETE' && q.path === `/ari/channels/${legId}`)).toBe(true);
  });
});

async function ari(path: string, method = 'GET'): Promise<Response> {
  const res = await fetch(`${hotline.sim.url}/ari${path}`, { method, headers: { authorization: `Basic ${Buffer.from('ivr:ivr').toString('base64')}` } });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res;
}
