import { describe, expect, it } from 'vitest';
import { callerTimeConfigSchema } from '../../src/caller-time/caller-time-config.js';
import { formatJsonLine, formatPaths, formatTable } from '../../src/caller-time/caller-time-report.js';
import { callerTimeModel, callerTimes, promptsOnPaths, type CallerTimeModel } from '../../src/caller-time/caller-times.js';
import type { FlowInput } from '../../src/flows/flow-schema.js';
import { loadConfig } from '../../src/service/config-schema.js';

/**
 * The caller-time computation on small flows and fixed prompt lengths: what
 * each tier's caller hears and waits for, and when the agent is rung.
 */

const config = loadConfig({ env: {} });

/** Every prompt's length in seconds; a prompt not listed is a mistake in the test. */
const SECONDS: Record<string, number> = {
  'greet/diamond': 2, 'greet/gold': 2, 'greet/silver': 2, 'greet/standard': 2,
  'menu/diamond': 1.5,
  'menu/lead': 1, 'menu/billing': 1.25, 'menu/broadband': 1.5, 'common/offer-agent': 1,
  'intro/news': 1, 'menu/all-in-one': 3,
  'menu/self-service-6': 1.25, 'menu/complaints': 1.5,
  'ss/choose': 2, 'common/goodbye': 1,
  'common/no-input': 1.5,
  'route/connecting-to': 1,
  'queue/billing': 0.5, 'queue/broadband': 0.5, 'queue/orders': 0.5, 'queue/general': 0.5, 'queue/complaints': 0.5,
};
const seconds = (id: string): number => {
  const s = SECONDS[id];
  if (s === undefined) throw new Error(`no length for ${id}`);
  return s;
};

const diamond: FlowInput = {
  id: 'test-diamond', description: 'queued at once', start: 'senior', onExhausted: 'senior', onZero: 'senior',
  steps: {
    'senior': { kind: 'queue-at-once', need: 'senior', prompts: ['menu/diamond'], options: { '1': { next: 'test-self:menu', label: 'self-service' } } },
  },
};

/** Greeting, then a menu read one option at a time, broadband first; silence: one retry, then a person. */
const gold: FlowInput = {
  id: 'test-gold', description: 'a menu of short sentences', start: 'greeting', onExhausted: 'human', onZero: 'human', retries: 1,
  steps: {
    'greeting': { kind: 'greeting', next: 'menu' },
    'menu': {
      kind: 'menu',
      prompts: ['menu/lead'],
      options: {
        '1': { next: 'billing', label: 'billing', prompt: 'menu/billing' },
        '2': { next: 'broadband', label: 'broadband', prompt: 'menu/broadband' },
        '0': { next: 'human', label: 'human', prompt: 'common/offer-agent' },
      },
      order: ['2', '1', '0'],
      firstKeyTimeoutMs: 4000,
    },
    'billing': { kind: 'transfer', need: 'billing' },
    'broadband': { kind: 'transfer', need: 'broadband' },
    'human': { kind: 'transfer', need: null },
  },
};

/** A played intro, then a menu said in one sentence; silence goes straight to a person. */
const silver: FlowInput = {
  id: 'test-silver', description: 'a menu in one sentence', start: 'greeting', onExhausted: 'human', onZero: 'human',
  steps: {
    'greeting': { kind: 'greeting', next: 'intro' },
    'intro': { kind: 'play', prompts: ['intro/news'], next: 'menu' },
    'menu': {
      kind: 'menu',
      prompts: ['menu/all-in-one'],
      options: { '1': { next: 'orders', label: 'orders' }, '2': { next: 'human' } },
      onNoInput: 'human',
    },
    'orders': { kind: 'transfer', need: 'orders' },
    'human': { kind: 'transfer', need: null },
  },
};

/** The most used choice is self-service, which ends in a goodbye: no agent on that path. */
const standard: FlowInput = {
  id: 'test-standard', description: 'self-service first', start: 'greeting', onExhausted: 'human', onZero: 'human', retries: 0,
  steps: {
    'greeting': { kind: 'greeting', next: 'menu' },
    'menu': {
      kind: 'menu',
      options: {
        '6': { next: 'test-self:menu', label: 'self-service', prompt: 'menu/self-service-6' },
        '4': { next: 'complaints', label: 'complaints', prompt: 'menu/complaints' },
      },
      order: ['6', '4'],
    },
    'complaints': { kind: 'transfer', need: 'complaints' },
    'human': { kind: 'transfer', need: null },
  },
};

const self: FlowInput = {
  id: 'test-self', description: 'self-service', start: 'menu', onExhausted: 'bye', onZero: 'bye',
  steps: {
    'menu': { kind: 'menu', options: { '1': { next: 'bye', prompt: 'ss/choose' } } },
    'bye': { kind: 'hangup', prompts: ['common/goodbye'] },
  },
};

const BUDGETS = { diamond: 8, gold: 15, silver: 20, standard: 30 };

