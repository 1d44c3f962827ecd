import { describe, expect, it } from 'vitest';
import { allFlows, dialogueFlows } from '../../src/flows/all-flows.js';
import type { FlowInput } from '../../src/flows/flow-schema.js';
import { applyMenuOrder, ivrConfigSchema } from '../../src/flows/menu-order.js';
import { menuPrompts } from '../../src/flows/menu-prompts.js';
import { validateFlows } from '../../src/flows/validate-flows.js';
import { loadPromptManifest } from '../../src/prompts/prompt-manifest.js';
import { loadConfig } from '../../src/service/config-schema.js';

const manifest = loadPromptManifest('config/prompts.yaml');
const shipped = [...allFlows, ...dialogueFlows];

function menuOf(flows: ReturnType<typeof validateFlows>, flowId: string, stepId = 'menu') {
  const step = flows.get(flowId)!.steps[stepId]!;
  if (step.kind !== 'menu') throw new Error(`${flowId}:${stepId} is not a menu`);
  return step;
}

describe('menus read one sentence per option, in a configurable order', () => {
  it('the shipped order reads billing first and the agent last on every 10000 menu', () => {
    const config = loadConfig({ env: {} });
    const flows = validateFlows(applyMenuOrder(shipped, config.ivr.menuOrder), manifest);
    expect(menuPrompts(menuOf(flows, '10000-gold'))).toEqual([
      'menu/billing', 'menu/broadband', 'menu/orders', 'menu/complaints', 'menu/self-service-5', 'common/offer-agent',
    ]);
    expect(menuPrompts(menuOf(flows, '10000-standard'))).toEqual([
      'menu/billing', 'menu/broadband', 'menu/orders', 'menu/complaints', 'menu/enterprise', 'menu/self-service-6',
      'common/offer-agent', 'menu/repeat',
    ]);
  });

  it('a configured order is read as given; keys it leaves out follow in the flow\'s order', () => {
    const flows = validateFlows(applyMenuOrder(shipped, { '10000-silver:menu': ['2', '0'] }), manifest);
    expect(menuPrompts(menuOf(flows, '10000-silver'))).toEqual([
      'menu/broadband', 'common/offer-agent', 'menu/billing', 'menu/orders', 'menu/complaints', 'menu/self-service-5',
    ]);
  });

  it('every option prompt of every menu says its own key, in both languages', () => {
    const flows = validateFlows(shipped, manifest);
    const checked: string[] = [];
    for (const flow of flows.values()) {
      for (const step of Object.values(flow.steps)) {
        if (step.kind !== 'menu' && step.kind !== 'queue-at-once') continue;
        for (const [key, option] of Object.entries(step.options)) {
          if (!option.prompt) continue;
          expect(manifest.text(option.prompt, 'zh'), option.prompt).toContain(`按${key}`);
          expect(manifest.text(option.prompt, 'en'), option.prompt).toContain(`press ${key}`);
          checked.push(option.prompt);
        }
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(8);
  });

  it.each([
    [{ '10000-gold:menu': ['7'] }, 'flow 10000-gold step menu: order: key "7" is not one of the menu\'s options'],
    [{ '10000-gold:menu': ['1', '1'] }, 'flow 10000-gold step menu: order: key "1" is listed twice'],
    [{ '10000-platinum:menu': ['1'] }, 'ivr.menuOrder."10000-platinum:menu": there is no flow 10000-platinum'],
    [{ '10000-gold:lobby': ['1'] }, 'ivr.menuOrder."10000-gold:lobby": flow 10000-gold has no step lobby'],
    [{ '10000-gold:greeting': ['1'] }, 'ivr.menuOrder."10000-gold:greeting": step greeting is a greeting step, not a menu'],
  ])('a bad order stops the start-up with a message naming it: %j', (order, message) => {
    expect(() => validateFlows(applyMenuOrder(shipped, order), manifest)).toThrow(message);
  });

  it('the configuration refuses a malformed menu name or key', () => {
    expect(ivrConfigSchema.safeParse({ menuOrder: { 'gold menu': ['1'] } }).success).toBe(false);
    expect(ivrConfigSchema.safeParse({ menuOrder: { '10000-gold:menu': ['12'] } }).success).toBe(false);
    expect(ivrConfigSchema.safeParse({ menuOrder: { '10000-gold:menu': [] } }).success).toBe(false);
  });

  it('an option in the order must have a prompt to read, and a menu must say something', () => {
    const silent: FlowInput = {
      id: 'silent', description: 'test', start: 'menu', onExhausted: 'bye', onZero: 'bye',
      steps: {
        menu: { kind: 'menu', options: { '1': { next: 'bye' } } },
        bye: { kind: 'hangup', prompts: ['common/goodbye'] },
      },
    };
    expect(() => validateFlows([silent], manifest)).toThrow('flow silent step menu: the menu says nothing');
    const unsaid = { ...silent, steps: { ...silent.steps, menu: { kind: 'menu', prompts: ['common/offer-agent'], options: { '1': { next: 'bye' } }, order: ['1'] } } } as FlowInput;
    expect(() => validateFlows([unsaid], manifest)).toThrow('flow silent step menu: order: option "1" has no prompt to read');
  });
});
