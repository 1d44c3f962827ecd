import type { DialogueContext, DialogueLine, LineStepResult } from './dialogue-context.js';
import type { DialogueStepKind, StepOf } from './flow-schema.js';
import { resolveTarget } from './resolve-target.js';
import type { FlowSet } from './validate-flows.js';
import { askStep } from './steps/ask-step.js';
import { enterNumberStep } from './steps/enter-number-step.js';
import { playStep } from './steps/play-step.js';
import { sayAmountStep } from './steps/say-amount-step.js';
import { withheldNumberStep } from './steps/withheld-number-step.js';

type Handler<K extends DialogueStepKind> = (step: StepOf<K>, ctx: DialogueContext) => Promise<LineStepResult>;

const HANDLERS: { [K in Exclude<DialogueStepKind, 'done'>]: Handler<K> } = {
  'play': playStep,
  'ask': askStep,
  'enter-number': enterNumberStep,
  'withheld-number': withheldNumberStep,
  'goto': async (step) => ({ next: step.target }),
  'say-amount': sayAmountStep,
};

/** How a dialogue ended: at a `done` step with its result, with the line gone, or stopped from outside. */
export type DialogueEnd =
  | { kind: 'done'; result: string }
  | { kind: 'caller-gone' }
  | { kind: 'stopped' };

export interface DialogueOptions {
  /** Multiplies every caller timeout (1 in service). */
  timeScale: number;
  /** Aborting stops the step in progress and ends the dialogue as `stopped`. */
  signal?: AbortSignal;
}

/** Steps in a row without any caller interaction before we call it a loop in the flow data. */
const MAX_SILENT_STEPS = 100;

/**
 * Runs a dialogue flow (validated with the rest at start-up) on a line, one
 * step at a time, until a `done` step hands its result back. Like `runFlow`,
 * nothing here holds timers: the steps wait on the line's own prompts and keys.
 */
export async function runDialogue(
  line: DialogueLine,
  flows: FlowSet,
  start: { flow: string; step?: string },
  options: DialogueOptions,
): Promise<DialogueEnd> {
  let flow = flows.get(start.flow);
  if (flow?.runs !== 'dialogue') throw new Error(`no dialogue flow ${start.flow}`);
  let stepId = start.step ?? flow.start;
  let silent = 0;
  for (;;) {
    if (options.signal?.aborted) return { kind: 'stopped' };
    if (line.call.gone) return { kind: 'caller-gone' };
    const step = flow.steps[stepId];
    if (!step) throw new Error(`flow ${flow.id} has no step ${stepId}`);
    if (step.kind === 'done') return { kind: 'done', result: step.result };
    if (step.kind !== 'play' && step.kind !== 'ask' && step.kind !== 'enter-number' && step.kind !== 'withheld-number' && step.kind !== 'goto' && step.kind !== 'say-amount') {
      throw new Error(`flow ${flow.id} step ${stepId}: a ${step.kind} step cannot run in a dialogue`);
    }
    line.log.debug({ flow: flow.id, step: stepId, kind: step.kind }, 'dialogue step');
    const ctx: DialogueContext = { session: line, flow, stepId, timeScale: options.timeScale, ...(options.signal ? { signal: options.signal } : {}) };
    const result = await (HANDLERS[step.kind] as Handler<DialogueStepKind>)(step as StepOf<DialogueStepKind>, ctx);
    if ('end' in result) return options.signal?.aborted ? { kind: 'stopped' } : { kind: 'caller-gone' };
    silent = step.kind === 'goto' || step.kind === 'withheld-number' ? silent + 1 : 0;
    if (silent > MAX_SILENT_STEPS) throw new Error(`flow ${flow.id} loops without playing anything (at ${stepId})`);
    [flow, stepId] = resolveTarget(flows, flow, result.next);
  }
}
