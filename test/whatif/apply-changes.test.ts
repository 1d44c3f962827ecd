import { describe, expect, it } from 'vitest';
import { applyChanges, type Staffed } from '../../src/whatif/apply-changes.js';
import { whatIfChangeSchema } from '../../src/whatif/whatif-request.js';
import { defaultSnapshot } from './whatif-support.js';

const FROM = Date.UTC(2026, 0, 5, 9);
const TO = FROM + 2 * 3600_000;
const base: Staffed = {
  snapshot: defaultSnapshot(),
  agents: [
    { id: '1004', skills: { billing: 4, general: 4 }, shifts: [{ from: FROM, to: TO }] },
    { id: '1005', skills: { billing: 3 }, shifts: [{ from: FROM, to: TO }] },
  ],
};

function changes(list: unknown[]) {
  return list.map((c) => whatIfChangeSchema.parse(c));
}

describe('a what-if change applied to the baseline', () => {
  it('patches tiers and queues as the API does, leaving the baseline as it was', () => {
    const out = applyChanges(base, changes([
      { kind: 'tier', id: 'diamond', patch: { queuePriority: 200, serviceLevelTarget: { percent: 95 } } },
      { kind: 'queue', id: 'billing', patch: { overflowAfterSec: 60, announce: { position: false } } },
    ]), FROM, TO);
    expect(out.snapshot.tiers.diamond.queuePriority).toBe(200);
    expect(out.snapshot.tiers.diamond.serviceLevelTarget).toEqual({ percent: 95, seconds: base.snapshot.tiers.diamond.serviceLevelTarget.seconds });
    expect(out.snapshot.queues.billing!.overflowAfterSec).toBe(60);
    expect(out.snapshot.queues.billing!.announce).toEqual({ position: false, estimatedWait: true });
    expect(base.snapshot.tiers.diamond.queuePriority).toBe(100);
  });

  it('adds, removes and changes agents: skills, levels and shifts', () => {
    const out = applyChanges(base, changes([
      { kind: 'add-agents', count: 2, skills: { billing: 4 }, shifts: [{ fromMin: 30, toMin: 90 }] },
      { kind: 'add-agents', id: 'night', skills: { general: 2 } },
      { kind: 'remove-agent', id: '1005' },
      { kind: 'agent-skills', id: '1004', skills: { general: null, orders: 5 } },
      { kind: 'agent-shifts', id: '1004', shifts: [{ fromMin: 0, toMin: 60 }] },
    ]), FROM, TO);
    expect(out.agents.map((a) => a.id)).toEqual(['1004', 'whatif-1', 'whatif-2', 'night']);
    expect(out.agents[0]).toEqual({ id: '1004', skills: { billing: 4, orders: 5 }, shifts: [{ from: FROM, to: FROM + 3600_000 }] });
    expect(out.agents[1]).toEqual({ id: 'whatif-1', skills: { billing: 4 }, shifts: [{ from: FROM + 30 * 60_000, to: FROM + 90 * 60_000 }] });
    expect(out.agents[3]!.shifts).toEqual([{ from: FROM, to: TO }]);
    expect(base.agents.map((a) => a.id)).toEqual(['1004', '1005']);
  });

  it('refuses a change that names nobody, leaves an agent without a skill, or breaks the tier order', () => {
    expect(() => applyChanges(base, changes([{ kind: 'agent-skills', id: 'ghost', skills: { billing: 2 } }]), FROM, TO)).toThrow(/^changes\.0\.id: no agent ghost/);
    expect(() => applyChanges(base, changes([{ kind: 'agent-skills', id: '1005', skills: { billing: null } }]), FROM, TO)).toThrow(/^changes\.0\.skills: agent 1005 would be left without a skill/);
    expect(() => applyChanges(base, changes([{ kind: 'add-agents', id: '1004', skills: { billing: 1 } }]), FROM, TO)).toThrow(/^changes\.0\.id: agent 1004 already exists/);
    expect(() => applyChanges(base, changes([{ kind: 'queue', id: 'billing', patch: { maxWaiting: 5 } }, { kind: 'tier', id: 'silver', patch: { queuePriority: 95 } }]), FROM, TO)).toThrow(/^changes\.1: /);
    expect(() => applyChanges(base, changes([{ kind: 'queue', id: 'astrology', patch: { maxWaiting: 5 } }]), FROM, TO)).toThrow(/^changes\.0: no queue "astrology"/);
  });
});
