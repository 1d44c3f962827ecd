import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heardIds, startHotline, type HotlineFixture } from '../support/hotline-fixture.js';

const run = promisify(execFile);

async function readyz(h: HotlineFixture): Promise<number> {
  const res = await request(`http://127.0.0.1:${h.service.port}/readyz`);
  await res.body.text();
  return res.statusCode;
}

describe('when the ARI WebSocket drops, the service reconnects', () => {
  let hotline: HotlineFixture;
  beforeAll(async () => {
    // A slower first retry than in service, so the test can see /readyz go false.
    hotline = await startHotline({ overrides: { ari: { reconnect: { initialDelayMs: 400, maxDelayMs: 1000 } } } });
  });
  afterAll(async () => hotline?.stop());

  it('readyz goes false then true, and calls placed after the reconnect work', async () => {
    expect(await readyz(hotline)).toBe(200);
    const down = new Promise<void>((resolve) => hotline.service.ari.on('disconnected', () => resolve()));
    hotline.sim.dropWebSockets();
    await down;
    expect(await readyz(hotline)).toBe(503);
    await expect.poll(() => readyz(hotline), { timeout: 10_000, interval: 50 }).toBe(200);
    expect(hotline.service.ari.reconnects).toBeGreaterThanOrEqual(1);
    const r = await hotline.call('10001', '13800000004', ['3']);
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'points' });
  });

  it('after a simulated Asterisk restart it reconnects and takes calls again', async () => {
    await hotline.sim.restart();
    await expect.poll(() => readyz(hotline), { timeout: 10_000, interval: 50 }).toBe(200);
    const r = await hotline.call('10001', '13800000004', ['3']);
    expect(r.outcome).toEqual({ kind: 'self-service', item: 'points' });
  });

  it('readyz names what is missing', async () => {
    const res = await request(`http://127.0.0.1:${hotline.service.port}/readyz`);
    expect(await res.body.json()).toEqual({ ready: true, ari: true, redis: true });
  });
});

describe('the call tool', () => {
  let hotline: HotlineFixture;
  beforeAll(async () => {
    // Real caller timeouts: the tool waits for silence the way a person would.
    hotline = await startHotline({ timeScale: 1 });
  });
  afterAll(async () => hotline?.stop());

  it('prints one JSON object for a simple call', async () => {
    const { stdout } = await run('npx', ['tsx', 'src/cli/call.ts', '10001', '--from', '13800000004', '--keys', '1', '--json'], {
      env: { ...process.env, ARI_URL: hotline.sim.url, ARI_APP: hotline.config.ari.app, ARI_USER: 'ivr', ARI_PASSWORD: 'ivr' },
      timeout: 60_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['number', 'from', 'heard', 'pressed', 'outcome', 'durationMs']));
    expect(report.number).toBe('10001');
    expect(report.from).toBe('13800000004');
    expect(report.pressed).toEqual(['1']);
    expect(report.outcome).toEqual({ kind: 'self-service', item: 'balance' });
    expect(report.heard[0]).toEqual({ media: 'sound:hotline/ss/welcome', text: hotline.service.manifest.text('ss/welcome', 'zh') });
    expect(heardIds(report)).toContain('ss/balance-is');
    expect(report.durationMs).toBeGreaterThan(0);
  });

  it('reports a clear error when no service listens on the Stasis app', async () => {
    const result = await run('npx', ['tsx', 'src/cli/call.ts', '10001', '--from', '13800000004', '--json'], {
      env: { ...process.env, ARI_URL: hotline.sim.url, ARI_APP: 'nobody-here' },
      timeout: 60_000,
    }).catch((err: { stdout: string; code: number }) => err);
    const report = JSON.parse(result.stdout.trim());
    expect(report.outcome.kind).toBe('error');
    expect(report.outcome.message).toMatch(/no service is connected to ARI as Stasis app "nobody-here"/);
  });

  it('rejects bad arguments with the usage', async () => {
    const result = await run('npx', ['tsx', 'src/cli/call.ts', '--from', 'x'], { env: process.env }).catch((err: { stderr: string; code: number }) => err);
    expect((result as { code: number }).code).toBe(2);
    expect((result as { stderr: string }).stderr).toMatch(/usage: npm run call/);
  });
});
