import { ConfigError } from '../errors.js';
import { menuPrompts } from './menu-prompts.js';
import { DIALOGUE_STEP_KINDS, flowSchema, type Flow, type FlowInput, type Step, type StepOf } from './flow-schema.js';

export interface PromptCatalog {
  has(id: string): boolean;
}

export class FlowError extends ConfigError {
  constructor(flow: string, step: string | null, problem: string) {
    super(`flow ${flow}${step ? ` step ${step}` : ''}: ${problem}`, { flow, step });
  }
}

/** A validated, immutable set of flows keyed by id. */
export type FlowSet = ReadonlyMap<string, Flow>;

/**
 * Validates flows as a whole: each against the schema, then every target
 * (same-flow `step` or `flow:step`), reachability of every step, and every
 * prompt against the manifest. The first problem stops start-up with a message
 * naming the flow and the step.
 */
export function validateFlows(inputs: readonly FlowInput[], prompts: PromptCatalog): FlowSet {
  const flows = new Map<string, Flow>();
  for (const input of inputs) {
    const id = typeof input?.id === 'string' ? input.id : '(unnamed)';
    const parsed = flowSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const [section, step, ...rest] = issue.path.map(String);
      const where = section === 'steps' && step ? step : null;
      const field = section === 'steps' ? rest.join('.') : issue.path.join('.');
      // zod reports a bad record key as "Invalid key in record" with the reason nested.
      const nested = (issue as { issues?: { message: string }[] }).issues?.[0]?.message;
      throw new FlowError(id, where, `${field ? `${field}: ` : ''}${nested ?? issue.message}`);
    }
    if (flows.has(parsed.data.id)) throw new FlowError(parsed.data.id, null, 'defined twice');
    flows.set(parsed.data.id, parsed.data);
  }

  const entered = new Map<string, Set<string>>();
  for (const flow of flows.values()) entered.set(flow.id, new Set([flow.start]));

  const resolve = (flow: Flow, from: string | null, ref: string): void => {
    const [flowId, stepId] = ref.includes(':') ? ref.split(':') as [string, string] : [flow.id, ref];
    const other = flows.get(flowId);
    if (!other) throw new FlowError(flow.id, from, `target "${ref}" names a flow that does not exist`);
    if (!other.steps[stepId]) throw new FlowError(flow.id, from, `target "${ref}" names a step that does not exist`);
    if (other.runs !== flow.runs) throw new FlowError(flow.id, from, `target "${ref}" leads from a ${flow.runs} flow into a ${other.runs} flow`);
    entered.get(flowId)!.add(stepId);
  };

  for (const flow of flows.values()) {
    if (!flow.steps[flow.start]) throw new FlowError(flow.id, null, `start step "${flow.start}" does not exist`);
    resolve(flow, null, flow.onExhausted);
    resolve(flow, null, flow.onZero);
    for (const id of [...flow.noInputPrompts, ...flow.invalidPrompts]) {
      if (!prompts.has(id)) throw new FlowError(flow.id, null, `prompt "${id}" is missing from the prompt manifest`);
    }
    for (const [stepId, step] of Object.entries(flow.steps)) {
      checkKind(flow, stepId, step);
      if (step.kind === 'menu') checkMenu(flow, stepId, step);
      for (const ref of targetsOf(step)) resolve(flow, stepId, ref);
      for (const id of promptsOf(step)) {
        if (!prompts.has(id)) throw new FlowError(flow.id, stepId, `prompt "${id}" is missing from the prompt manifest`);
      }
    }
  }

  // Reachability: from each flow's start and from wherever another flow enters it.
  for (const flow of flows.values()) {
    const seen = new Set<string>();
    const todo = [...entered.get(flow.id)!];
    while (todo.length) {
      const id = todo.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const ref of targetsOf(flow.steps[id]!)) if (!ref.includes(':')) todo.push(ref);
      for (const ref of [flow.onExhausted, flow.onZero]) if (!ref.includes(':')) todo.push(ref);
    }
    for (const id of Object.keys(flow.steps)) {
      if (!seen.has(id)) throw new FlowError(flow.id, id, 'step is unreachable');
    }
  }
  return flows;
}

/** A dialogue runs on a line with no IVR session behind it; only a dialogue hands a result back. */
function checkKind(flow: Flow, stepId: string, step: Step): void {
  const dialogueKind = (DIALOGUE_STEP_KINDS as readonly string[]).includes(step.kind);
  if (flow.runs === 'dialogue' && !dialogueKind) {
    throw new FlowError(flow.id, stepId, `a ${step.kind} step cannot run in a dialogue flow`);
  }
  if (flow.runs === 'call' && step.kind === 'done') {
    throw new FlowError(flow.id, stepId, 'a done step ends dialogue flows only');
  }
}

function optionPrompts(options: Record<string, { prompt?: string }>): string[] {
  return Object.values(options).flatMap((o) => (o.prompt ? [o.prompt] : []));
}

/** A menu's order names each of its keys once, and only keys with a prompt to say. */
function checkMenu(flow: Flow, stepId: string, step: StepOf<'menu'>): void {
  const order = step.order ?? [];
  for (const [i, key] of order.entries()) {
    const option = step.options[key];
    if (!option) throw new FlowError(flow.id, stepId, `order: key "${key}" is not one of the menu's options`);
    if (!option.prompt) throw new FlowError(flow.id, stepId, `order: option "${key}" has no prompt to read`);
    if (order.indexOf(key) !== i) throw new FlowError(flow.id, stepId, `order: key "${key}" is listed twice`);
  }
  if (menuPrompts(step).length === 0) throw new FlowError(flow.id, stepId, 'the menu says nothing: give it prompts or option prompts');
}

export function targetsOf(step: Step): string[] {
  switch (step.kind) {
    case 'play':
    case 'say-amount':
    case 'greeting': return [step.next];
    case 'menu': return [
      ...Object.values(step.options).map((o) => o.next),
      ...(step.onNoInput ? [step.onNoInput] : []),
      ...(step.onExhausted ? [step.onExhausted] : []),
    ];
    case 'collect': return [step.next, ...(step.onExhausted ? [step.onExhausted] : [])];
    case 'verify-password': return [step.next, step.onLocked, step.onUnavailable, step.onUnknownCustomer];
    case 'query': return [step.next, step.onUnavailable, step.onUnknownCustomer];
    case 'say': return [step.next];
    case 'goto': return [step.target];
    case 'ask': return [...Object.values(step.options), step.otherwise];
    case 'enter-number': return [step.next, step.onExhausted];
    case 'withheld-number': return [step.withheld, step.otherwise];
    case 'queue-at-once': return Object.values(step.options).map((o) => o.next);
    case 'done':
    case 'transfer':
    case 'hangup': return [];
  }
}

function promptsOf(step: Step): string[] {
  switch (step.kind) {
    case 'play':
    case 'say-amount':
    case 'collect':
    case 'hangup': return step.prompts;
    case 'menu': return menuPrompts(step);
    case 'queue-at-once': return [...step.prompts, ...optionPrompts(step.options)];
    case 'ask': return [...step.prompts, ...step.noInputPrompts, ...step.invalidPrompts];
    case 'enter-number': return [...step.prompts, ...step.invalidPrompts, ...step.readBackBefore, ...step.readBackAfter];
    default: return [];
  }
}
