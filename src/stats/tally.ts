import { WaitHistogram } from './wait-histogram.js';

/**
 * The counts behind the figures of one queue or one tier over one period.
 * Every call is counted in the period in which it entered the queue (see
 * README, "Statistics: definitions"), so a period's counts always add up.
 */
export interface Tally {
  /** `queued` events: entries into the queue, short abandons included. */
  entered: number;
  answered: number;
  /** Abandons after the short-abandon threshold. */
  abandoned: number;
  /** Abandons before it: not counted as offered, abandoned or in the service level. */
  shortAbandoned: number;
  /** Taken out of the queue unanswered, e.g. the caller chose a callback. */
  left: number;
  /** Sum of the waits of answered calls, ms (for ASA). */
  answeredWaitMs: number;
  answeredWaits: WaitHistogram;
  /** Waits of abandons after the short-abandon threshold. */
  abandonedWaits: WaitHistogram;
  /** Calls whose talk time is known (`agent-ended`). */
  talked: number;
  talkMs: number;
  callbacksRequested: number;
}

export function emptyTally(): Tally {
  return {
    entered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, left: 0,
    answeredWaitMs: 0, answeredWaits: new WaitHistogram(), abandonedWaits: new WaitHistogram(),
    talked: 0, talkMs: 0, callbacksRequested: 0,
  };
}

/** Adds `from` into `into`. */
export function addTally(into: Tally, from: Tally): void {
  into.entered += from.entered;
  into.answered += from.answered;
  into.abandoned += from.abandoned;
  into.shortAbandoned += from.shortAbandoned;
  into.left += from.left;
  into.answeredWaitMs += from.answeredWaitMs;
  into.answeredWaits.addAll(from.answeredWaits);
  into.abandonedWaits.addAll(from.abandonedWaits);
  into.talked += from.talked;
  into.talkMs += from.talkMs;
  into.callbacksRequested += from.callbacksRequested;
}