function model(
  flows: FlowInput[] = [diamond, gold, silver, standard, self],
  options: { menuOrder?: Record<string, string[]>; budgetsSec?: typeof BUDGETS; recordings?: typeof config.recordings } = {},
): CallerTimeModel {
  const tiers = Object.fromEntries(Object.entries(config.routing.tiers).map(([tier, policy]) => [tier, { ...policy, menuFlow: `test-${tier}` }]));
  return callerTimeModel(
    {
      ...config,
      ivr: { menuOrder: options.menuOrder ?? {} },
      routing: { ...config.routing, tiers: tiers as typeof config.routing.tiers },
      callerTime: { budgetsSec: options.budgetsSec ?? BUDGETS },
      // Nothing recorded unless a test says so: the greeting is the tier's prompt alone.
      recordings: options.recordings,
    },
    flows,
    { has: () => true },
  );
}

const byTier = (m: CallerTimeModel, lookup: (id: string) => number = seconds) =>
  Object.fromEntries(callerTimes(m, 'zh', lookup).map((t) => [t.tier, t]));

describe('caller time on the common path', () => {
  it('counts the recording notice after the greeting where the tier\'s calls are recorded, and not where they are not', () => {
    const recordings = { ...config.recordings, enabled: true, recordCalls: { ...config.recordings.recordCalls, tiers: { gold: false } } };
    const lengths = (id: string) => (id === 'common/may-be-recorded' ? 1.5 : seconds(id));
    const timed = byTier(model(undefined, { recordings }), lengths);
    const plain = byTier(model(), lengths);
    expect(timed.silver!.common.steps.map((s) => s.what).slice(0, 2)).toEqual([config.routing.tiers.silver.greetingPrompt, 'common/may-be-recorded']);
    expect(timed.silver!.common.seconds! - plain.silver!.common.seconds!).toBeCloseTo(1.5, 5);
    expect(timed.gold!.common.seconds).toBeCloseTo(plain.gold!.common.seconds!, 5);
  });

  it('presses the key read first as soon as its option is said: greeting, lead, options up to it, then "connecting you to" and the queue', () => {
    const { gold } = byTier(model());
    expect(gold!.common.key).toBe('2');
    expect(gold!.common.queue).toBe('broadband');
    // greet 2 + lead 1 + broadband 1.5 + connecting 1 + queue 0.5
    expect(gold!.common.seconds).toBeCloseTo(6);
    expect(gold!.common.steps.map((s) => `${s.kind} ${s.what}`)).toEqual([
      'heard greet/gold', 'heard menu/lead', 'heard menu/broadband', 'pressed 2 (broadband)',
      'heard route/connecting-to', 'heard queue/broadband', 'rung broadband',
    ]);
  });

  it('follows the configured menu order (ivr.menuOrder), as the service does', () => {
    const { gold } = byTier(model(undefined, { menuOrder: { 'test-gold:menu': ['1'] } }));
    expect(gold!.common.key).toBe('1');
    // greet 2 + lead 1 + billing 1.25 + connecting 1 + queue 0.5
    expect(gold!.common.seconds).toBeCloseTo(5.75);
    expect(gold!.common.steps.some((s) => s.what === 'menu/broadband')).toBe(false);
  });

  it('hears a menu said in one sentence to its end, after any played prompt, before the key', () => {
    const { silver } = byTier(model());
    expect(silver!.common.key).toBe('1');
    expect(silver!.common.queue).toBe('orders');
    // greet 2 + intro 1 + menu 3 + connecting 1 + queue 0.5
    expect(silver!.common.seconds).toBeCloseTo(7.5);
  });

  it('rings the agent at answer when the flow queues at once, pressing nothing', () => {
    const { diamond } = byTier(model());
    expect(diamond!.common).toMatchObject({ seconds: 0, key: null, queue: 'senior' });
    expect(diamond!.noKey).toMatchObject({ seconds: 0, queue: 'senior' });
    expect(diamond!.common.steps.some((s) => s.kind === 'heard')).toBe(false);
  });

  it('a common path ending in self-service rings no agent, says where it stops, and is over any budget', () => {
    const { standard } = byTier(model());
    expect(standard!.common.keys).toEqual(['6', '1']);
    expect(standard!.common.seconds).toBeNull();
    expect(standard!.common.stopped).toBe('reaches the hangup step test-self:bye before any agent');
    expect(standard!.withinBudget).toBe(false);
  });
});

