import { describe, expect, it } from 'vitest';
import { allFlows, dialogueFlows } from '../../src/flows/all-flows.js';
import type { FlowInput } from '../../src/flows/flow-schema.js';
import { validateFlows } from '../../src/flows/validate-flows.js';
import { loadPromptManifest } from '../../src/prompts/prompt-manifest.js';

const manifest = loadPromptManifest('config/prompts.yaml');

function dialogue(steps: Record<string, unknown>, extra: Partial<FlowInput> = {}): FlowInput {
  return {
    id: 'test-dialogue', description: 'test', runs: 'dialogue', start: 'ask', onExhausted: 'done', onZero: 'done',
    steps: { done: { kind: 'done', result: 'over' }, ...steps } as FlowInput['steps'], ...extra,
  };
}

const ask = { kind: 'ask', prompts: ['cb/offer'], options: { '1': 'done' }, firstKeyTimeoutMs: 5000, interKeyTimeoutMs: 1000, otherwise: 'done' };

describe('dialogue flows validated at start-up', () => {
  it('accepts the shipped dialogues with the call flows', () => {
    const flows = validateFlows([...allFlows, ...dialogueFlows], manifest);
    expect(flows.get('callback-offer')?.runs).toBe('dialogue');
  });

  it('rejects an ask step without its timeouts, naming the flow and the step', () => {
    const { firstKeyTimeoutMs: _, ...noTimeout } = ask;
    expect(() => validateFlows([dialogue({ ask: noTimeout })], manifest)).toThrow(/^flow test-dialogue step ask: firstKeyTimeoutMs: /);
  });

  it('rejects a timeout that is not a positive number of milliseconds', () => {
    expect(() => validateFlows([dialogue({ ask: { ...ask, interKeyTimeoutMs: 0 } })], manifest)).toThrow(/flow test-dialogue step ask: interKeyTimeoutMs: /);
  });

  it('rejects a number entry whose read-back prompt is missing from the manifest', () => {
    const enter = {
      kind: 'enter-number', prompts: ['cb/enter-number'], into: 'n', minDigits: 5, maxDigits: 15, firstKeyTimeoutMs: 8000, interKeyTimeoutMs: 4000,
      invalidPrompts: ['common/invalid-choice'], readBackBefore: ['cb/no-such-prompt'], readBackAfter: ['cb/confirm-number'], confirmKey: '1',
      confirmFirstKeyTimeoutMs: 5000, confirmInterKeyTimeoutMs: 1000, attempts: 3, next: 'done', onExhausted: 'done',
    };
    expect(() => validateFlows([dialogue({ ask: enter })], manifest)).toThrow('flow test-dialogue step ask: prompt "cb/no-such-prompt" is missing from the prompt manifest');
  });

  it('rejects a call step in a dialogue and a done step in a call flow', () => {
    expect(() => validateFlows([dialogue({ ask: { kind: 'transfer', need: null } })], manifest)).toThrow('flow test-dialogue step ask: a transfer step cannot run in a dialogue flow');
    const call: FlowInput = { id: 'test-call', description: 'test', start: 'ask', onExhausted: 'done', onZero: 'done', steps: { ask: { ...ask, otherwise: 'done' }, done: { kind: 'done', result: 'over' } } as FlowInput['steps'] };
    expect(() => validateFlows([call], manifest)).toThrow('flow test-call step done: a done step ends dialogue flows only');
  });

  it('rejects a target from a dialogue into a call flow', () => {
    const broken = dialogue({ ask: { ...ask, otherwise: 'self-service:main-menu' } });
    expect(() => validateFlows([...allFlows, broken], manifest)).toThrow('flow test-dialogue step ask: target "self-service:main-menu" leads from a dialogue flow into a call flow');
  });
});
