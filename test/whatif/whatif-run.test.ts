import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { RoutingPolicy } from '../../src/routing/routing-policy.js';
import { routingOf } from '../../src/routing/routing-snapshot.js';
import { erlangC } from '../../src/whatif/erlang-c.js';
import { forecastCalls } from '../../src/whatif/forecast-calls.js';
import { runScenario } from '../../src/whatif/run-scenario.js';
import { runWhatIf } from '../../src/whatif/run-whatif.js';
import { SeededRandom } from '../../src/whatif/seeded-random.js';
import { comparisonCsv } from '../../src/whatif/whatif-csv.js';
import { forecastSchema, whatIfRequestSchema, type WhatIfRequestInput } from '../../src/whatif/whatif-request.js';
import { defaultSnapshot, sources } from './whatif-support.js';

const START = '2026-01-05T09:00:00Z';

/** Billing overloaded for an hour, callers of every tier, some of whom give up. */
function busyHour(): WhatIfRequestInput {
  return {
    source: {
      kind: 'forecast',
      start: START,
      arrivals: [
        { need: 'billing', tier: 'diamond', perQuarterHour: [6, 6, 6, 6] },
        { need: 'billing', tier: 'gold', perQuarterHour: [10, 10, 10, 10] },
        { need: 'billing', tier: 'standard', perQuarterHour: [40, 40, 40, 40] },
        { need: 'broadband', tier: 'silver', perQuarterHour: [10, 10, 10, 10] },
      ],
      handleTime: { meanSec: 240, distribution: 'lognormal', cv: 0.6 },
      patience: { meanSec: 240, distribution: 'exponential' },
    },
    staffing: {
      kind: 'listed',
      agents: [
        ...Array.from({ length: 12 }, (_, i) => ({ id: `b${i}`, skills: { billing: 2 + (i % 4) } })),
        ...Array.from({ length: 4 }, (_, i) => ({ id: `n${i}`, skills: { broadband: 3, general: 3 } })),
      ],
    },
    changes: [
      { kind: 'tier', id: 'diamond', patch: { queuePriority: 200 } },
      { kind: 'add-agents', count: 2, skills: { billing: 5 } },
    ],
    seed: 7,
  };
}

