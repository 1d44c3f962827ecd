import { describe, expect, it } from 'vitest';
import { allFlows } from '../../src/flows/all-flows.js';
import type { FlowInput } from '../../src/flows/flow-schema.js';
import { validateFlows } from '../../src/flows/validate-flows.js';
import { loadPromptManifest } from '../../src/prompts/prompt-manifest.js';

const manifest = loadPromptManifest('config/prompts.yaml');

describe('the tier greeting as a flow step', () => {
  it('every 10000 tier flow but diamond starts with its greeting, then the menu', () => {
    const flows = validateFlows(allFlows, manifest);
    for (const id of ['10000-gold', '10000-silver', '10000-standard']) {
      const flow = flows.get(id)!;
      expect(flow.steps[flow.start]).toEqual({ kind: 'greeting', bargeIn: true, next: 'menu' });
    }
  });

  it('the diamond flow queues the caller at once: the greeting plays while the senior agent is rung', () => {
    const flow = validateFlows(allFlows, manifest).get('10000-diamond')!;
    expect(flow.steps[flow.start]).toMatchObject({ kind: 'queue-at-once', need: 'senior', prompts: ['menu/diamond'] });
  });

  it('rejects a greeting leading nowhere, naming the flow and the step', () => {
    const broken: FlowInput = {
      id: 'test-flow', description: 'test', start: 'greeting', onExhausted: 'bye', onZero: 'bye',
      steps: { greeting: { kind: 'greeting', next: 'menu' }, bye: { kind: 'hangup', prompts: ['common/goodbye'] } },
    };
    expect(() => validateFlows([broken], manifest)).toThrow('flow test-flow step greeting: target "menu" names a step that does not exist');
  });
});
