import type { FlowInput } from './flow-schema.js';

/** The session variable holding the key the customer answered with (1-5 a score, 0 a comment). */
export const SURVEY_ANSWER_VAR = 'surveyAnswer';
/** The result of a comment: the care books its callback, then the dialogue goes on at `SURVEY_THANKS_STEP`. */
export const SURVEY_COMMENT_TAKEN = 'comment-taken';
export const SURVEY_THANKS_STEP = 'thanks';
/** The result once the customer was thanked: the care hangs up. */
export const SURVEY_THANKED = 'thanked';

/**
 * The satisfaction follow-up call: the intro, then "press 1 to 5, or 0 to
 * leave a comment", asked twice at most ("we did not hear you" / "that is not
 * a choice" after each miss), then the thanks. A comment is announced, booked
 * as a callback by the care, then thanked.
 */
export const surveyFlow: FlowInput = {
  id: 'survey',
  description: 'satisfaction survey call after a handled call',
  runs: 'dialogue',
  start: 'intro',
  onExhausted: SURVEY_THANKS_STEP,
  onZero: SURVEY_THANKS_STEP,
  steps: {
    'intro': { kind: 'play', prompts: ['survey/intro'], bargeIn: false, next: 'question' },
    'question': {
      kind: 'ask',
      prompts: ['survey/question'],
      options: { '1': 'thanks', '2': 'thanks', '3': 'thanks', '4': 'thanks', '5': 'thanks', '0': 'comment' },
      into: SURVEY_ANSWER_VAR,
      firstKeyTimeoutMs: 8000,
      interKeyTimeoutMs: 1000,
      attempts: 2,
      noInputPrompts: ['common/no-input'],
      invalidPrompts: ['common/invalid-choice'],
      otherwise: SURVEY_THANKS_STEP,
    },
    'comment': { kind: 'play', prompts: ['survey/comment'], bargeIn: false, next: 'comment-taken' },
    'comment-taken': { kind: 'done', result: SURVEY_COMMENT_TAKEN },
    [SURVEY_THANKS_STEP]: { kind: 'play', prompts: ['survey/thanks'], bargeIn: false, next: 'thanked' },
    'thanked': { kind: 'done', result: SURVEY_THANKED },
  },
};
