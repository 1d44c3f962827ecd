import { describe, expect, it } from 'vitest';
import { allFlows, dialogueFlows } from '../../src/flows/all-flows.js';
import { validateFlows } from '../../src/flows/validate-flows.js';
import { loadPromptManifest } from '../../src/prompts/prompt-manifest.js';
import { buildSnapshot } from '../../src/routing/routing-snapshot.js';
import { checkPolicyReferences } from '../../src/service/check-policy-references.js';
import { loadConfig } from '../../src/service/config-schema.js';

const manifest = loadPromptManifest('config/prompts.yaml');
const flows = validateFlows([...allFlows, ...dialogueFlows], manifest);
const config = loadConfig({ env: {} });

function snapshotWithGoldFlow(menuFlow: string) {
  const routing = structuredClone(config.routing) as typeof config.routing;
  (routing.tiers.gold as { menuFlow: string }).menuFlow = menuFlow;
  return buildSnapshot({ version: 1, changedBy: 'test', change: 'tier gold', routing, queues: config.queues });
}

describe('what a tier may name as its flow', () => {
  it('accepts the shipped configuration', () => {
    expect(() => checkPolicyReferences(snapshotWithGoldFlow(config.routing.tiers.gold.menuFlow), flows, manifest)).not.toThrow();
  });

  it('refuses a flow that does not exist', () => {
    expect(() => checkPolicyReferences(snapshotWithGoldFlow('no-such-flow'), flows, manifest)).toThrow(/tiers\.gold\.menuFlow: flow "no-such-flow" does not exist/);
  });

  it('refuses a dialogue or a flow that does not open with the greeting: the caller would never be greeted', () => {
    for (const flow of dialogueFlows) {
      expect(() => checkPolicyReferences(snapshotWithGoldFlow(flow.id), flows, manifest)).toThrow(/must be a call flow starting with a greeting or queue-at-once step/);
    }
    const withoutGreeting = allFlows.find((f) => f.steps[f.start]?.kind !== 'greeting');
    expect(withoutGreeting).toBeDefined();
    expect(() => checkPolicyReferences(snapshotWithGoldFlow(withoutGreeting!.id), flows, manifest)).toThrow(/must be a call flow starting with a greeting or queue-at-once step/);
  });
});
