import type { Flow, StepOf } from '../flows/flow-schema.js';
import { menuPrompts } from '../flows/menu-prompts.js';
import { resolveTarget } from '../flows/resolve-target.js';
import type { FlowSet } from '../flows/validate-flows.js';
import { sayDuration } from '../prompts/say-duration.js';
import { sayPhone } from '../prompts/say-phone.js';
import type { Lang } from '../prompts/spoken.js';
import { decideRoute } from '../routing/decide-route.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import type { Need, TierId } from '../routing/types.js';

/** One thing on a caller's way to an agent: a prompt heard, a wait for a key, a key pressed, the ring. */
export interface PathStep {
  kind: 'heard' | 'waited' | 'pressed' | 'rung';
  /** The prompt id, what the wait is for, the key and its label, or the queue whose agent is rung. */
  what: string;
  /** Seconds this step takes: a prompt's length, a wait's timeout; 0 for a key and the ring. */
  seconds: number;
}

/** A caller's way from the answer to an agent rung, or to where it stops without one. */
export interface CallerPath {
  /** Seconds from the answer to the agent's phone ringing; null when no agent is rung. */
  seconds: number | null;
  /** The queue whose agent is rung; null when none is. */
  queue: string | null;
  steps: PathStep[];
  /** The keys pressed, in order. */
  keys: string[];
  /** Why no agent is rung (a self-service step, a loop in the flows); null when one is. */
  stopped: string | null;
}

/**
 * How the modelled caller behaves: `silent` presses nothing anywhere; `common`
 * presses, at each menu, the key read first (the most used choice), as soon as
 * its option has been said.
 */
export type CallerBehaviour = 'silent' | 'common';

export interface PathWorld {
  flows: FlowSet;
  routing: RoutingSnapshot;
  tier: TierId;
  /** What the greeting step plays: the tier's greeting, then the recording notice where calls are recorded. */
  greeting: readonly string[];
  /** The number dialled (10000): routing may take a need from it. */
  dialled: string;
  /** Calls routed here hear their complaint ticket before the queue (care.complaints.queue). */
  complaintQueue: string;
  lang: Lang;
  /** How long a prompt plays, in seconds, in `lang`. */
  seconds: (promptId: string) => number;
}

/**
 * A complaint ticket's number, for its announcement's length: a day and a
 * four-digit sequence, as the ticket store writes them.
 */
const TYPICAL_TICKET_NUMBER = '202601010001';

/**
 * Walks the flows from `start` the way the IVR runs them (src/ivr/steps),
 * timing what the caller hears and waits for until an agent is rung. The walk
 * follows the flow data, not a picture of today's menus, so a new step or
 * option is timed as the IVR will play it. A step visited twice is a loop for
 * this caller (pressing the same keys again leads round again) and ends the
 * walk, as does any step that serves the caller itself (self-service queries,
 * password, hang-up).
 */
export function walkPath(world: PathWorld, behaviour: CallerBehaviour, start: { flow: string; step?: string }): CallerPath {
  const steps: PathStep[] = [];
  const visited = new Set<string>();
  const heard = (ids: readonly string[]) => {
    for (const id of ids) steps.push({ kind: 'heard', what: id, seconds: world.seconds(id) });
  };
  const total = () => steps.reduce((sum, step) => sum + step.seconds, 0);
  const keys: string[] = [];
  const stop = (why: string): CallerPath => ({ seconds: null, queue: null, steps, keys, stopped: why });

  let flow = mustFlow(world.flows, start.flow);
  let stepId = start.step ?? flow.start;
  for (;;) {
    const at = `${flow.id}:${stepId}`;
    if (visited.has(at)) return stop(`loops back to ${at}`);
    visited.add(at);
    const step = flow.steps[stepId];
    if (!step) return stop(`${at} does not exist`);

    let next: string;
    switch (step.kind) {
      case 'greeting':
        heard(world.greeting);
        next = step.next;
        break;
      case 'play':
        heard(step.prompts);
        next = step.next;
        break;
      case 'goto':
        next = step.target;
        break;
      case 'menu': {
        const key = behaviour === 'common' ? commonKey(step) : null;
        if (key === null) {
          next = staySilent(flow, step, heard, steps);
        } else {
          keys.push(key);
          next = pressKey(step, key, heard, steps);
        }
        break;
      }
      case 'transfer': {
        // The hand-off: route, any complaint ticket, "connecting you to" + the queue's name, then the queue.
        const queue = route(world, step.need, heard);
        heard(['route/connecting-to', world.routing.queues[queue]?.namePrompt ?? 'queue/general']);
        steps.push({ kind: 'rung', what: queue, seconds: 0 });
        return { seconds: total(), queue, steps, keys, stopped: null };
      }
      case 'queue-at-once': {
        // Queued before the greeting: the agent is rung while it plays, so none of it delays the ring.
        // The common caller presses nothing here: a key would take them out of the queue.
        const queue = route(world, step.need, heard);
        steps.push({ kind: 'rung', what: `${queue}, queued at once: the greeting and its menu play while it rings`, seconds: 0 });
        return { seconds: total(), queue, steps, keys, stopped: null };
      }
      default:
        return stop(`reaches the ${step.kind} step ${at} before any agent`);
    }
    [flow, stepId] = resolveTarget(world.flows, flow, next);
  }
}

