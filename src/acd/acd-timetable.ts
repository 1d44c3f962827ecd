import type { Logger } from '../log/logger.js';
import { dayOf, nextDayStart, SELF_ENDING_PAUSES } from './agent-state.js';
import type { AgentUpdater } from './agent-updater.js';
import { wrapUpDone } from './agent-after-talk.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { RedisAcdStore, ScriptResult } from './redis-acd-store.js';

export interface AcdTimetableOptions {
  store: RedisAcdStore;
  updater: AgentUpdater;
  clock: Clock;
  logger: Logger;
  handleResult: (result: ScriptResult) => void;
  /** False while the instance may not act (not started, or leftover calls not yet recovered). */
  active: () => boolean;
  sweepIntervalMs: number;
}

/** Agent timers in the timetable are retried by another instance if this one dies while applying them. */
const TIMER_LEASE_MS = 10_000;
const DUE_BATCH = 100;

/**
 * This instance's view of the shared timetable (B:due: overflows, ends of
 * wrap-up and busy pauses, the day rollover). One local timer is armed for the
 * earliest entry this instance has heard of — every script reports the
 * earliest entry — and a slow sweep picks up entries left by an instance that
 * stopped. Whichever instance gets there first handles an entry; the others
 * find nothing to do.
 */
export class AcdTimetable {
  private timer: TimerHandle | null = null;
  private timerAt: number | null = null;
  private sweep: TimerHandle | null = null;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(private readonly options: AcdTimetableOptions) {}

  /** The earliest entry is at `at` (false: the timetable is empty). */
  arm(at: number | false | undefined): void {
    if (at === undefined || at === false || this.stopped) return;
    if (this.timerAt !== null && this.timerAt <= at) return;
    const { clock } = this.options;
    if (this.timer) clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = clock.setTimeout(() => {
      this.timer = null;
      this.timerAt = null;
      void this.run();
    }, at - clock.now());
  }

  startSweep(): void {
    if (this.stopped) return;
    this.sweep = this.options.clock.setTimeout(() => {
      void this.run().finally(() => this.startSweep());
    }, this.options.sweepIntervalMs);
  }

  stop(): void {
    this.stopped = true;
    const { clock } = this.options;
    if (this.timer) clock.clearTimeout(this.timer);
    if (this.sweep) clock.clearTimeout(this.sweep);
    this.timer = this.sweep = null;
    this.timerAt = null;
  }

  /** Handle everything due now. */
  async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    const { store, clock, logger, handleResult } = this.options;
    try {
      do {
        this.again = false;
        if (this.stopped || !this.options.active()) return;
        const now = clock.now();
        const result = await store.due(DUE_BATCH, dayOf(now), nextDayStart(now), TIMER_LEASE_MS);
        handleResult(result);
        for (const member of result.agents ?? []) await this.agentTimer(member);
      } while (this.again);
    } catch (err) {
      logger.error({ err }, 'processing the ACD timetable failed');
    } finally {
      this.running = false;
    }
  }

  /** w:<agent> end of wrap-up, u:<agent> end of a busy (or failed dial) pause; dropped when the agent moved on. */
  private async agentTimer(member: string): Promise<void> {
    const { store, updater, logger } = this.options;
    const id = member.slice(2);
    try {
      const agent = await store.getAgent(id);
      let applied = false;
      if (agent && member.startsWith('w:') && agent.state === 'wrap-up') {
        applied = await wrapUpDone(updater, id);
      } else if (agent && member.startsWith('u:') && agent.state === 'paused' && agent.pauseReason !== null && SELF_ENDING_PAUSES.has(agent.pauseReason)) {
        await updater.command(id, { type: 'ready' });
        applied = true;
      }
      if (!applied) await store.dropTimer(member);
    } catch (err) {
      logger.error({ err, agent: id, timer: member }, 'agent timer failed');
    }
  }
}
