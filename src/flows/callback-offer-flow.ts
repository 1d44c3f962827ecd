import type { FlowInput } from './flow-schema.js';

/** The results the hold experience acts on; any other result means keep waiting. */
export const CALLBACK_TO_CALLER_NUMBER = 'callback-to-caller-number';
export const CALLBACK_TO_ENTERED_NUMBER = 'callback-to-entered-number';
/** The session variable holding a number the caller entered and confirmed. */
export const CALLBACK_NUMBER_VAR = 'callbackNumber';

/**
 * The callback offer, heard over the hold music when the estimated wait
 * passes the tier's threshold or the caller presses the callback key: 1 = call
 * me back on this number, 2 = on another number (entered, read back,
 * confirmed), anything else or silence = keep waiting. A caller whose number is
 * withheld is asked for one straight away.
 */
export const callbackOfferFlow: FlowInput = {
  id: 'callback-offer',
  description: 'callback offer to a waiting caller, with number entry and confirmation',
  runs: 'dialogue',
  start: 'number-known',
  onExhausted: 'keep-waiting',
  onZero: 'keep-waiting',
  steps: {
    'number-known': { kind: 'withheld-number', withheld: 'withheld', otherwise: 'offer' },
    'offer': {
      kind: 'ask',
      prompts: ['cb/offer'],
      options: { '1': 'this-number', '2': 'enter-number' },
      firstKeyTimeoutMs: 5000,
      interKeyTimeoutMs: 1000,
      otherwise: 'keep-waiting',
    },
    'withheld': { kind: 'play', prompts: ['cb/withheld-enter-number'], bargeIn: false, next: 'enter-number' },
    'enter-number': {
      kind: 'enter-number',
      prompts: ['cb/enter-number'],
      into: CALLBACK_NUMBER_VAR,
      minDigits: 5,
      maxDigits: 15,
      firstKeyTimeoutMs: 8000,
      interKeyTimeoutMs: 4000,
      invalidPrompts: ['common/invalid-choice'],
      readBackBefore: ['cb/number-is'],
      readBackAfter: ['cb/confirm-number'],
      confirmKey: '1',
      confirmFirstKeyTimeoutMs: 5000,
      confirmInterKeyTimeoutMs: 1000,
      attempts: 3,
      next: 'other-number',
      onExhausted: 'keep-waiting',
    },
    'this-number': { kind: 'done', result: CALLBACK_TO_CALLER_NUMBER },
    'other-number': { kind: 'done', result: CALLBACK_TO_ENTERED_NUMBER },
    'keep-waiting': { kind: 'done', result: 'keep-waiting' },
  },
};
