import type { Flow } from './flow-schema.js';
import type { FlowSet } from './validate-flows.js';

/** The flow and step a target (`step` of this flow, or `flow:step`) leads to. */
export function resolveTarget(flows: FlowSet, current: Flow, target: string): [Flow, string] {
  const at = target.indexOf(':');
  if (at < 0) return [current, target];
  const id = target.slice(0, at);
  const flow = flows.get(id);
  if (!flow) throw new Error(`no flow ${id}`);
  return [flow, target.slice(at + 1)];
}
