import { callbackOfferFlow } from './callback-offer-flow.js';
import { noticeFlow, reminderFlow } from './campaign-flows.js';
import type { FlowInput } from './flow-schema.js';
import { selfServiceFlow } from './self-service-flow.js';
import { surveyFlow } from './survey-flow.js';
import { diamondFlow, goldFlow, silverFlow, standardFlow } from './tier-flows.js';

/** Every flow a caller runs through from the switch; validated at start-up with the dialogues. */
export const allFlows: readonly FlowInput[] = [selfServiceFlow, diamondFlow, goldFlow, silverFlow, standardFlow];

/** The conversations other parts of the service hold on a line: the callback offer, the survey, the campaigns' messages. */
export const dialogueFlows: readonly FlowInput[] = [callbackOfferFlow, surveyFlow, reminderFlow, noticeFlow];

/** The flow a dialled access code starts in (10000 picks its flow from the tier policy). */
export const SELF_SERVICE_FLOW = 'self-service';
