import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Acd } from '../../src/acd/acd.js';
import type { AgentState } from '../../src/acd/agent.js';
import { AgentTime } from '../../src/whatif/agent-time.js';
import { runWhatIf, type WhatIfResult } from '../../src/whatif/run-whatif.js';
import { scenarioFigures, type WhatIfFigures } from '../../src/whatif/whatif-figures.js';
import { whatIfRequestSchema } from '../../src/whatif/whatif-request.js';
import { startHotline, type HotlineFixture } from '../support/hotline-fixture.js';
import { runScriptedDay, SCRIPTED_DAY_CALLERS, SCRIPTED_DAY_OVERRIDES } from '../support/scripted-day.js';

/**
 * Trust in a replay: a recorded period replayed with no change must give the
 * figures the statistics measured for it (service level per tier within 3
 * points, abandons within 10%). The staffing of the period is what the ACD
 * reported as it happened (who was available when); the callers, their
 * needs, waits, talk times and patience come from the call records alone.
 */

/** Who could take calls when: each agent's spans out of pause and logout, from the ACD's own reports. */
function watchStaffing(acd: Acd): { agents(from: number, to: number, skillsOf: Map<string, Record<string, number>>): { id: string; skills: Record<string, number>; shifts: { fromMin: number; toMin: number }[] }[] } {
  const changes: { agent: string; state: AgentState; at: number }[] = [];
  acd.onEvent((e) => {
    if (e.type === 'agent-state') changes.push({ agent: e.agent, state: e.state, at: Date.now() });
  });
  return {
    agents(from, to, skillsOf) {
      const spans = new Map<string, { from: number; to: number }[]>();
      const since = new Map<string, number>();
      for (const c of changes) {
        const working = c.state !== 'offline' && c.state !== 'paused';
        if (working && !since.has(c.agent)) since.set(c.agent, c.at);
        if (!working && since.has(c.agent)) {
          spans.set(c.agent, [...(spans.get(c.agent) ?? []), { from: since.get(c.agent)!, to: c.at }]);
          since.delete(c.agent);
        }
      }
      for (const [agent, start] of since) spans.set(agent, [...(spans.get(agent) ?? []), { from: start, to }]);
      const minutes = (ms: number) => Math.min(1440, Math.max(0, (ms - from) / 60_000));
      return [...spans].map(([id, list]) => ({
        id,
        skills: skillsOf.get(id)!,
        shifts: list.map((s) => ({ fromMin: minutes(s.from), toMin: Math.max(minutes(s.to), minutes(s.from) + 1e-6) })),
      }));
    },
  };
}

/** The period's figures per tier as the statistics count them, from its call records. */
async function measured(hotline: HotlineFixture, from: number, to: number): Promise<Record<string, WhatIfFigures>> {
  const events = await hotline.service.recorder.range();
  return scenarioFigures({
    events, agentTime: new AgentTime(() => []), snapshot: hotline.service.policy.snapshot(), from, to, shortAbandonSec: hotline.config.stats.shortAbandonSec,
  }).total.tiers;
}

