import { describe, expect, it } from 'vitest';
import { allFlows } from '../../src/flows/all-flows.js';
import type { FlowInput } from '../../src/flows/flow-schema.js';
import { FlowError, validateFlows } from '../../src/flows/validate-flows.js';
import { loadPromptManifest } from '../../src/prompts/prompt-manifest.js';

const manifest = loadPromptManifest('config/prompts.yaml');

function flow(steps: Record<string, unknown>, extra: Partial<FlowInput> = {}): FlowInput {
  return {
    id: 'test-flow', description: 'test', start: 'menu', onExhausted: 'bye', onZero: 'bye',
    steps: steps as FlowInput['steps'], ...extra,
  };
}

const bye = { kind: 'hangup', prompts: ['common/goodbye'] };

describe('flow validation at start-up', () => {
  it('accepts every shipped flow against the real prompt manifest', () => {
    const flows = validateFlows(allFlows, manifest);
    expect([...flows.keys()].sort()).toEqual(['10000-diamond', '10000-gold', '10000-silver', '10000-standard', 'self-service']);
  });

  it('rejects an unknown step kind, naming the flow and the step', () => {
    const broken = flow({ menu: { kind: 'dance', next: 'bye' }, bye });
    expect(() => validateFlows([broken], manifest)).toThrow(FlowError);
    expect(() => validateFlows([broken], manifest)).toThrow(/flow test-flow step menu: kind/);
  });

  it('rejects a target that does not exist', () => {
    const broken = flow({ menu: { kind: 'menu', prompts: ['ss/main-menu'], options: { '1': { next: 'balanse' } } }, bye });
    expect(() => validateFlows([broken], manifest)).toThrow('flow test-flow step menu: target "balanse" names a step that does not exist');
  });

  it('rejects a target in a flow that does not exist', () => {
    const broken = flow({ menu: { kind: 'goto', target: 'nowhere:start' }, bye });
    expect(() => validateFlows([broken], manifest)).toThrow(/target "nowhere:start" names a flow that does not exist/);
  });

  it('rejects an unreachable step', () => {
    const broken = flow({ menu: { kind: 'goto', target: 'bye' }, bye, orphan: { kind: 'play', prompts: ['ss/welcome'], next: 'bye' } });
    expect(() => validateFlows([broken], manifest)).toThrow('flow test-flow step orphan: step is unreachable');
  });

  it('rejects a prompt missing from the manifest', () => {
    const broken = flow({ menu: { kind: 'play', prompts: ['ss/no-such-prompt'], next: 'bye' }, bye });
    expect(() => validateFlows([broken], manifest)).toThrow('flow test-flow step menu: prompt "ss/no-such-prompt" is missing from the prompt manifest');
  });

  it('rejects a missing start step and a bad menu key', () => {
    expect(() => validateFlows([flow({ bye }, { start: 'menu' })], manifest)).toThrow(/start step "menu" does not exist/);
    const badKey = flow({ menu: { kind: 'menu', prompts: ['ss/main-menu'], options: { '12': { next: 'bye' } } }, bye });
    expect(() => validateFlows([badKey], manifest)).toThrow(/step menu: options\.12: menu keys are single digits/);
  });

  it('rejects a flow defined twice', () => {
    const ok = flow({ menu: { kind: 'goto', target: 'bye' }, bye });
    expect(() => validateFlows([ok, ok], manifest)).toThrow(/defined twice/);
  });

  it('counts a step entered from another flow as reachable', () => {
    const a = flow({ menu: { kind: 'goto', target: 'other:side' }, bye }, { id: 'a' });
    const b = flow({ menu: { kind: 'goto', target: 'bye' }, bye, side: { kind: 'goto', target: 'bye' } }, { id: 'other' });
    expect(validateFlows([a, b], manifest).size).toBe(2);
  });
});
