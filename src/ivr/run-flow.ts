import type { Flow, Step, StepKind, StepOf } from '../flows/flow-schema.js';
import { resolveTarget } from '../flows/resolve-target.js';
import { askStep } from '../flows/steps/ask-step.js';
import { enterNumberStep } from '../flows/steps/enter-number-step.js';
import { playStep } from '../flows/steps/play-step.js';
import { sayAmountStep } from '../flows/steps/say-amount-step.js';
import { withheldNumberStep } from '../flows/steps/withheld-number-step.js';
import type { FlowSet } from '../flows/validate-flows.js';
import type { CallSession, SessionEnd, StepResult } from './call-session.js';
import type { IvrServices, StepContext } from './step-context.js';
import { collectStep } from './steps/collect-step.js';
import { greetingStep } from './steps/greeting-step.js';
import { hangupStep } from './steps/hangup-step.js';
import { menuStep } from './steps/menu-step.js';
import { queryStep } from './steps/query-step.js';
import { queueAtOnceStep } from './steps/queue-at-once-step.js';
import { sayStep } from './steps/say-step.js';
import { transferStep } from './steps/transfer-step.js';
import { verifyPasswordStep } from './steps/verify-password-step.js';

type Handler<K extends StepKind> = (step: StepOf<K>, ctx: StepContext) => Promise<StepResult>;

/** One handler per step kind: the factory that turns flow data into behaviour. */
const HANDLERS: { [K in StepKind]: Handler<K> } = {
  'play': playStep,
  'greeting': greetingStep,
  'menu': menuStep,
  'collect': collectStep,
  'verify-password': verifyPasswordStep,
  'query': queryStep,
  'say': sayStep,
  'transfer': transferStep,
  'queue-at-once': queueAtOnceStep,
  'hangup': hangupStep,
  'goto': async (step) => ({ next: step.target }),
  'ask': askStep,
  'enter-number': enterNumberStep,
  'withheld-number': withheldNumberStep,
  'say-amount': sayAmountStep,
  // Validation keeps `done` out of call flows: only a dialogue hands a result back (run-dialogue.ts).
  'done': async (_step, ctx) => { throw new Error(`flow ${ctx.flow.id} step ${ctx.stepId}: a done step in a call flow`); },
};

/** Steps in a row without any caller interaction before we call it a loop in the flow data. */
const MAX_SILENT_STEPS = 100;

/**
 * Runs a session through the flows, one step at a time, from `flowId:stepId`
 * until a step ends it. The caller hanging up at any step ends the session
 * with no work left behind: each step resolves (never throws) when the call
 * is gone, and nothing here holds timers of its own.
 */
export async function runFlow(
  session: CallSession,
  flows: FlowSet,
  services: IvrServices,
  start: { flow: string; step?: string },
): Promise<SessionEnd> {
  let flow = mustFlow(flows, start.flow);
  let stepId = start.step ?? flow.start;
  let silent = 0;
  for (;;) {
    if (session.call.gone) return callerGone(session);
    const step = flow.steps[stepId];
    if (!step) throw new Error(`flow ${flow.id} has no step ${stepId}`);
    session.log.debug({ flow: flow.id, step: stepId, kind: step.kind }, 'step');
    const result = await runStep(step, { session, services, flow, stepId, timeScale: services.timeScale ?? 1 });
    if ('end' in result) {
      return result.end.outcome === 'caller-hangup' ? callerGone(session) : result.end;
    }
    silent = step.kind === 'goto' || step.kind === 'query' ? silent + 1 : 0;
    if (silent > MAX_SILENT_STEPS) throw new Error(`flow ${flow.id} loops without playing anything (at ${stepId})`);
    [flow, stepId] = resolveTarget(flows, flow, result.next);
  }
}

function runStep(step: Step, ctx: StepContext): Promise<StepResult> {
  return (HANDLERS[step.kind] as Handler<StepKind>)(step as StepOf<StepKind>, ctx);
}

/** A caller who heard what they came for and hung up was served, not lost. */
function callerGone(session: CallSession): SessionEnd {
  return { outcome: session.asked.length > 0 ? 'self-service' : 'caller-hangup' };
}

function mustFlow(flows: FlowSet, id: string): Flow {
  const flow = flows.get(id);
  if (!flow) throw new Error(`no flow ${id}`);
  return flow;
}