async function replay(hotline: HotlineFixture, from: number, to: number, staffing: ReturnType<typeof watchStaffing>): Promise<WhatIfResult> {
  const skills = new Map((await hotline.service.acd.agents.list()).map((a) => [a.id, a.skills]));
  const request = whatIfRequestSchema.parse({
    source: { kind: 'replay', from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    staffing: { kind: 'listed', agents: staffing.agents(from, to, skills) },
  });
  return runWhatIf(request, {
    snapshot: hotline.service.policy.snapshot(),
    agents: async () => [],
    callRecords: (a, b) => hotline.service.recorder.range(a, b),
    now: () => to,
    shortAbandonSec: hotline.config.stats.shortAbandonSec,
  });
}

function compare(label: string, real: Record<string, WhatIfFigures>, replayed: Record<string, WhatIfFigures>): { tier: string; slGap: number | null; abandoned: [number, number] }[] {
  const rows = Object.keys(real).filter((t) => real[t]!.offered > 0).map((tier) => {
    const a = real[tier]!;
    const b = replayed[tier]!;
    return { tier, slGap: a.serviceLevelPercent === null || b.serviceLevelPercent === null ? null : Math.round((b.serviceLevelPercent - a.serviceLevelPercent) * 100) / 100, abandoned: [a.abandoned, b.abandoned] as [number, number], sl: [a.serviceLevelPercent, b.serviceLevelPercent], offered: [a.offered, b.offered] };
  });
  console.log(`${label}: measured → replayed per tier ${JSON.stringify(rows)}`);
  return rows;
}

describe('a replay with no change reproduces the statistics scenario', () => {
  let hotline: HotlineFixture;
  let staffing: ReturnType<typeof watchStaffing>;
  let from: number;
  let to: number;

  beforeAll(async () => {
    hotline = await startHotline({ overrides: SCRIPTED_DAY_OVERRIDES });
    staffing = watchStaffing(hotline.service.acd);
    from = Date.now();
    await runScriptedDay(hotline);
    to = Date.now() + 1;
  }, 60_000);
  afterAll(async () => hotline?.stop());

  it('gives each tier the service level and abandons measured', async () => {
    const real = await measured(hotline, from, to);
    const result = await replay(hotline, from, to, staffing);
    const rows = compare('scripted day', real, result.baseline.total.tiers);
    expect(rows.map((r) => r.tier)).toEqual(['gold', 'standard']);
    for (const row of rows) {
      if (row.slGap !== null) expect(Math.abs(row.slGap)).toBeLessThanOrEqual(3);
      expect(Math.abs(row.abandoned[1] - row.abandoned[0])).toBeLessThanOrEqual(Math.floor(row.abandoned[0] * 0.1));
    }
    expect(result.baseline.total.queues.billing!.callbacks).toBe(1);
  }, 60_000);
});

describe('a replay with no change reproduces a recorded demo hour', () => {
  let hotline: HotlineFixture;
  let staffing: ReturnType<typeof watchStaffing>;
  let from: number;
  let to: number;
  const CALLERS = 160;

  beforeAll(async () => {
    // The demo hour at speed: callers every 0.6 s for about a minute and a half, talking 1.5 to 3.5 s,
    // giving up after 1.5 to 6 s; four billing agents of levels 1 to 4; targets of 2 s.
    hotline = await startHotline({
      overrides: {
        stats: { shortAbandonSec: 1 },
        queues: { billing: { serviceLevelThresholdSec: 2, wrapUpSec: 0, overflowAfterSec: null } },
        routing: { tiers: { standard: { serviceLevelTarget: { seconds: 2 } }, gold: { serviceLevelTarget: { seconds: 2 } } } },
      },
    });
    staffing = watchStaffing(hotline.service.acd);
    for (const id of ['1004', '1005', '1006', '1007']) hotline.sim.setAgent(id, { kind: 'answer', afterMs: 150 });
    from = Date.now();
    for (const id of ['1004', '1005', '1006', '1007']) await hotline.service.acd.agents.login(id, { ready: true });
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < CALLERS; i++) {
      const from = i % 2 === 0 ? SCRIPTED_DAY_CALLERS.gold : SCRIPTED_DAY_CALLERS.standard;
      calls.push(hotline.call('10000', from, ['1'], { maxQueueWaitMs: 1500 + ((i * 7) % 10) * 500, talkMs: 1500 + ((i * 3) % 5) * 500 }));
      await new Promise((r) => setTimeout(r, 600));
    }
    await Promise.all(calls);
    await hotline.idle();
    to = Date.now() + 1;
  }, 240_000);
  afterAll(async () => hotline?.stop());

  it('gives each tier the service level and abandons measured, within what the live system itself varies', async () => {
    const real = await measured(hotline, from, to);
    const result = await replay(hotline, from, to, staffing);
    const rows = compare('demo hour', real, result.baseline.total.tiers);
    expect(rows.map((r) => r.tier)).toEqual(['gold', 'standard']);
    expect(result.calls).toBe(CALLERS);
    // Compressed sixty-fold, the hour's waits are a few seconds and the live system's own timing
    // (tens of milliseconds per ring and hang-up) moves callers across the 2 s target: the same
    // script run twice measured 67.5% and 75% for standard. So the bound here is that spread, not
    // the 3 points a real hour meets (README, "What-if": how close a replay gets).
    for (const row of rows) {
      expect(Math.abs(row.slGap!)).toBeLessThanOrEqual(10);
      expect(Math.abs(row.abandoned[1] - row.abandoned[0])).toBeLessThanOrEqual(Math.max(2, Math.round(row.abandoned[0] * 0.25)));
    }
  }, 60_000);
});
