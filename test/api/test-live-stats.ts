import type { AgentsNow, CallbacksNow, LiveStatsProvider, SurveysNow, WaitingNow } from '../../src/stats/live-stats-provider.js';

/** Live figures set by the test, standing in for the ACD and the callback module. */
export class TestLiveStats implements LiveStatsProvider {
  waitingNow: WaitingNow = { queues: {}, tiers: {} };
  agentsNow: AgentsNow = { total: {}, queues: {} };
  callbacksNow: CallbacksNow = { queues: {}, tiers: {} };
  surveysNow: SurveysNow = { queues: {}, tiers: {} };

  async waiting(): Promise<WaitingNow> {
    return this.waitingNow;
  }

  async agents(): Promise<AgentsNow> {
    return this.agentsNow;
  }

  async callbacks(): Promise<CallbacksNow> {
    return this.callbacksNow;
  }

  async surveys(): Promise<SurveysNow> {
    return this.surveysNow;
  }
}
