import type { FlowInput } from './flow-schema.js';
import { selfServiceFlow } from './self-service-flow.js';
import { diamondFlow, goldFlow, silverFlow, standardFlow } from './tier-flows.js';

/** Every flow the service runs; validated together at start-up. */
export const allFlows: readonly FlowInput[] = [selfServiceFlow, diamondFlow, goldFlow, silverFlow, standardFlow];

/** The flow a dialled access code starts in (10000 picks its flow from the tier policy). */
export const SELF_SERVICE_FLOW = 'self-service';
