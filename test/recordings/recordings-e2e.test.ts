import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWavInfo } from '../../src/media/wav-duration.js';
import { systemClock, type Clock } from '../../src/time/clock.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

/**
 * A conversation recorded end to end: the caller through the IVR to an agent
 * on the simulated Asterisk (real time: speed 1), the recording copied into
 * the store, listed, heard by whom may hear it and refused to a viewer, every
 * listen audited; then the retention period run out in virtual time.
 */
const DAY = 24 * 3600_000;
let offset = 0;
/** Real time, moved forward on demand: the retention period passes without waiting for it. */
const clock: Clock = { now: () => Date.now() + offset, setTimeout: systemClock.setTimeout, clearTimeout: systemClock.clearTimeout };

let hotline: HotlineFixture;
const keys: Record<'viewer' | 'supervisor' | 'auditor', string> = { viewer: '', supervisor: '', auditor: '' };

beforeAll(async () => {
  hotline = await startHotline({ sim: { speed: 1, defaultPlaybackMs: 100 }, timeScale: 1, readyAgents: ['1005'], clock, overrides: { queues: { billing: { wrapUpSec: 1 } } } });
  for (const role of ['viewer', 'supervisor', 'auditor'] as const) keys[role] = (await hotline.service.keys.create({ role, name: `rec-${role}` })).key;
}, 60_000);
afterAll(async () => hotline?.stop());

async function api(path: string, role: keyof typeof keys, init: RequestInit = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${hotline.service.port}${path}`, { ...init, headers: { authorization: `Bearer ${keys[role]}`, ...(init.headers ?? {}) } });
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A billing caller talks to agent 1005 for `talkMs` (the agent hangs up), and the recording is stored. */
async function recordedConversation(from: string, talkMs: number) {
  hotline.sim.setAgent('1005', { kind: 'answer', afterMs: 200, hangupAfterMs: talkMs });
  const call = await hotline.call('10000', from, ['1'], { maxQueueWaitMs: 20_000, talkMs: talkMs + 5000 });
  expect(call.outcome).toMatchObject({ kind: 'agent', agent: '1005' });
  await hotline.idle();
  const callId = call.callId!;
  const stored = await until('the recording stored', async () => {
    const [meta] = await hotline.service.recordings!.list({ callId });
    return meta?.status === 'stored' ? meta : null;
  });
  const ended = await until('the conversation recorded as ended', async () =>
    (await hotline.service.recorder.forCall(callId)).find((e) => e.type === 'agent-ended') as { talkMs: number } | undefined);
  // Agent 1005 has no wrap-up to wait for before the next test's call.
  await until('agent 1005 free', async () => (await hotline.service.acd.agents.get('1005')).state === 'available');
  return { callId, stored, talkMs: ended.talkMs };
}

describe('a recorded conversation', () => {
  let first: Awaited<ReturnType<typeof recordedConversation>>;

  it('is one recording as long as the conversation, in the store, and nothing is left on the switch', async () => {
    first = await recordedConversation('13800000004', 3000);
    const { stored, talkMs, callId } = first;
    expect(stored).toMatchObject({ callId, segment: 1, agent: '1005', queue: 'billing', tier: 'standard', status: 'stored' });
    expect(Math.abs(stored.durationMs! - talkMs)).toBeLessThanOrEqual(1000);
    expect(stored.size).toBeGreaterThan(44);
    expect(await hotline.service.recordings!.list({ callId })).toHaveLength(1);
    // The id holds no phone number, and Asterisk's copy is gone.
    expect(stored.id).toMatch(/^rec-[0-9a-f-]{36}$/);
    const onSwitch = await fetch(`${hotline.sim.url}/ari/recordings/stored`, { headers: { authorization: `Basic ${Buffer.from('ivr:ivr').toString('base64')}` } });
    expect(((await onSwitch.json()) as { name: string }[]).map((r) => r.name)).not.toContain(stored.id);
  });

  it('is listed (the number masked for a supervisor), heard by an auditor, by a supervisor only with a reason, never by a viewer; each listen audited', async () => {
    const { stored, callId } = first;
    const listed = await api(`/v1/recordings?call=${encodeURIComponent(callId)}`, 'supervisor');
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { recordings: { id: string; callerNumber: string }[] };
    expect(body.recordings.map((r) => r.id)).toEqual([stored.id]);
    expect(body.recordings[0]!.callerNumber).toBe('138****0004');

    expect((await api(`/v1/recordings?call=${encodeURIComponent(callId)}`, 'viewer')).status).toBe(403);
    expect((await api(`/v1/recordings/${stored.id}/audio`, 'viewer')).status).toBe(403);
    expect((await api(`/v1/recordings/${stored.id}/audio`, 'supervisor')).status).toBe(403);

    const heard = await api(`/v1/recordings/${stored.id}/audio`, 'auditor');
    expect(heard.status).toBe(200);
    const wav = Buffer.from(await heard.arrayBuffer());
    expect(wav.length).toBe(stored.size);
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    const withReason = await api(`/v1/recordings/${stored.id}/audio?reason=${encodeURIComponent('complaint 202601050001')}`, 'supervisor', { headers: { range: 'bytes=0-99' } });
    expect(withReason.status).toBe(206);
    expect((await withReason.arrayBuffer()).byteLength).toBe(100);

    const audit = (await (await api('/v1/audit?limit=100', 'auditor')).json()) as { entries: { action: string; target: string; reason?: string | null; actor?: { role?: string } }[] };
    const listens = audit.entries.filter((e) => e.action === 'recording.listen' && e.target === stored.id);
    expect(listens).toHaveLength(2);
  });

  it('is deleted once its retention has run out (virtual time), unless under a legal hold', async () => {
    const held = await recordedConversation('13800000004', 1500);
    const hold = await api(`/v1/recordings/${held.stored.id}/hold`, 'auditor', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'complaint under review' }) });
    expect(hold.status).toBe(200);
    const recordings = hotline.service.recordings!;

    offset = (hotline.config.recordings.retentionDays - 1) * DAY;
    await recordings.sweep();
    expect((await recordings.get(first.stored.id))?.status).toBe('stored');

    offset = (hotline.config.recordings.retentionDays + 1) * DAY;
    await recordings.sweep();
    expect((await recordings.get(first.stored.id))?.status).toBe('deleted');
    expect((await recordings.get(held.stored.id))?.status).toBe('stored');
    expect((await api(`/v1/recordings/${first.stored.id}/audio`, 'auditor')).status).toBe(404);
    const kept = await api(`/v1/recordings/${held.stored.id}/audio`, 'auditor');
    expect(kept.status).toBe(200);
    const info = await readWavInfoFrom(Buffer.from(await kept.arrayBuffer()));
    expect(info.durationMs).toBe(held.stored.durationMs);
  });
});

/** The WAV header's length of a file held in memory. */
async function readWavInfoFrom(bytes: Buffer) {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'wav-'));
  try {
    writeFileSync(join(dir, 'a.wav'), bytes);
    return await readWavInfo(join(dir, 'a.wav'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