describe('a what-if run of the real routing and ACD in virtual time', () => {
  it('answers "diamond priority 200 and two more billing agents" with every tier and queue side by side', async () => {
    const result = await runWhatIf(whatIfRequestSchema.parse(busyHour()), sources());
    // A Poisson stream around the forecast's 264.
    expect(result.calls).toBeGreaterThan(220);
    expect(result.calls).toBeLessThan(310);
    expect(result.agents).toEqual({ baseline: 16, change: 18 });
    expect(result.unfinished).toEqual({ baseline: 0, change: 0 });
    const { tiers, queues } = result.comparison.total;
    expect(Object.keys(tiers)).toEqual(['diamond', 'gold', 'silver', 'standard']);
    expect(Object.keys(queues)).toEqual(expect.arrayContaining(['billing', 'broadband', 'general']));
    // Every caller is counted once, answered or gone, in both runs.
    for (const side of ['baseline', 'change'] as const) {
      const billing = queues.billing![side];
      const broadband = queues.broadband![side];
      expect(billing.offered + billing.shortAbandoned + broadband.offered + broadband.shortAbandoned).toBe(result.calls);
      expect(billing.answered + billing.abandoned).toBeLessThanOrEqual(billing.offered);
      expect(billing.occupancyPercent).toBeGreaterThan(0);
    }
    // Diamond callers jump ahead of everyone and there are more agents: they wait less.
    expect(tiers.diamond!.change.serviceLevelPercent!).toBeGreaterThan(tiers.diamond!.baseline.serviceLevelPercent!);
    expect(tiers.diamond!.change.asaMs!).toBeLessThan(tiers.diamond!.baseline.asaMs!);
    expect(queues.billing!.change.abandoned).toBeLessThan(queues.billing!.baseline.abandoned);
    expect(tiers.diamond!.diff.serviceLevelPercent).toBeCloseTo(tiers.diamond!.change.serviceLevelPercent! - tiers.diamond!.baseline.serviceLevelPercent!, 2);
    // Four quarter-hours, each with its own figures.
    expect(result.comparison.intervals.map((i) => new Date(i.start).toISOString())).toEqual([
      '2026-01-05T09:00:00.000Z', '2026-01-05T09:15:00.000Z', '2026-01-05T09:30:00.000Z', '2026-01-05T09:45:00.000Z',
    ]);
    const csv = comparisonCsv(result.comparison).trim().split('\n');
    expect(csv[0]).toMatch(/^period,start,end,group,id,baseline_offered,change_offered,diff_offered,/);
    expect(csv.find((l) => l.startsWith('total,') && l.includes(',tier,diamond,'))).toBeDefined();
    expect(csv.filter((l) => l.startsWith('quarter-hour,')).length).toBeGreaterThanOrEqual(4 * 4);
  }, 60_000);

  it('gives the same figures for the same request, and the same for baseline and an empty change', async () => {
    const request = whatIfRequestSchema.parse({ ...busyHour(), changes: [] });
    const first = await runWhatIf(request, sources());
    const second = await runWhatIf(request, sources());
    expect(second.comparison).toEqual(first.comparison);
    expect(first.change).toEqual(first.baseline);
  }, 60_000);

  it("lets a forecast's callers take the callback offer when their tier's threshold has passed", async () => {
    // Nobody can take billing calls: every caller still waiting at 120 s (standard) takes the offer.
    // (A callback counts in the quarter-hour it is requested, as in /v1/stats: the hour holds them all.)
    const request = whatIfRequestSchema.parse({
      source: {
        kind: 'forecast', start: START,
        arrivals: [{ need: 'billing', tier: 'standard', perQuarterHour: [20, 0, 0, 0] }],
        handleTime: { meanSec: 60 }, callbackTakeRate: 1,
      },
      staffing: { kind: 'listed', agents: [{ id: 'x1', skills: { orders: 3 } }] },
      changes: [{ kind: 'tier', id: 'standard', patch: { callbackOfferThresholdSec: 300 } }],
    });
    const result = await runWhatIf(request, sources());
    const { baseline, change } = result.comparison.total.queues.billing!;
    expect(baseline.callbacks).toBe(result.calls);
    expect(baseline.longestWaitMs).toBe(120_000);
    expect(change.callbacks).toBe(result.calls);
    expect(change.longestWaitMs).toBe(300_000);
    expect(baseline.answered + baseline.abandoned).toBe(0);
  }, 60_000);

  it('refuses a change the API would refuse, naming its place in the list', async () => {
    const refused = whatIfRequestSchema.parse({ ...busyHour(), changes: [{ kind: 'tier', id: 'standard', patch: { queuePriority: 500 } }] });
    const err = await runWhatIf(refused, sources()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/^changes\.0: /);
    const nobody = whatIfRequestSchema.parse({ ...busyHour(), changes: [{ kind: 'remove-agent', id: 'nobody' }] });
    await expect(runWhatIf(nobody, sources())).rejects.toThrow(/changes\.0\.id: no agent nobody/);
    const unknownNeed = whatIfRequestSchema.parse({ ...busyHour(), source: { ...busyHour().source, arrivals: [{ need: 'astrology', tier: 'gold', perQuarterHour: [1] }] } });
    await expect(runWhatIf(unknownNeed, sources())).rejects.toThrow(/source\.arrivals\.0\.need: no queue astrology/);
  });

  it('agrees with Erlang C for one queue with no abandons (the classic model)', async () => {
    // 600 calls an hour of 60 s on 12 agents: 10 Erlangs; the billing queue without overflow, wrap-up or ring time.
    const policy = new RoutingPolicy({ routing: routingOf(defaultSnapshot()), queues: defaultSnapshot().queues });
    policy.patchQueue('billing', { overflowAfterSec: null, wrapUpSec: 0, agingPerMinute: 0 }, 'test');
    const hours = 6;
    const request = whatIfRequestSchema.parse({
      source: {
        kind: 'forecast', start: START,
        arrivals: [{ need: 'billing', tier: 'standard', perQuarterHour: Array.from({ length: hours * 4 }, () => 150) }],
        handleTime: { meanSec: 60, distribution: 'exponential' },
      },
      staffing: { kind: 'listed', agents: Array.from({ length: 12 }, (_, i) => ({ id: `e${i}`, skills: { billing: 3 } })) },
      agentRingSec: 0,
      seed: 3,
    });
    const result = await runWhatIf(request, sources({ snapshot: policy.snapshot() }));
    const billing = result.baseline.total.queues.billing!;
    const model = erlangC(600, 60, 12, 20);
    const gap = { serviceLevelPoints: billing.serviceLevelPercent! - model.serviceLevel * 100, asaSec: billing.asaMs! / 1000 - model.asaSec };
    console.log(`Erlang C (10 Erlangs, 12 agents, 20 s): SL ${(model.serviceLevel * 100).toFixed(1)}%, ASA ${model.asaSec.toFixed(1)} s, occupancy ${(model.occupancy * 100).toFixed(1)}%;`
      + ` simulation of ${billing.answered} calls: SL ${billing.serviceLevelPercent}%, ASA ${(billing.asaMs! / 1000).toFixed(1)} s, occupancy ${billing.occupancyPercent}%`);
    expect(billing.abandoned).toBe(0);
    // The service level within 3 points and the occupancy within 2. The ASA, an average over a
    // heavy-tailed wait, varies more from one sample of calls to the next; the next test shows the
    // waits are exactly those of the ideal queue on the same calls.
    expect(Math.abs(gap.serviceLevelPoints)).toBeLessThan(3);
    expect(Math.abs(billing.occupancyPercent! - model.occupancy * 100)).toBeLessThan(2);
    expect(Math.abs(gap.asaSec)).toBeLessThan(model.asaSec * 0.5);
  }, 180_000);

  it('gives each caller exactly the wait of an ideal first-come first-served queue on the same calls', async () => {
    const policy = new RoutingPolicy({ routing: routingOf(defaultSnapshot()), queues: defaultSnapshot().queues });
    policy.patchQueue('billing', { overflowAfterSec: null, wrapUpSec: 0, agingPerMinute: 0 }, 'test');
    const from = Date.parse(START);
    const to = from + 3600_000;
    const calls = forecastCalls(forecastSchema.parse({
      kind: 'forecast', start: START,
      arrivals: [{ need: 'billing', tier: 'standard', perQuarterHour: [150, 150, 150, 150] }],
      handleTime: { meanSec: 60, distribution: 'exponential' },
    }), new SeededRandom(11));
    const agents = Array.from({ length: 12 }, (_, i) => ({ id: `e${i}`, skills: { billing: 3 }, shifts: [{ from, to }] }));
    const redis = new Redis(inject('redisUrl'));
    try {
      const run = await runScenario({ redis, keyPrefix: `test:whatif:${randomUUID().slice(0, 8)}`, snapshot: policy.snapshot(), agents, calls, from, to, agentRingMs: 0, missedReturnMs: 0 });
      const waits = new Map(run.events.filter((e) => e.type === 'answered').map((e) => [e.callId, (e as { waitMs: number }).waitMs]));
      // The ideal queue: each caller in arrival order takes the agent free soonest.
      const freeAt = agents.map(() => from);
      const ideal = new Map<string, number>();
      for (const call of calls) {
        const i = freeAt.indexOf(Math.min(...freeAt));
        const start = Math.max(call.at, freeAt[i]!);
        ideal.set(call.id, start - call.at);
        freeAt[i] = start + call.talkMs;
      }
      expect(waits.size).toBe(calls.length);
      const differences = calls.filter((c) => waits.get(c.id) !== ideal.get(c.id)).map((c) => `${c.id}: ${waits.get(c.id)} ≠ ${ideal.get(c.id)}`);
      expect(differences).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
