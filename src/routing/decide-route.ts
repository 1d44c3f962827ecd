import type { Customer, TierId } from '../customers/customer.js';
import { NotFoundError } from '../errors.js';
import { importantBecause } from './important-customer.js';
import { overflowPlan } from './overflow-plan.js';
import type { RoutingSnapshot } from './routing-snapshot.js';
import type { Need, RouteDecision, TransferContext } from './types.js';

export interface RouteInput {
  /** The access number the caller dialled (10000, or a dedicated line listed in needsByNumber). */
  dialled: string;
  /** The need chosen in the menus; null when it could not be identified (timeouts, "talk to someone"). */
  need: Need | null;
  tier: TierId;
  customer: Customer | null;
  /** The snapshot taken when the call is routed. */
  policy: RoutingSnapshot;
  transfer: TransferContext | null;
}

/** Rule 2: calls whose need is not known wait for general agents. */
const GENERAL_QUEUE = 'general';

/**
 * Where a call waits and which agents may take it, by the five routing rules
 * below (the README lists them too, under "Value tiers and routing"):
 *  1. the need (from the menu, else from the number dialled) picks the skill
 *     queue; after the queue's overflow time higher-level general agents are
 *     also offered the call;
 *  2. no identified need: the general queue;
 *  3. a transfer (from an agent or from self-service) gets the transfer
 *     priority, above every tier; the caller's context travels separately
 *     with the call and is not touched here;
 *  4. big and important customers get the highest-level qualified agent;
 *  5. the queue's aging rate applies while the call waits (effectivePriority).
 * Every call needs at least its tier's agent level.
 */
export function decideRoute(input: RouteInput): RouteDecision {
  const { policy, tier, customer, transfer, dialled } = input;
  const tierPolicy = Object.hasOwn(policy.tiers, tier) ? policy.tiers[tier] : undefined;
  if (tierPolicy === undefined) throw new NotFoundError('tier', tier);

  const rules = new Set<number>();
  const reasons: string[] = [];

  const numberNeed = Object.hasOwn(policy.needsByNumber, dialled) ? policy.needsByNumber[dialled]! : null;
  const need = input.need ?? numberNeed;
  let queueId: string;
  if (need === null) {
    queueId = GENERAL_QUEUE;
    rules.add(2);
    reasons.push(`need not identified on ${dialled} → ${queueId}`);
  } else {
    queueId = need;
    rules.add(1);
    reasons.push(input.need === null ? `${dialled} is the ${need} line → ${queueId}` : `need ${need} → ${queueId}`);
  }
  const queue = Object.hasOwn(policy.queues, queueId) ? policy.queues[queueId] : undefined;
  if (queue === undefined) throw new NotFoundError('queue', queueId);

  let priority = tierPolicy.queuePriority;
  if (transfer !== null) {
    priority = policy.transferPriority;
    rules.add(3);
    reasons.push(`${describeTransfer(transfer)}: transfer priority ${priority}`);
  } else {
    reasons.push(`${tier} priority ${priority}`);
  }

  const minAgentLevel = tierPolicy.minAgentLevel;
  reasons.push(`agent level ≥ ${minAgentLevel}`);

  const important = importantBecause(tier, customer, policy.importantCustomers);
  if (important !== null) {
    rules.add(4);
    reasons.push(`important customer (${important}): highest-level agent first`);
  }

  const overflow = overflowPlan(queue, minAgentLevel);
  if (overflow !== null) {
    rules.add(1);
    reasons.push(`after ${queue.overflowAfterSec} s also ${overflow.skill} agents level ≥ ${overflow.minAgentLevel}`);
  }

  if (queue.agingPerMinute > 0) {
    rules.add(5);
    reasons.push(`aging +${queue.agingPerMinute}/min`);
  }

  return {
    queue: queue.id,
    skill: queue.skill,
    priority,
    minAgentLevel,
    preferHighestLevel: important !== null,
    overflow,
    tier,
    agingPerMinute: queue.agingPerMinute,
    policyVersion: policy.version,
    rules: [...rules].sort((a, b) => a - b),
    reason: reasons.join('; '),
  };
}

function describeTransfer(transfer: TransferContext): string {
  if (transfer.from === 'self-service') return 'transferred from self-service';
  const who = transfer.fromAgent ? ` ${transfer.fromAgent}` : '';
  const where = transfer.fromQueue ? ` (queue ${transfer.fromQueue})` : '';
  return `transferred from agent${who}${where}`;
}
