import { ValidationError } from '../errors.js';
import type { FlowInput } from '../flows/flow-schema.js';
import { FlowError, validateFlows, type FlowSet, type PromptCatalog } from '../flows/validate-flows.js';

/**
 * The flows campaigns run: the shipped ones (validated with every flow at
 * start-up) and a campaign's own, given when it is created and checked then
 * as a dialogue flow of its own against the prompt manifest — a flow naming a
 * prompt that does not exist is refused there, never heard as silence.
 */
export class CampaignFlows {
  private readonly own = new Map<string, FlowSet>();

  constructor(private readonly shipped: FlowSet, private readonly prompts: PromptCatalog) {}

  /** A shipped flow fit for a campaign: a dialogue. */
  isShipped(id: string): boolean {
    return this.shipped.get(id)?.runs === 'dialogue';
  }

  /** Checks a campaign's own flow; a 400 naming the flow, the step and the problem. */
  check(input: unknown): { id: string; flows: FlowSet } {
    const flow = input as FlowInput;
    if (typeof flow !== 'object' || flow === null) throw new ValidationError('flow: must be a flow id or a flow', { field: 'flow' });
    if (flow.runs !== 'dialogue') throw new ValidationError('flow.runs: a campaign\'s flow must be a dialogue ("runs": "dialogue")', { field: 'flow.runs' });
    if (typeof flow.id === 'string' && this.shipped.has(flow.id)) throw new ValidationError(`flow.id: "${flow.id}" is a shipped flow; give the campaign's own flow an id of its own`, { field: 'flow.id' });
    try {
      const flows = validateFlows([flow], this.prompts);
      return { id: flow.id, flows };
    } catch (err) {
      if (err instanceof FlowError) throw new ValidationError(`flow: ${err.message}`, { field: 'flow', ...err.details });
      throw err;
    }
  }

  /** The flows a campaign's calls run in: its own flow, or the shipped ones. */
  of(campaign: { id: string; ownFlow: string | null }): FlowSet {
    if (!campaign.ownFlow) return this.shipped;
    let flows = this.own.get(campaign.id);
    if (!flows) {
      flows = validateFlows([JSON.parse(campaign.ownFlow) as FlowInput], this.prompts);
      this.own.set(campaign.id, flows);
    }
    return flows;
  }
}
