import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { FlowInput } from './flow-schema.js';

const menuKey = z.string().regex(/^[0-9*#]$/, 'menu keys are single digits, * or #');

/**
 * The `ivr` section: in which order each menu reads its options,
 * `"flow:step": [keys]`. The most used choice first: a caller who wants it
 * presses its key after one short sentence. Keys not listed follow in the
 * flow's own order; a key the menu does not have stops the start-up.
 */
export const ivrConfigSchema = z.object({
  menuOrder: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9-]*:[a-z0-9][a-z0-9-]*$/, 'a menu is named "flow:step"'),
    z.array(menuKey).min(1, 'list at least one key'),
  ).default({}),
}).strict();

export type IvrConfig = z.output<typeof ivrConfigSchema>;

/** The flows with each configured menu's order put in; validateFlows then checks the keys. */
export function applyMenuOrder(flows: readonly FlowInput[], menuOrder: Readonly<Record<string, readonly string[]>>): FlowInput[] {
  const byId = new Map(flows.map((flow) => [flow.id, flow]));
  const changed = new Map<string, FlowInput>();
  for (const [menu, order] of Object.entries(menuOrder)) {
    const [flowId, stepId] = menu.split(':') as [string, string];
    const flow = changed.get(flowId) ?? byId.get(flowId);
    if (!flow) throw new ConfigError(`ivr.menuOrder."${menu}": there is no flow ${flowId}`, { menu });
    const step = flow.steps[stepId];
    if (!step) throw new ConfigError(`ivr.menuOrder."${menu}": flow ${flowId} has no step ${stepId}`, { menu });
    if (step.kind !== 'menu') throw new ConfigError(`ivr.menuOrder."${menu}": step ${stepId} is a ${step.kind} step, not a menu`, { menu });
    changed.set(flowId, { ...flow, steps: { ...flow.steps, [stepId]: { ...step, order: [...order] } } });
  }
  return flows.map((flow) => changed.get(flow.id) ?? flow);
}
