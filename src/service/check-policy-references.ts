import { ValidationError } from '../errors.js';
import type { FlowSet } from '../flows/validate-flows.js';
import type { PromptManifest } from '../prompts/prompt-manifest.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';

/**
 * A tier or queue may only name flows and prompts that exist: checked at
 * start-up and again on every change made at run time.
 */
export function checkPolicyReferences(snapshot: RoutingSnapshot, flows: FlowSet, manifest: PromptManifest): void {
  for (const [id, tier] of Object.entries(snapshot.tiers)) {
    if (!manifest.has(tier.greetingPrompt)) {
      throw new ValidationError(`tiers.${id}.greetingPrompt: prompt "${tier.greetingPrompt}" is missing from the prompt manifest`, { field: `tiers.${id}.greetingPrompt` });
    }
    const flow = flows.get(tier.menuFlow);
    if (!flow) {
      throw new ValidationError(`tiers.${id}.menuFlow: flow "${tier.menuFlow}" does not exist`, { field: `tiers.${id}.menuFlow` });
    }
    // A tier's flow is what a caller on 10000 hears from the start: a call flow
    // (not a dialogue such as the callback offer) that opens with the tier's
    // greeting — a greeting step, or a queue-at-once step, which plays it.
    const opening = flow.steps[flow.start]?.kind;
    if (flow.runs !== 'call' || (opening !== 'greeting' && opening !== 'queue-at-once')) {
      throw new ValidationError(`tiers.${id}.menuFlow: flow "${tier.menuFlow}" must be a call flow starting with a greeting or queue-at-once step`, { field: `tiers.${id}.menuFlow` });
    }
  }
  for (const [id, queue] of Object.entries(snapshot.queues)) {
    if (!manifest.has(queue.namePrompt)) {
      throw new ValidationError(`queues.${id}.namePrompt: prompt "${queue.namePrompt}" is missing from the prompt manifest`, { field: `queues.${id}.namePrompt` });
    }
  }
}