describe('caller time with no key pressed', () => {
  it('hears the menu, waits the first-key time, then per retry the no-input prompt, the menu and the wait again, then goes where the menu is exhausted', () => {
    const { gold } = byTier(model());
    // greet 2 + menu 4.75 + wait 4 + (no-input 1.5 + menu 4.75 + wait 4) + connecting 1 + general 0.5
    expect(gold!.noKey.seconds).toBeCloseTo(22.5);
    expect(gold!.noKey.queue).toBe('general');
    expect(gold!.noKey.steps.filter((s) => s.kind === 'waited')).toEqual([
      { kind: 'waited', what: 'a key', seconds: 4 },
      { kind: 'waited', what: 'a key (retry 1)', seconds: 4 },
    ]);
  });

  it('leaves a menu with onNoInput after the first wait, with no retry', () => {
    const { silver } = byTier(model());
    // greet 2 + intro 1 + menu 3 + wait 5 (the flow's default) + connecting 1 + general 0.5
    expect(silver!.noKey.seconds).toBeCloseTo(12.5);
    expect(silver!.noKey.steps.filter((s) => s.what === 'common/no-input')).toEqual([]);
  });

  it('stops at a loop in the flows and names the step it comes back to', () => {
    const looping: FlowInput = {
      ...gold,
      onExhausted: 'again',
      steps: { ...gold.steps, 'again': { kind: 'goto', target: 'menu' } },
    };
    const { gold: times } = byTier(model([diamond, looping, silver, standard, self]));
    expect(times!.noKey).toMatchObject({ seconds: null, queue: null, stopped: 'loops back to test-gold:menu' });
    // The common path does not loop and is still timed.
    expect(times!.common.seconds).toBeCloseTo(6);
  });
});

describe('caller time on the way to a queue', () => {
  it('counts the complaint ticket announced before the complaints queue', () => {
    const complaintsFirst = model(undefined, { menuOrder: { 'test-standard:menu': ['4'] } });
    const { standard } = byTier(complaintsFirst, () => 1);
    expect(standard!.common.queue).toBe('complaints');
    const heard = standard!.common.steps.filter((s) => s.kind === 'heard').map((s) => s.what);
    expect(heard.slice(0, 2)).toEqual(['greet/standard', 'menu/complaints']);
    expect(heard).toContain('complaint/ticket-opened');
    expect(heard).toContain('complaint/ticket-number');
    expect(heard.slice(-2)).toEqual(['route/connecting-to', 'queue/complaints']);
    // Every prompt lasts 1 s here: the time is the number of prompts heard.
    expect(standard!.common.seconds).toBe(heard.length);
    expect(heard.length).toBeGreaterThan(2 + 2 + 2 + 12);
  });

  it('lists every prompt heard on the paths measured, each once', () => {
    const ids = promptsOnPaths(model(), 'zh');
    expect(ids).toContain('greet/gold');
    expect(ids).toContain('common/no-input');
    expect(ids).toContain('queue/general');
    expect(ids).toContain('ss/choose');
    // The diamond greeting plays while the agent rings: it takes no time from the caller.
    expect(ids).not.toContain('greet/diamond');
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('budgets and the report', () => {
  it('reports a tier whose common path is over its budget, and keeps one at its budget to the tenth', () => {
    const budgetsSec = { diamond: 8, gold: 5.9, silver: 7.5, standard: 30 };
    const times = callerTimes(model(undefined, { budgetsSec }), 'zh', seconds);
    expect(times.map((t) => [t.tier, t.withinBudget])).toEqual([
      ['diamond', true], ['gold', false], ['silver', true], ['standard', false],
    ]);
    const table = formatTable(times);
    expect(table.split('\n')).toEqual([
      'tier      common  key               no key  budget',
      'diamond      0.0  none                 0.0     8.0  ok',
      'gold         6.0  2 (broadband)       22.5     5.9  OVER',
      'silver       7.5  1 (orders)          12.5     7.5  ok',
      'standard       -  6 (self-service)    11.3    30.0  OVER: no agent rung',
    ]);
  });

  it('prints one JSON line of the common path per tier, one decimal, null for no agent', () => {
    const line = formatJsonLine(callerTimes(model(), 'zh', seconds));
    expect(line).toBe('{"diamond":0.0,"gold":6.0,"silver":7.5,"standard":null}');
    expect(JSON.parse(line)).toEqual({ diamond: 0, gold: 6, silver: 7.5, standard: null });
  });

  it('explains each path as what was heard, waited for and pressed', () => {
    const text = formatPaths(callerTimes(model(), 'zh', seconds));
    expect(text).toContain('gold (test-gold), common path: greet/gold 2.0 · menu/lead 1.0 · menu/broadband 1.5 · press 2 (broadband) · route/connecting-to 1.0 · queue/broadband 0.5 · agent rung: broadband → 6.0 s');
    expect(text).toContain('wait for a key (retry 1) 4.0');
    expect(text).toContain('standard (test-standard), common path: greet/standard 2.0 · menu/self-service-6 1.3 · press 6 (self-service) · ss/choose 2.0 · press 1 → stops: reaches the hangup step test-self:bye before any agent');
  });
});

describe('the callerTime configuration', () => {
  it('gives each tier a budget by default: diamond 8 s, gold 15 s, silver 20 s, standard 30 s', () => {
    expect(callerTimeConfigSchema.parse({})).toEqual({ budgetsSec: { diamond: 8, gold: 15, silver: 20, standard: 30 } });
    expect(config.callerTime.budgetsSec).toEqual({ diamond: 8, gold: 15, silver: 20, standard: 30 });
  });

  it('refuses a budget that is not a positive number of seconds, or a tier it does not know', () => {
    expect(callerTimeConfigSchema.safeParse({ budgetsSec: { gold: 0 } }).success).toBe(false);
    expect(callerTimeConfigSchema.safeParse({ budgetsSec: { platinum: 5 } }).success).toBe(false);
  });
});