/** The keys of a menu in the order its options are read (as menuPrompts reads them). */
export function readingOrder(step: StepOf<'menu'>): string[] {
  return [...(step.order ?? []), ...Object.keys(step.options).filter((key) => !step.order?.includes(key))];
}

/** The key read first: the most used choice. Null for a menu without options. */
export function commonKey(step: StepOf<'menu'>): string | null {
  return readingOrder(step)[0] ?? null;
}

/**
 * The caller presses `key` the moment its option has been said (barge-in): the
 * menu's own prompts and the options read up to and including it. An option
 * not said on its own is pressed once the whole menu has been heard.
 */
function pressKey(step: StepOf<'menu'>, key: string, heard: (ids: readonly string[]) => void, steps: PathStep[]): string {
  const option = step.options[key]!;
  if (option.prompt) {
    const keys = readingOrder(step);
    const upTo = keys.slice(0, keys.indexOf(key) + 1);
    heard([...step.prompts, ...upTo.flatMap((k) => (step.options[k]?.prompt ? [step.options[k].prompt] : []))]);
  } else {
    heard(menuPrompts(step));
  }
  steps.push({ kind: 'pressed', what: option.label ? `${key} (${option.label})` : key, seconds: 0 });
  return option.next;
}

/** The menu, the wait for a key, and the retries the menu step gives a silent caller. */
function staySilent(flow: Flow, step: StepOf<'menu'>, heard: (ids: readonly string[]) => void, steps: PathStep[]): string {
  const waitSeconds = (step.firstKeyTimeoutMs ?? flow.firstKeyTimeoutMs) / 1000;
  const said = menuPrompts(step);
  heard(said);
  steps.push({ kind: 'waited', what: 'a key', seconds: waitSeconds });
  if (step.onNoInput) return step.onNoInput;
  const retries = step.retries ?? flow.retries;
  for (let retry = 1; retry <= retries; retry++) {
    heard([...flow.noInputPrompts, ...said]);
    steps.push({ kind: 'waited', what: `a key (retry ${retry})`, seconds: waitSeconds });
  }
  return step.onExhausted ?? flow.onExhausted;
}

/** The queue routing picks, and the complaint ticket's announcement a complaint hears before it. */
function route(world: PathWorld, need: Need | null, heard: (ids: readonly string[]) => void): string {
  const decision = decideRoute({ dialled: world.dialled, need, tier: world.tier, customer: null, policy: world.routing, transfer: null });
  if (decision.queue === world.complaintQueue) {
    const deadlineSec = world.routing.tiers[world.tier].complaintDeadlineSec;
    heard([
      'complaint/ticket-opened',
      ...sayDuration(deadlineSec, world.lang).ids,
      'complaint/ticket-number',
      ...sayPhone(TYPICAL_TICKET_NUMBER, world.lang).ids,
    ]);
  }
  return decision.queue;
}

function mustFlow(flows: FlowSet, id: string): Flow {
  const flow = flows.get(id);
  if (!flow) throw new Error(`no flow ${id}`);
  return flow;
}
