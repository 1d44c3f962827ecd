import type { Clock } from '../time/clock.js';
import type { AcdQueueSettings } from './acd-context.js';
import type { WaitStatus } from './call-queue.js';
import { effectivePriorityAt } from './choose-call.js';
import { averageHandleTime, estimateWait } from './estimated-wait.js';
import type { RedisAcdStore } from './redis-acd-store.js';

export interface WaitingCallView {
  callId: string;
  queue: string;
  tier: string;
  priority: number;
  effectivePriority: number;
  /** 1-based place in the queue. */
  position: number;
  waitedMs: number;
  overflowed: boolean;
  callerNumber: string;
  owner: string;
  /** A place kept for a caller who is not on the line (a callback). */
  virtual: boolean;
}

export interface AcdViewsOptions {
  store: RedisAcdStore;
  clock: Clock;
  queues: () => Readonly<Record<string, Readonly<AcdQueueSettings>>>;
  /** Handle time assumed for a queue without history; null: unknown. */
  defaultHandleMs: number | null;
  /** How many recent calls the average handle time is taken over. */
  handleTimeWindow: number;
}

/** What callers and supervisors see of the queues, read from the shared state: positions, estimated waits, listings. */
export class AcdViews {
  constructor(private readonly options: AcdViewsOptions) {}

  /** Where a call stands: position, estimated wait; null once it is no longer waiting for an agent. */
  async status(callId: string): Promise<WaitStatus | null> {
    const { store, clock, handleTimeWindow: window } = this.options;
    const rec = await store.getCall(callId);
    if (!rec || rec.state === 'bridged') return null;
    const figures = await store.waitFigures(rec, window);
    const position = rec.state === 'waiting' && figures.rank !== null ? figures.rank + 1 : 0;
    const averageHandleMs = averageHandleTime(figures.handleTimes, window, this.options.defaultHandleMs);
    return {
      stage: rec.state === 'waiting' ? 'waiting' : 'offered',
      position,
      waiting: figures.waiting,
      estimatedWaitMs: estimateWait({ position, staffedAgents: figures.staffed, averageHandleMs }),
      waitedMs: Math.max(0, clock.now() - rec.enqueuedAt),
      overflowed: rec.overflowed,
    };
  }

  /** Calls waiting for an agent (not those being offered), first served first; all queues when none is named. */
  async waiting(queue?: string): Promise<WaitingCallView[]> {
    const { store, clock } = this.options;
    const queues = this.options.queues();
    const ids = queue === undefined ? Object.keys(queues).sort() : [queue];
    const now = clock.now();
    const out: WaitingCallView[] = [];
    for (const q of ids) {
      const rate = queues[q]?.agingPerMinute ?? 0;
      const calls = await store.getCalls(await store.waitingIds(q));
      calls.forEach((c, i) => {
        out.push({
          callId: c.id,
          queue: c.queue,
          tier: c.tier,
          priority: c.priority,
          effectivePriority: effectivePriorityAt({ priority: c.priority, agingPerMinute: rate, enqueuedAt: c.enqueuedAt }, now),
          position: i + 1,
          waitedMs: now - c.enqueuedAt,
          overflowed: c.overflowed,
          callerNumber: c.callerNumber,
          owner: c.owner,
          virtual: c.virtual,
        });
      });
    }
    return out;
  }

  /** Where a queued or bridged call stands in the shared state: null when no instance has it. */
  async callState(callId: string): Promise<{ state: string; owner: string; queue: string; agent: string | null } | null> {
    const rec = await this.options.store.getCall(callId);
    return rec ? { state: rec.state, owner: rec.owner, queue: rec.queue, agent: rec.agent } : null;
  }
}
