import { systemClock, type Clock } from '../time/clock.js';
import type { CallbackDesk } from '../callbacks/callback-desk.js';
import type { CallbacksNow, SurveysNow } from '../stats/live-stats-provider.js';
import type { SurveyResults } from './survey-results.js';

/**
 * The live figures of the care after the call for the realtime statistics:
 * callbacks pending and overdue (by queue and tier) and today's survey
 * answers with their mean score.
 */
export class CareStats {
  private readonly clock: Clock;

  constructor(private readonly desk: CallbackDesk, private readonly results: SurveyResults, clock?: Clock) {
    this.clock = clock ?? systemClock;
  }

  callbacks(): Promise<CallbacksNow> {
    return this.desk.counts();
  }

  surveys(): Promise<SurveysNow> {
    return this.results.today(this.clock.now());
  }
}
